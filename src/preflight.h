/* SPDX-License-Identifier: GPL-2.0 */
/* What the running kernel offers, checked before anything is loaded. */
#ifndef PREFLIGHT_H
#define PREFLIGHT_H

#include <stdbool.h>

struct btf;
struct ksyms;

struct kernel_info {
	struct btf *vmlinux_btf;
	struct btf *iommufd_btf;	/* the btf holding the iommufd types */
	bool iommufd_module;		/* CONFIG_IOMMUFD=m */
	bool vdev_has_idev;		/* v6.17+ shape: the vdevice points at its idev */
	bool kprobe_pmu;		/* perf kprobe PMU: kprobes can attach */
};

/*
 * Fills @ki; on a kernel the tool cannot trace, prints what is wrong and
 * what to do, and returns -1 (an environment error: STATUS_ERROR).
 */
int preflight(struct kernel_info *ki, const struct ksyms *ks);
void kernel_info_free(struct kernel_info *ki);
/* Does the kernel have BTF for function @name (fentry can attach)? */
bool kernel_has_btf_func(const struct kernel_info *ki, const char *name);

#endif /* PREFLIGHT_H */
