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
EMPTY("fentry/iommufd_ioas_destroy", fentry_ioas_destroy)
EMPTY("fentry/iommufd_hwpt_paging_destroy", fentry_hwpt_paging_destroy)
EMPTY("fentry/iommufd_hwpt_nested_destroy", fentry_hwpt_nested_destroy)
EMPTY("fentry/iommufd_viommu_destroy", fentry_viommu_destroy)
EMPTY("fentry/iommufd_veventq_destroy", fentry_veventq_destroy)
EMPTY("fentry/iommufd_hw_queue_destroy", fentry_hw_queue_destroy)
EMPTY("fentry/iommufd_fault_destroy", fentry_fault_destroy)
EMPTY("fentry/iommufd_access_destroy_object", fentry_access_destroy)

EMPTY("kprobe/iommufd_object_finalize", kprobe_finalize)
EMPTY("kprobe/iommufd_device_unbind", kprobe_unbind)
EMPTY("kretprobe/iommufd_device_unbind", kretprobe_unbind)
EMPTY("kprobe/iommufd_vdevice_destroy", kprobe_vdev_destroy)
EMPTY("kprobe/iommufd_object_remove", kprobe_remove)
EMPTY("kretprobe/iommufd_object_remove", kretprobe_remove)
EMPTY("kprobe/iommufd_fops_release", kprobe_release)
EMPTY("kretprobe/iommufd_fops_release", kretprobe_release)
EMPTY("kprobe/iommufd_object_abort_and_destroy", kprobe_abort)
EMPTY("kprobe/iommufd_ioas_destroy", kprobe_ioas_destroy)
EMPTY("kprobe/iommufd_hwpt_paging_destroy", kprobe_hwpt_paging_destroy)
EMPTY("kprobe/iommufd_hwpt_nested_destroy", kprobe_hwpt_nested_destroy)
EMPTY("kprobe/iommufd_viommu_destroy", kprobe_viommu_destroy)
EMPTY("kprobe/iommufd_veventq_destroy", kprobe_veventq_destroy)
EMPTY("kprobe/iommufd_hw_queue_destroy", kprobe_hw_queue_destroy)
EMPTY("kprobe/iommufd_fault_destroy", kprobe_fault_destroy)
EMPTY("kprobe/iommufd_access_destroy_object", kprobe_access_destroy)
