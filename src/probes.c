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
	const char *old_name;	/* its name before a kernel renamed it */
	bool output;		/* marks check's command's output (opts->cmd_output) */
	/* the destroy op of this type: the type is followed if it attaches */
	enum obj_type destroys;
};

#define NR_TARGETS 15
#define NR_SCOPE_TPS 2
/* The reader is woken when the ring is this full, else by its poll timer. */
#define WAKEUP_FRACTION 4
_Static_assert(2 * NR_TARGETS + NR_SCOPE_TPS <= TRACER_MAX_LINKS, "links");

/* Devices end in unbind, vdevices in their destroy op: both mandatory. */
#define ALWAYS_FOLLOWED	(1U << OBJ_DEVICE | 1U << OBJ_VDEVICE)

static void fill_targets(struct iommufd_trace_bpf *s, struct target *t)
{
	const struct target targets[NR_TARGETS] = {
		{ .func = "iommufd_object_finalize", .mandatory = true,
		  .fentry = s->progs.fentry_finalize, .kprobe = s->progs.kprobe_finalize },
		/* fentry mode: iommufd_object_remove's fexit sees it end */
		{ .func = "iommufd_device_unbind", .mandatory = true,
		  .fentry = s->progs.fentry_unbind,
		  .kprobe = s->progs.kprobe_unbind, .kretprobe = s->progs.kretprobe_unbind },
		{ .func = "iommufd_vdevice_destroy", .mandatory = true,
		  .fentry = s->progs.fentry_vdev_destroy, .kprobe = s->progs.kprobe_vdev_destroy },
		/* fexit sees the arguments: no fentry program */
		{ .func = "iommufd_object_remove", .mandatory = true,
		  .fexit = s->progs.fexit_remove,
		  .kprobe = s->progs.kprobe_remove, .kretprobe = s->progs.kretprobe_remove },
		{ .func = "iommufd_fops_release", .mandatory = true,
		  .fexit = s->progs.fexit_release,
		  .kprobe = s->progs.kprobe_release, .kretprobe = s->progs.kretprobe_release },
		/* Only tells aborted objects from ones created before tracing. */
		{ .func = "iommufd_object_abort_and_destroy",
		  .fentry = s->progs.fentry_abort, .kprobe = s->progs.kprobe_abort },
		/* Without it, no finding can be given the test it belongs to. */
		{ .func = "anon_pipe_write", .old_name = "pipe_write", .output = true,
		  .fexit = s->progs.fexit_out_write, .kprobe = s->progs.kprobe_out_write },
		/*
		 * The other types, each followed only if its destroy op can be
		 * probed: vEVENTQ came in v6.15, HW_QUEUE in v6.17.
		 */
		{ .func = "iommufd_ioas_destroy", .destroys = OBJ_IOAS,
		  .fentry = s->progs.fentry_ioas_destroy, .kprobe = s->progs.kprobe_ioas_destroy },
		{ .func = "iommufd_hwpt_paging_destroy", .destroys = OBJ_HWPT_PAGING,
		  .fentry = s->progs.fentry_hwpt_paging_destroy,
		  .kprobe = s->progs.kprobe_hwpt_paging_destroy },
		{ .func = "iommufd_hwpt_nested_destroy", .destroys = OBJ_HWPT_NESTED,
		  .fentry = s->progs.fentry_hwpt_nested_destroy,
		  .kprobe = s->progs.kprobe_hwpt_nested_destroy },
		{ .func = "iommufd_viommu_destroy", .destroys = OBJ_VIOMMU,
		  .fentry = s->progs.fentry_viommu_destroy, .kprobe = s->progs.kprobe_viommu_destroy },
		{ .func = "iommufd_veventq_destroy", .destroys = OBJ_VEVENTQ,
		  .fentry = s->progs.fentry_veventq_destroy, .kprobe = s->progs.kprobe_veventq_destroy },
		{ .func = "iommufd_hw_queue_destroy", .destroys = OBJ_HW_QUEUE,
		  .fentry = s->progs.fentry_hw_queue_destroy,
		  .kprobe = s->progs.kprobe_hw_queue_destroy },
		{ .func = "iommufd_fault_destroy", .destroys = OBJ_FAULT,
		  .fentry = s->progs.fentry_fault_destroy, .kprobe = s->progs.kprobe_fault_destroy },
		{ .func = "iommufd_access_destroy_object", .destroys = OBJ_ACCESS,
		  .fentry = s->progs.fentry_access_destroy, .kprobe = s->progs.kprobe_access_destroy },
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
 * Which of the targets' functions the tracefs file @name lists, in
 * @listed: a line names one ("func [module]", or "0x... 0x... func" in
 * the kprobe blacklist).  One read for all, as the kernel writes the long
 * file anew for each reader.  Returns -1 when no copy can be read.
 */
static int mark_listed(const char *name, const struct target *tg, bool *listed)
{
	static const char *const dirs[] = { "/sys/kernel/tracing",
					    "/sys/kernel/debug/tracing",
					    "/sys/kernel/debug" };
	char path[128], line[256], *word, *save;
	unsigned int d;
	FILE *f = NULL;
	int i;

	for (d = 0; !f && d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[d], name);
		f = fopen(path, "re");
	}
	if (!f)
		return -1;
	memset(listed, 0, NR_TARGETS * sizeof(*listed));
	while (fgets(line, sizeof(line), f))
		for (word = strtok_r(line, " \t\n", &save); word;
		     word = strtok_r(NULL, " \t\n", &save))
			for (i = 0; i < NR_TARGETS; i++)
				listed[i] |= !strcmp(word, tg[i].func);
	fclose(f);
	return 0;
}

/* What tracefs says of the targets, for a mode; unknown when unreadable. */
struct tracefs_view {
	bool readable;
	bool listed[NR_TARGETS];
};

static void view_tracefs(struct tracefs_view *v, const struct target *tg,
			 enum probe_mode mode)
{
	v->readable = !mark_listed(mode == PROBE_FENTRY ?
				   "available_filter_functions" :
				   "kprobes/blacklist", tg, v->listed);
}

/* Why target @i cannot be probed in @mode, or NULL if it looks probeable. */
static const char *unprobeable(const struct target *tg, int i,
			       enum probe_mode mode, const struct tracefs_view *v,
			       const struct kernel_info *ki, const struct ksyms *ks)
{
	if (!ksyms_has(ks, tg[i].func))
		return "not in /proc/kallsyms: absent from this kernel, or inlined";
	if (mode == PROBE_FENTRY && !kernel_has_btf_func(ki, tg[i].func))
		return "no BTF for it (static or inlined): fentry cannot attach";
	if (mode == PROBE_FENTRY && v->readable && !v->listed[i])
		return "notrace (not in available_filter_functions): fentry cannot attach";
	if (mode == PROBE_KPROBE && !ki->kprobe_pmu)
		return "this kernel has no kprobes (CONFIG_KPROBES, CONFIG_KPROBE_EVENTS)";
	if (mode == PROBE_KPROBE && v->readable && v->listed[i])
		return "on the kprobe blacklist";
	return NULL;
}

/* Kprobes go by the name found at run time, the rest by their section. */
static int attach_prog(struct tracer *t, struct bpf_program *prog,
		       const char *func, bool retprobe)
{
	struct bpf_link *link;

	if (!prog)
		return 0;
	if (bpf_program__type(prog) == BPF_PROG_TYPE_KPROBE)
		link = bpf_program__attach_kprobe(prog, retprobe, func);
	else
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

/* The kernel's name for @tg; fentry programs are pointed at it before load. */
static int resolve_name(struct target *tg, bool fentry, const struct ksyms *ks)
{
	struct bpf_program *progs[] = { tg->fentry, tg->fexit };
	unsigned int i;
	int err;

	if (!tg->old_name || ksyms_has(ks, tg->func) || !ksyms_has(ks, tg->old_name))
		return 0;
	tg->func = tg->old_name;
	for (i = 0; fentry && i < sizeof(progs) / sizeof(progs[0]); i++) {
		err = progs[i] ? bpf_program__set_attach_target(progs[i], 0, tg->func) : 0;
		if (err)
			return err;
	}
	return 0;
}

/* Scope needs to see every fork and exit, in either mode. */
static void scope_programs(struct iommufd_trace_bpf *s, struct bpf_program **tps,
			   const struct probe_opts *opts)
{
	bool on = opts->scope != SCOPE_ALL;

	tps[0] = s->progs.scope_fork;
	tps[1] = s->progs.scope_exit;
	bpf_program__set_autoload(tps[0], on);
	bpf_program__set_autoload(tps[1], on);
	bpf_program__set_autoload(s->progs.scope_self, on);
	s->rodata->scope = opts->scope;
	/* As the kernel keeps it: cut to TASK_COMM_LEN - 1 bytes. */
	if (opts->comm)
		strncpy(s->rodata->scope_comm, opts->comm, TASK_COMM_LEN - 1);
	if (!on) {
		bpf_map__set_max_entries(s->maps.scope_tasks, 1);
		bpf_map__set_max_entries(s->maps.scope_ctxs, 1);
	}
	if (opts->scope != SCOPE_FILTER)
		bpf_map__set_max_entries(s->maps.scope_objs, 1);
}

static int attach_scope(struct tracer *t, struct bpf_program **tps,
			const struct probe_opts *opts)
{
	int i;

	for (i = 0; opts->scope != SCOPE_ALL && i < NR_SCOPE_TPS; i++)
		if (attach_prog(t, tps[i], bpf_program__section_name(tps[i]), false)) {
			fprintf(stderr, "iommufd-trace: cannot follow the traced processes (--system-wide does without)\n");
			return STATUS_INCONCLUSIVE;
		}
	return 0;
}

static int try_mode(struct tracer *t, enum probe_mode mode,
		    const struct probe_opts *opts, const struct kernel_info *ki,
		    const struct ksyms *ks)
{
	struct target targets[NR_TARGETS];
	struct bpf_program *tps[NR_SCOPE_TPS];
	bool fentry = mode == PROBE_FENTRY, skip[NR_TARGETS] = {}, renamed[NR_TARGETS];
	struct tracefs_view view;
	const char *why;
	int i, err;

	t->skel = iommufd_trace_bpf__open();
	if (!t->skel) {
		fprintf(stderr, "iommufd-trace: cannot open the BPF object: %s\n", strerror(errno));
		return STATUS_ERROR;
	}
	t->mode = mode;
	t->missing_optional = 0;
	if (mode == PROBE_KPROBE && ki->kprobe_rereg_risk)
		fprintf(stderr, "iommufd-trace: warning: this x86 kernel may crash when kprobes are registered again after the last ones went away (the ftrace jmp bug of v6.19+ kernels whose functions sit at odd addresses: README, \"Known kernel issue\"): prefer --probe-mode fentry\n");
	t->output_marks = false;
	t->followed = ALWAYS_FOLLOWED;
	fill_targets(t->skel, targets);
	scope_programs(t->skel, tps, opts);
	/* Names first: tracefs is read for the names the kernel has. */
	for (i = 0; i < NR_TARGETS; i++) {
		/* Only check mode marks its command's output. */
		skip[i] = targets[i].output && !opts->cmd_output;
		renamed[i] = !skip[i] && resolve_name(&targets[i], fentry, ks);
	}
	view_tracefs(&view, targets, mode);
	for (i = 0; i < NR_TARGETS; i++) {
		struct target *tg = &targets[i];

		set_autoload(fentry ? tg->kprobe : tg->fentry,
			     fentry ? tg->kretprobe : tg->fexit, false);
		why = skip[i] ? NULL : renamed[i] ? "cannot point the program at it" :
		      unprobeable(targets, i, mode, &view, ki, ks);
		if (why && tg->output)
			fprintf(stderr, "iommufd-trace: cannot probe %s (%s): %s; findings will not name the test of the command they belong to\n",
				tg->func, probe_mode_name(mode), why);
		else if (why)
			fprintf(stderr, "iommufd-trace: %s %s (%s): %s\n",
				tg->mandatory ? "cannot probe" : "skipping optional probe",
				tg->func, probe_mode_name(mode), why);
		if (why && tg->mandatory)
			return STATUS_INCONCLUSIVE;
		if (why && !tg->output)
			t->missing_optional++;
		skip[i] |= why != NULL;
		if (skip[i])
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
	if (opts->pid && bpf_map__update_elem(t->skel->maps.scope_tasks, &opts->pid,
					       sizeof(opts->pid), &(__u8){ 1 }, 1, BPF_ANY)) {
		fprintf(stderr, "iommufd-trace: cannot trace process %d: %s\n", opts->pid, strerror(errno));
		return STATUS_ERROR;
	}
	err = attach_scope(t, tps, opts);
	if (err)
		return err;
	for (i = 0; i < NR_TARGETS; i++) {
		struct target *tg = &targets[i];

		if (skip[i])
			continue;
		err = attach_prog(t, fentry ? tg->fentry : tg->kprobe, tg->func, false);
		if (!err)
			err = attach_prog(t, fentry ? tg->fexit : tg->kretprobe,
					  tg->func, true);
		if (err && tg->mandatory)
			return STATUS_INCONCLUSIVE;
		if (tg->output)
			t->output_marks = !err;
		else if (err)
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

int tracer_run(struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);

	return err < 0 ? err : (int)opts.retval;
}
