// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of the benchmark: empty programs on the attach points of
 * iommufd-trace (src/probes.c), so that what is left of its overhead is
 * the probe mechanism itself.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define EMPTY(sec, name) SEC(sec) int name(void *ctx) { return 0; }

EMPTY("fentry/iommufd_object_finalize", fentry_finalize)
EMPTY("fentry/iommufd_device_unbind", fentry_unbind)
EMPTY("fentry/iommufd_vdevice_destroy", fentry_vdev_destroy)
EMPTY("fexit/iommufd_object_remove", fexit_remove)
EMPTY("fexit/iommufd_fops_release", fexit_release)
EMPTY("fentry/iommufd_object_abort_and_destroy", fentry_abort)

EMPTY("kprobe/iommufd_object_finalize", kprobe_finalize)
EMPTY("kprobe/iommufd_device_unbind", kprobe_unbind)
EMPTY("kretprobe/iommufd_device_unbind", kretprobe_unbind)
EMPTY("kprobe/iommufd_vdevice_destroy", kprobe_vdev_destroy)
EMPTY("kprobe/iommufd_object_remove", kprobe_remove)
EMPTY("kretprobe/iommufd_object_remove", kretprobe_remove)
EMPTY("kprobe/iommufd_fops_release", kprobe_release)
EMPTY("kretprobe/iommufd_fops_release", kretprobe_release)
EMPTY("kprobe/iommufd_object_abort_and_destroy", kprobe_abort)
