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

/* What the kernel shows of iommufd_object_finalize, iommufd's first hook. */
struct iommufd_facts {
	bool in_kallsyms;	/* /proc/kallsyms lists it (built in, or module loaded) */
	bool vmlinux_btf;	/* a function of vmlinux's BTF: built in */
	bool module_btf;	/* a function of /sys/kernel/btf/iommufd */
	bool module_file;	/* iommufd.ko is in this kernel's modules.dep */
};

enum iommufd_place {
	PLACE_BUILT_IN,
	PLACE_MODULE,
	PLACE_NOT_LOADED,	/* a module, not loaded */
	PLACE_ABSENT,		/* no CONFIG_IOMMUFD */
	PLACE_NO_BTF,		/* there, but fentry and CO-RE cannot see it */
};

/* Where iommufd's code is, from the facts; preflight() gathers them. */
enum iommufd_place iommufd_place(const struct iommufd_facts *f);

/*
 * Fills @ki; on a kernel the tool cannot trace, prints what is wrong and
 * what to do, and returns -1 (an environment error: STATUS_ERROR).
 */
int preflight(struct kernel_info *ki, const struct ksyms *ks);
void kernel_info_free(struct kernel_info *ki);
/* Does the kernel have BTF for function @name (fentry can attach)? */
bool kernel_has_btf_func(const struct kernel_info *ki, const char *name);

#endif /* PREFLIGHT_H */
