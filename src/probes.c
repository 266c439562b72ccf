// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "iommufd_trace.skel.h"
#include "ksyms.h"
#include "preflight.h"
#include "probes.h"
#include "status.h"
#include "trace_event.h"

struct target {
	const char *func;
	bool mandatory;
	/* entry and return programs per mode; NULL where a mode needs none */
	struct bpf_program *fentry, *fexit, *kprobe, *kretprobe;
	/* the destroy op of this type: the type is followed if it attaches */
	enum obj_type destroys;
};

#define NR_TARGETS 14
/* The reader is woken when the ring is this full, else by its poll timer. */
#define WAKEUP_FRACTION 4
_Static_assert(2 * NR_TARGETS <= TRACER_MAX_LINKS, "links");

/* Devices end in unbind, vdevices in their destroy op: both mandatory. */
#define ALWAYS_FOLLOWED	(1U << OBJ_DEVICE | 1U << OBJ_VDEVICE)

static void fill_targets(struct iommufd_trace_bpf *s, struct target *t)
{
	const struct target targets[NR_TARGETS] = {
		{ "iommufd_object_finalize", true, s->progs.fentry_finalize, NULL,
		  s->progs.kprobe_finalize, NULL, 0 },
		{ "iommufd_device_unbind", true, s->progs.fentry_unbind,
		  s->progs.fexit_unbind, s->progs.kprobe_unbind,
		  s->progs.kretprobe_unbind, 0 },
		{ "iommufd_vdevice_destroy", true, s->progs.fentry_vdev_destroy,
		  NULL, s->progs.kprobe_vdev_destroy, NULL, 0 },
		/* fexit sees the arguments: no fentry program */
		{ "iommufd_object_remove", true, NULL, s->progs.fexit_remove,
		  s->progs.kprobe_remove, s->progs.kretprobe_remove, 0 },
		{ "iommufd_fops_release", true, NULL, s->progs.fexit_release,
		  s->progs.kprobe_release, s->progs.kretprobe_release, 0 },
		/* Only tells aborted objects from ones created before tracing. */
		{ "iommufd_object_abort_and_destroy", false, s->progs.fentry_abort,
		  NULL, s->progs.kprobe_abort, NULL, 0 },
		/*
		 * The other types, each followed only if its destroy op can be
		 * probed: vEVENTQ came in v6.15, HW_QUEUE in v6.17.
		 */
		{ "iommufd_ioas_destroy", false, s->progs.fentry_ioas_destroy, NULL,
		  s->progs.kprobe_ioas_destroy, NULL, OBJ_IOAS },
		{ "iommufd_hwpt_paging_destroy", false, s->progs.fentry_hwpt_paging_destroy, NULL,
		  s->progs.kprobe_hwpt_paging_destroy, NULL, OBJ_HWPT_PAGING },
		{ "iommufd_hwpt_nested_destroy", false, s->progs.fentry_hwpt_nested_destroy, NULL,
		  s->progs.kprobe_hwpt_nested_destroy, NULL, OBJ_HWPT_NESTED },
		{ "iommufd_viommu_destroy", false, s->progs.fentry_viommu_destroy, NULL,
		  s->progs.kprobe_viommu_destroy, NULL, OBJ_VIOMMU },
		{ "iommufd_veventq_destroy", false, s->progs.fentry_veventq_destroy, NULL,
		  s->progs.kprobe_veventq_destroy, NULL, OBJ_VEVENTQ },
		{ "iommufd_hw_queue_destroy", false, s->progs.fentry_hw_queue_destroy, NULL,
		  s->progs.kprobe_hw_queue_destroy, NULL, OBJ_HW_QUEUE },
		{ "iommufd_fault_destroy", false, s->progs.fentry_fault_destroy, NULL,
		  s->progs.kprobe_fault_destroy, NULL, OBJ_FAULT },
		{ "iommufd_access_destroy_object", false, s->progs.fentry_access_destroy, NULL,
		  s->progs.kprobe_access_destroy, NULL, OBJ_ACCESS },
	};

	memcpy(t, targets, sizeof(targets));
}

const char *probe_mode_name(enum probe_mode mode)
{
	return mode == PROBE_FENTRY ? "fentry" : mode == PROBE_KPROBE ? "kprobe" : "auto";
}

static void set_autoload(struct bpf_program *entry, struct bpf_program *ret,
			 bool on)
{
	if (entry)
		bpf_program__set_autoload(entry, on);
	if (ret)
		bpf_program__set_autoload(ret, on);
}

/*
 * Does a line of the tracefs/debugfs file @name start with @func as a
 * whole word? -1 when no copy of the file can be read.
 */
static int listed_in(const char *name, const char *func)
{
	static const char *const dirs[] = { "/sys/kernel/tracing",
					    "/sys/kernel/debug/tracing",
					    "/sys/kernel/debug" };
	size_t len = strlen(func);
	char path[128], line[256];
	int found = -1;
	unsigned int i;
	FILE *f = NULL;

	for (i = 0; !f && i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		f = fopen(path, "re");
	}
	if (!f)
		return -1;
	found = 0;
	while (!found && fgets(line, sizeof(line), f)) {
		/* "func [module]", or "0x... 0x... func" in the kprobe blacklist */
		char *word = strstr(line, func);

		found = word && (word == line || word[-1] == ' ') &&
			strchr(" \t\n", word[len]);
	}
	fclose(f);
	return found;
}

/* Why @func cannot be probed in @mode, or NULL if it looks probeable. */
static const char *unprobeable(const struct target *tg, enum probe_mode mode,
			       const struct kernel_info *ki, const struct ksyms *ks)
{
	if (!ksyms_has(ks, tg->func))
		return "not in /proc/kallsyms: absent from this kernel, or inlined";
	if (mode == PROBE_FENTRY && !kernel_has_btf_func(ki, tg->func))
		return "no BTF for it (static or inlined): fentry cannot attach";
	if (mode == PROBE_FENTRY &&
	    listed_in("available_filter_functions", tg->func) == 0)
		return "notrace (not in available_filter_functions): fentry cannot attach";
	if (mode == PROBE_KPROBE && !ki->kprobe_pmu)
		return "this kernel has no kprobes (CONFIG_KPROBES, CONFIG_KPROBE_EVENTS)";
	if (mode == PROBE_KPROBE && listed_in("kprobes/blacklist", tg->func) == 1)
		return "on the kprobe blacklist";
	return NULL;
}

static int attach_prog(struct tracer *t, struct bpf_program *prog,
		       const char *func)
{
	struct bpf_link *link;

	if (!prog)
		return 0;
	link = bpf_program__attach(prog);
	if (!link) {
		int err = -errno;

		fprintf(stderr, "iommufd-trace: %s: cannot attach %s: %s\n", func,
			bpf_program__name(prog), strerror(-err));
		return err;
	}
	t->links[t->nr_links++] = link;
	return 0;
}

static int try_mode(struct tracer *t, enum probe_mode mode,
		    const struct probe_opts *opts, const struct kernel_info *ki,
		    const struct ksyms *ks)
{
	struct target targets[NR_TARGETS];
	bool fentry = mode == PROBE_FENTRY, skip[NR_TARGETS] = {};
	const char *why;
	int i, err;

	t->skel = iommufd_trace_bpf__open();
	if (!t->skel) {
		fprintf(stderr, "iommufd-trace: cannot open the BPF object: %s\n", strerror(errno));
		return STATUS_ERROR;
	}
	t->mode = mode;
	t->missing_optional = 0;
	t->followed = ALWAYS_FOLLOWED;
	fill_targets(t->skel, targets);
	for (i = 0; i < NR_TARGETS; i++) {
		struct target *tg = &targets[i];

		set_autoload(fentry ? tg->kprobe : tg->fentry,
			     fentry ? tg->kretprobe : tg->fexit, false);
		why = unprobeable(tg, mode, ki, ks);
		if (!why)
			continue;
		fprintf(stderr, "iommufd-trace: %s %s (%s): %s\n",
			tg->mandatory ? "cannot probe" : "skipping optional probe",
			tg->func, probe_mode_name(mode), why);
		if (tg->mandatory)
			return STATUS_INCONCLUSIVE;
		skip[i] = true;
		t->missing_optional++;
		set_autoload(fentry ? tg->fentry : tg->kprobe,
			     fentry ? tg->fexit : tg->kretprobe, false);
	}
	t->skel->rodata->wakeup_bytes = opts->ringbuf_bytes / WAKEUP_FRACTION;
	err = bpf_map__set_max_entries(t->skel->maps.events, opts->ringbuf_bytes);
	if (!err)
		err = iommufd_trace_bpf__load(t->skel);
	if (err) {
		fprintf(stderr, "iommufd-trace: cannot load the BPF programs (%s): %s%s\n",
			probe_mode_name(mode), strerror(-err),
			opts->verbose ? "" : " (--verbose shows libbpf's log)");
		return STATUS_ERROR;
	}
	for (i = 0; i < NR_TARGETS; i++) {
		struct target *tg = &targets[i];

		if (skip[i])
			continue;
		err = attach_prog(t, fentry ? tg->fentry : tg->kprobe, tg->func);
		if (!err)
			err = attach_prog(t, fentry ? tg->fexit : tg->kretprobe,
					  tg->func);
		if (err && tg->mandatory)
			return STATUS_INCONCLUSIVE;
		if (err)
			t->missing_optional++;
		else if (tg->destroys)
			t->followed |= 1U << tg->destroys;
	}
	/* All at once: no lifecycle is seen by some of the programs only. */
	t->skel->bss->followed = t->followed;
	t->skel->bss->armed = true;
	return 0;
}

int tracer_attach(struct tracer *t, const struct probe_opts *opts,
		  const struct kernel_info *ki, const struct ksyms *ks)
{
	int err;

	if (opts->mode != PROBE_AUTO) {
		err = try_mode(t, opts->mode, opts, ki, ks);
		if (err)
			tracer_detach(t);
		return err;
	}
	/*
	 * fentry may fail to load or attach where kprobes work; without even
	 * the object, kprobes would not do better.
	 */
	err = try_mode(t, PROBE_FENTRY, opts, ki, ks);
	if (!err || !t->skel)
		return err;
	tracer_detach(t);
	fprintf(stderr, "iommufd-trace: fentry/fexit unusable here, falling back to kprobes\n");
	err = try_mode(t, PROBE_KPROBE, opts, ki, ks);
	if (err)
		tracer_detach(t);
	return err;
}

void tracer_detach(struct tracer *t)
{
	while (t->nr_links)
		bpf_link__destroy(t->links[--t->nr_links]);
	iommufd_trace_bpf__destroy(t->skel);
	t->skel = NULL;
}

unsigned long long tracer_recursion_misses(const struct tracer *t)
{
	unsigned long long misses = 0;
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, t->skel->obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (bpf_program__fd(prog) < 0 ||
		    bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			continue;
		misses += info.recursion_misses;
	}
	return misses;
}
