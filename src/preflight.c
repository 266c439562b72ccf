// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <bpf/btf.h>

#include "ksyms.h"
#include "preflight.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#define CAP_BPF 39
#endif

static bool has_cap(const struct __user_cap_data_struct *caps, int cap)
{
	return caps[cap / 32].effective & (1U << (cap % 32));
}

static int check_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct caps[2] = {};

	if (syscall(SYS_capget, &hdr, caps) == 0 &&
	    (has_cap(caps, CAP_SYS_ADMIN) ||
	     (has_cap(caps, CAP_BPF) && has_cap(caps, CAP_PERFMON))))
		return 0;
	fprintf(stderr, "iommufd-trace: needs root (CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON) to load BPF programs: run it with sudo\n");
	return -1;
}

static bool btf_has_struct(const struct btf *btf, const char *name)
{
	return btf && btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT) > 0;
}

static bool struct_has_member(const struct btf *btf, const char *sname,
			      const char *member)
{
	const struct btf_member *m;
	const struct btf_type *t;
	int id, i;

	id = btf__find_by_name_kind(btf, sname, BTF_KIND_STRUCT);
	if (id <= 0)
		return false;
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), member))
			return true;
	return false;
}

enum iommufd_place iommufd_place(const struct iommufd_facts *f)
{
	if (!f->in_kallsyms)
		return f->module_file ? PLACE_NOT_LOADED : PLACE_ABSENT;
	if (f->vmlinux_btf)
		return PLACE_BUILT_IN;
	return f->module_btf ? PLACE_MODULE : PLACE_NO_BTF;
}

/* Is iommufd.ko (maybe compressed) among the running kernel's modules? */
static bool module_file_exists(void)
{
	char path[300], line[512];
	struct utsname u;
	bool found = false;
	FILE *f;

	if (uname(&u))
		return false;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", u.release);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		const char *colon = strchr(line, ':');
		const char *name = strstr(line, "iommufd.ko");

		found = name && (!colon || name < colon) &&
			(name == line || name[-1] == '/');
	}
	fclose(f);
	return found;
}

/*
 * Where iommufd's functions are.  Its types are no proof: a kernel with
 * iommufd as a module has struct iommufd_object in vmlinux's BTF, from
 * the built-in IOMMUFD_DRIVER_CORE.
 */
static int find_iommufd_btf(struct kernel_info *ki, const struct ksyms *ks)
{
	static const char func[] = "iommufd_object_finalize";
	struct iommufd_facts f = {
		.in_kallsyms = ksyms_has(ks, func),
		.vmlinux_btf = btf__find_by_name_kind(ki->vmlinux_btf, func,
						      BTF_KIND_FUNC) > 0,
		.module_file = module_file_exists(),
	};

	if (!f.vmlinux_btf && access("/sys/kernel/btf/iommufd", R_OK) == 0) {
		ki->iommufd_btf = btf__load_module_btf("iommufd", ki->vmlinux_btf);
		f.module_btf = btf__find_by_name_kind(ki->iommufd_btf, func,
						      BTF_KIND_FUNC) > 0;
	}
	switch (iommufd_place(&f)) {
	case PLACE_BUILT_IN:
		btf__free(ki->iommufd_btf);
		ki->iommufd_btf = ki->vmlinux_btf;
		return 0;
	case PLACE_MODULE:
		ki->iommufd_module = true;
		return 0;
	case PLACE_NOT_LOADED:
		fprintf(stderr, "iommufd-trace: iommufd is a module of this kernel that is not loaded: load it with 'modprobe iommufd' and try again\n");
		return -1;
	case PLACE_ABSENT:
		fprintf(stderr, "iommufd-trace: this kernel has no iommufd (no %s in /proc/kallsyms): use a kernel built with CONFIG_IOMMUFD\n", func);
		return -1;
	case PLACE_NO_BTF:
		break;
	}
	fprintf(stderr, "iommufd-trace: iommufd has no BTF: rebuild the kernel with CONFIG_DEBUG_INFO_BTF%s=y\n",
		f.module_file ? "_MODULES" : "");
	return -1;
}

int preflight(struct kernel_info *ki, const struct ksyms *ks)
{
	memset(ki, 0, sizeof(*ki));
	if (check_privileges())
		return -1;
	ki->vmlinux_btf = btf__load_vmlinux_btf();
	if (!ki->vmlinux_btf) {
		fprintf(stderr, "iommufd-trace: this kernel has no BTF (/sys/kernel/btf/vmlinux: %s): it needs a kernel built with CONFIG_DEBUG_INFO_BTF=y\n",
			strerror(errno));
		return -1;
	}
	if (find_iommufd_btf(ki, ks))
		return -1;
	if (!btf_has_struct(ki->iommufd_btf, "iommufd_vdevice")) {
		fprintf(stderr, "iommufd-trace: this kernel's iommufd has no vdevices (IOMMU_VDEVICE_ALLOC came in v6.13): there is nothing that can be orphaned to check\n");
		return -1;
	}
	ki->vdev_has_idev = struct_has_member(ki->iommufd_btf, "iommufd_vdevice", "idev");
	ki->kprobe_pmu = access("/sys/bus/event_source/devices/kprobe/type", R_OK) == 0;
	return 0;
}

void kernel_info_free(struct kernel_info *ki)
{
	if (ki->iommufd_btf != ki->vmlinux_btf)
		btf__free(ki->iommufd_btf);
	btf__free(ki->vmlinux_btf);
}

bool kernel_has_btf_func(const struct kernel_info *ki, const char *name)
{
	return btf__find_by_name_kind(ki->iommufd_btf, name, BTF_KIND_FUNC) > 0;
}
