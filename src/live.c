// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attrib.h"
#include "cmd.h"
#include "cmdout.h"
#include "iommufd_trace.skel.h"
#include "iref.h"
#include "ksyms.h"
#include "ktap.h"
#include "live.h"
#include "model.h"
#include "outfile.h"
#include "preflight.h"
#include "scope.h"
#include "snapshot.h"
#include "status.h"
#include "token.h"

/*
 * After the command exited: how long its contexts may take to be released
 * (by a descendant, or in a kworker's delayed fput); then how long the
 * ring may take to give up what was reserved before the fence.
 */
#define SETTLE_MS 500
#define FENCE_MS 2000
#define POLL_MS 100
/*
 * The report's buffer, written out once per wake-up of the loop: its
 * events reach a file or pipe within POLL_MS, not when 4 KiB have filled.
 */
#define REPORT_BUF (1 << 16)

struct live {
	const struct live_opts *opts;
	struct probe_opts probe;
	struct tracer tracer;
	struct kernel_info ki;
	struct ksyms *ksyms;
	struct model *model;
	struct report *report;
	FILE *out;		/* the report's */
	struct attrib *attrib;	/* check mode: findings wait for their test */
	struct cmd cmd;
	struct cmdout cmdout;	/* check mode: the command's stdout */
	bool fenced;		/* the fence has been read */
	struct tokens tokens;
	__u64 lost_seen;	/* losses already fed to the model */
	__u64 misses;		/* recursion misses, as last read */
	long long misses_read_ms;
	__u64 last_ts;
	/*
	 * The snapshot at start, merged with the events by time: each object
	 * it read goes in before the first event after its read (an address
	 * freed and reused before the walk read it is the later object's),
	 * then its end, once an event comes from after it or the ring is quiet.
	 */
	struct trace_event *seen;
	size_t nseen, seen_fed;
	struct trace_event snap_end;
	bool snap_pending;
	char frames[STACK_DEPTH][128];
	/*
	 * The stacks read, by id: without BPF_F_REUSE_STACKID an id keeps its
	 * stack.  Each read from user space holds off every kprobe program on
	 * its CPU (the kernel's bpf_prog_active) while it runs: a kprobe hit
	 * then is lost, whoever's event it was.  So each is read once.
	 */
	__u64 *stack_ips[STACK_IDS];
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static const char *fmt_key(void *arg, enum key_kind kind, __u64 key,
			   char *buf, size_t len)
{
	struct live *l = arg;

	return tokens_fmt(&l->tokens, kind, key, buf, len);
}

/* A frame without a symbol: a token, as a pointer is, not its address. */
static void unnamed_frame(struct live *l, __u64 ip, char *buf, size_t len)
{
	char tok[32];

	if (l->opts->raw_pointers)
		fmt_key(l, KEY_FRAME, ip, buf, len);
	else
		snprintf(buf, len, "? %s", fmt_key(l, KEY_FRAME, ip, tok, sizeof(tok)));
}

static int get_stack(void *arg, __u64 stack, const char **frames, int max)
{
	struct live *l = arg;
	__u32 id = iref_idx(stack);
	int i, err, n = 0;
	__u64 *ips;

	if (id >= STACK_IDS)
		return 0;
	ips = l->stack_ips[id];
	if (!ips) {
		ips = calloc(STACK_DEPTH, sizeof(*ips));
		if (!ips || bpf_map__lookup_elem(l->tracer.skel->maps.stacks, &id,
						 sizeof(id), ips,
						 STACK_DEPTH * sizeof(*ips), 0)) {
			free(ips);
			return 0;
		}
		l->stack_ips[id] = ips;
	}
	for (i = 0; i < STACK_DEPTH && n < max && ips[i]; i++) {
		err = ksyms_format(l->ksyms, ips[i], l->frames[n],
				   sizeof(l->frames[n]));
		/* Frames of BPF programs and trampolines: left out. */
		if (err == -ENOENT)
			continue;
		if (err)
			unnamed_frame(l, ips[i], l->frames[n], sizeof(l->frames[n]));
		frames[n] = l->frames[n];
		n++;
	}
	return n;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * The BPF loss counters are mapped memory; recursion misses cost a syscall
 * per program, so they are read at most once a second (and at the end).
 */
static void feed_losses(struct live *l, bool final)
{
	long long now = now_ms();
	__u64 lost = 0;
	int i;

	if (final || now - l->misses_read_ms >= 1000) {
		l->misses = tracer_recursion_misses(&l->tracer);
		l->misses_read_ms = now;
	}
	for (i = 0; i < LOSS_KIND_MAX; i++)
		lost = count_add(lost, l->tracer.skel->bss->losses[i]);
	lost = count_add(lost, l->misses);
	if (lost > l->lost_seen) {
		struct trace_event ev = {
			.type = EV_LOST, .ts = l->last_ts,
			.count = lost - l->lost_seen,
		};

		l->lost_seen = lost;
		model_feed(l->model, &ev);
	}
}

/* The snapshot's objects read before @ts. */
static void feed_seen(struct live *l, __u64 ts)
{
	while (l->seen_fed < l->nseen && l->seen[l->seen_fed].ts < ts)
		model_feed(l->model, &l->seen[l->seen_fed++]);
}

static void feed_snapshot_end(struct live *l)
{
	if (!l->snap_pending)
		return;
	feed_seen(l, ~0ULL);
	l->snap_pending = false;
	model_feed(l->model, &l->snap_end);
}

static int on_event(void *arg, void *data, size_t size)
{
	const struct event *e = data;
	struct live *l = arg;
	struct trace_event ev;

	if (size < sizeof(*e))
		return 0;
	if (e->type == MARK_FENCE) {
		l->fenced = true;
		return 0;
	}
	if (e->type == MARK_CMD_OUTPUT) {
		if (l->attrib)
			attrib_written(l->attrib, e->id);
		return 0;
	}
	ev = (struct trace_event){
		.type = e->type, .ts = e->ts, .ictx = e->ictx, .obj = e->obj,
		.idev = e->idev, .dev = e->dev, .virt_id = e->virt_id,
		.id = e->id, .ret = e->ret, .obj_type = e->obj_type,
		.task.pid = e->pid, .task.has_pid = true,
		.task.stack = e->stack_id >= 0 && e->type == EV_UNBIND ?
			      iref_of(e->stack_id) : 0,
	};
	memcpy(ev.parents, e->parents, sizeof(ev.parents));
	memcpy(ev.ptype, e->ptype, sizeof(ev.ptype));
	memcpy(ev.task.comm, e->comm, sizeof(ev.task.comm));
	l->last_ts = e->ts;
	if (e->ts > l->snap_end.ts)
		feed_snapshot_end(l);
	else
		feed_seen(l, e->ts);
	model_feed(l->model, &ev);
	return 0;
}

static void on_line(void *arg, const char *line, size_t len, __u64 end)
{
	attrib_line(arg, line, len, end);
}

/* The command's output so far: passed on, its lines to attrib. */
static void read_output(struct live *l)
{
	int err;

	if (l->cmdout.fd < 0)
		return;
	err = cmdout_read(&l->cmdout);
	if (err)
		fprintf(stderr, "iommufd-trace: reading the output of %s: %s\n",
			l->opts->cmd[0], strerror(-err));
	attrib_read(l->attrib, l->cmdout.off);
}

/*
 * Starts the command, traced from its fork on, its output marked from
 * its first write.  Nothing starts once a stop signal has come.
 */
static int start_command(struct live *l)
{
	struct stat st;
	int err;

	l->cmd.argv = l->opts->cmd;
	if (cmd_pipe(&l->cmd))
		return -1;
	if (fstat(l->cmd.out, &st) == 0)
		l->tracer.skel->bss->out_pipe_ino = st.st_ino;
	err = scope_add_self(&l->tracer);
	if (err) {
		fprintf(stderr, "iommufd-trace: cannot trace the command: %s\n", strerror(-err));
		return -1;
	}
	if (stop_signal) {
		fprintf(stderr, "iommufd-trace: signal %d before %s started\n",
			(int)stop_signal, l->opts->cmd[0]);
		return -1;
	}
	l->cmdout = (struct cmdout){
		.fd = l->cmd.out, .to = STDOUT_FILENO,
		.on_line = on_line, .arg = l->attrib,
	};
	l->cmd.out = -1;	/* l->cmdout has it */
	return cmd_start(&l->cmd);
}

/* Once per wake-up; only between the command's lines when both share stdout. */
static void flush_report(struct live *l)
{
	if (!(l->opts->cmd && l->out == stdout && l->cmdout.mid_line))
		fflush(l->out);
}

static int watch(int ep, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return fd < 0 ? 0 : epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/*
 * Until a signal, or in check mode until the command has exited and its
 * contexts are released, SETTLE_MS at most.  A busy ring never holds it
 * up.  After a ring buffer error, only the command is waited for.
 */
static int trace_loop(struct live *l, struct ring_buffer *rb)
{
	struct epoll_event evs[3];
	long long settle_end = 0;
	int ep, n, err = 0;

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || watch(ep, ring_buffer__epoll_fd(rb)) ||
	    watch(ep, l->cmd.pidfd) || watch(ep, l->cmdout.fd)) {
		fprintf(stderr, "iommufd-trace: epoll: %s\n", strerror(errno));
		err = -errno;
	}
	while (!err || l->opts->cmd) {
		/* What woke us does not matter: every source is read. */
		if (ep >= 0)
			epoll_wait(ep, evs, 3, POLL_MS);
		else
			poll(NULL, 0, POLL_MS);
		n = err ? 0 : ring_buffer__consume(rb);
		if (n < 0) {
			fprintf(stderr, "iommufd-trace: ring buffer: %s\n", strerror(-n));
			err = n;
		}
		if (l->opts->cmd)
			read_output(l);
		if (!n)
			feed_snapshot_end(l);
		feed_losses(l, false);
		flush_report(l);
		if (stop_signal) {
			if (!l->cmd.pid)
				break;
			kill(l->cmd.pid, stop_signal);
			stop_signal = 0;
		}
		if (!l->opts->cmd)
			continue;
		/* Its pidfd, readable for good, leaves the epoll set when reaped. */
		if (!settle_end && cmd_reaped(&l->cmd))
			settle_end = now_ms() + SETTLE_MS;
		if (settle_end && (err || now_ms() >= settle_end ||
				   !scope_ctxs_open(&l->tracer)))
			break;
	}
	if (ep >= 0)
		close(ep);
	return err;
}

/* Reads the ring up to a fence put in now: every event reserved before it. */
static int drain(struct live *l, struct ring_buffer *rb)
{
	long long deadline = now_ms() + FENCE_MS;
	bool put = false;
	int n;

	l->fenced = false;
	while (!l->fenced) {
		if (now_ms() > deadline) {
			fprintf(stderr, "iommufd-trace: the ring buffer did not drain in %d ms\n", FENCE_MS);
			return -ETIMEDOUT;
		}
		if (!put) {
			n = tracer_run(l->tracer.skel->progs.fence);
			if (n < 0)
				return n;
			put = n;
		}
		n = ring_buffer__poll(rb, 10);
		if (n < 0 && n != -EINTR)
			return n;
	}
	return 0;
}

static void print_attached(const struct live *l)
{
	static const char *const scopes[] = {
		[SCOPE_ALL] = "every context",
		[SCOPE_TRACK] = "every context",
		[SCOPE_FILTER] = "the traced processes' contexts only",
	};

	const char *sep = "; not following ";
	int t;

	fprintf(stderr, "iommufd-trace: %d probes attached (%s)%s; iommufd %s; %s; %s\n",
		l->tracer.nr_links, probe_mode_name(l->tracer.mode),
		l->tracer.missing_optional ? ", some optional ones missing" : "",
		l->ki.iommufd_module ? "module" : "built in",
		l->ki.vdev_has_idev ?
		"vdevices are tied to their device (v6.17+ shape)" :
		"vdevices hold only the struct device (v6.13-v6.16 shape: orphans possible)",
		scopes[l->probe.scope]);
	fprintf(stderr, "iommufd-trace: following %d object types",
		__builtin_popcount(l->tracer.followed));
	for (t = 1; t < OBJ_TYPE_MAX; t++)
		if (!(l->tracer.followed & (1U << t))) {
			fprintf(stderr, "%s%s", sep, obj_type_name(t));
			sep = ", ";
		}
	fprintf(stderr, "%s\n", *sep == ',' ? " (their destroy ops cannot be probed)" : "");
}

/* The model's events and findings go to the report, through attrib in check mode. */
static int new_model(struct live *l, const struct report_cbs *cbs)
{
	l->report = report_new(l->out, &l->opts->report, cbs, l);
	if (!l->report)
		return -ENOMEM;
	if (!l->opts->cmd) {
		l->model = model_new(&report_sink, l->report);
		return l->model ? 0 : -ENOMEM;
	}
	/* KTAP prints nothing before the end. */
	l->attrib = attrib_new(l->opts->ktap ? NULL : &report_sink, l->report,
			       l->tracer.output_marks);
	l->model = l->attrib ? model_new(&attrib_sink, l->attrib) : NULL;
	return l->model ? 0 : -ENOMEM;
}

/* The summary line, or in KTAP the whole report. */
static int end_report(struct live *l, const struct report_cbs *cbs,
		      const struct model_summary *sum)
{
	const struct ktap_test *tests;
	const struct finding *findings;
	size_t ntests, nfindings;

	if (!l->opts->ktap) {
		report_summary(l->report, sum);
		return 0;
	}
	tests = attrib_tests(l->attrib, &ntests);
	findings = attrib_findings(l->attrib, &nfindings);
	return ktap_write(l->out, tests, ntests, findings, nfindings, sum,
			  cbs, l);
}

/* Does --pid or --comm name the task @pid, @comm? */
static bool names_task(const struct probe_opts *o, __u32 pid, const char *comm)
{
	return (o->pid && pid == (__u32)o->pid) ||
	       (o->comm && !strncmp(comm, o->comm, TASK_COMM_LEN - 1));
}

/* Is a context the snapshot found held by a task that --pid or --comm names? */
static bool held_by_traced(const struct live *l, const struct snapshot *s,
			   const struct snap_ctx *c)
{
	const struct snap_rec *r;

	if (names_task(&l->probe, c->pid, c->comm))
		return true;
	for (r = s->owners; r < s->owners + s->nowners; r++)
		if (r->ictx == c->ictx && names_task(&l->probe, r->pid, r->comm))
			return true;
	return false;
}

/*
 * Where the programs keep only the traced tasks' contexts, so does the
 * snapshot: theirs enter the scope (their later events are kept, whoever
 * causes them), the others are dropped.  Check's command has none yet.
 */
static int scope_snapshot(struct live *l, struct snapshot *s)
{
	struct snap_ctx *c;

	if (l->probe.scope != SCOPE_FILTER)
		return 0;
	for (c = s->ctxs; c < s->ctxs + s->nctxs; c++) {
		if (!held_by_traced(l, s, c))
			c->n = 0;
		else if (scope_add_ctx(&l->tracer, c->ictx))
			return -1;
	}
	return 0;
}

/*
 * The objects alive when the tracer was armed: the snapshot, taken after,
 * goes first, then the events since the tracer was armed; the model takes
 * an object seen and created since as one (model.h).  Else they are
 * untracked, and the summary says why.
 */
static void start_from_snapshot(struct live *l)
{
	struct snapshot snap = { .status = SNAP_NOT_NEEDED };
	bool taken = false;
	ssize_t n;

	/*
	 * Check's command starts after the tracer: no context of its exists
	 * yet, and the programs keep no other (one handed to it later would
	 * have its older objects untracked).
	 */
	if (l->probe.scope != SCOPE_FILTER || !l->opts->cmd)
		taken = !snapshot_take(&snap, l->ksyms, l->opts->probe.verbose);

	if (taken && scope_snapshot(l, &snap)) {
		fprintf(stderr, "iommufd-trace: cannot follow the contexts of the snapshot: %s\n",
			strerror(errno));
		snap.status = SNAP_FAILED;
		snap.nctxs = 0;
		taken = false;
	}
	n = taken ? snapshot_events(&snap, l->tracer.followed, &l->seen) : 0;
	if (n < 0) {
		fprintf(stderr, "iommufd-trace: out of memory for the snapshot\n");
		snap.status = SNAP_FAILED;
		n = 0;
	} else if (taken) {
		fprintf(stderr, "iommufd-trace: snapshot at start: %zd objects in %zu contexts\n",
			n, snap.nctxs);
	}
	l->nseen = n;
	snapshot_end(&snap, n, &l->snap_end);
	l->snap_pending = true;
	snapshot_free(&snap);
}

static enum status run(struct live *l)
{
	const struct report_cbs cbs = { .fmt_key = fmt_key, .get_stack = get_stack };
	struct ring_buffer *rb = NULL;
	struct model_summary sum;
	enum status status = STATUS_ERROR;
	bool started = false, drained;
	int err;

	err = tracer_attach(&l->tracer, &l->probe, &l->ki, l->ksyms);
	if (err)
		return err;
	print_attached(l);
	setvbuf(l->out, NULL, _IOFBF, REPORT_BUF);
	if (!new_model(l, &cbs))
		rb = ring_buffer__new(bpf_map__fd(l->tracer.skel->maps.events),
				      on_event, l, NULL);
	if (!rb) {
		fprintf(stderr, "iommufd-trace: out of memory\n");
		goto out;
	}
	start_from_snapshot(l);
	if (l->opts->cmd) {
		if (start_command(l))
			goto out;
		started = true;
	}
	if (trace_loop(l, rb))
		goto out;
	drained = !drain(l, rb);
	feed_snapshot_end(l);
	if (l->opts->cmd) {
		read_output(l);
		attrib_finish(l->attrib);
	}
	feed_losses(l, true);
	model_finish(l->model, !drained || (l->attrib && attrib_error(l->attrib)), &sum);
	status = verdict_status(sum.verdict);
	err = end_report(l, &cbs, &sum);
	if (err || report_flush(l->report)) {
		fprintf(stderr, "iommufd-trace: cannot write the report: %s\n",
			strerror(err ? -err : errno));
		status = status_worst(status, STATUS_ERROR);
	}
out:
	ring_buffer__free(rb);
	if (started) {
		cmd_wait(&l->cmd);
		cmd_tell_status(&l->cmd);
	}
	return status;
}

/* Check judges its command's contexts; live mode every context, or those of --pid, --comm. */
static void choose_scope(struct live *l)
{
	l->probe = l->opts->probe;
	if (l->opts->cmd)
		l->probe.scope = l->opts->system_wide ? SCOPE_TRACK : SCOPE_FILTER;
	else if (l->probe.pid || l->probe.comm)
		l->probe.scope = SCOPE_FILTER;
	else
		l->probe.scope = SCOPE_ALL;
	l->probe.cmd_output = l->opts->cmd;
}

/*
 * A stop signal.  Live tracing stops on it however it was started (a
 * script's "kill -INT" of a tracer it put in the background, which the
 * shell started with SIGINT ignored).  Check leaves one it was started
 * with ignored so, for its command to inherit.
 */
static void catch_signal(int sig, bool always)
{
	struct sigaction sa = { .sa_handler = on_signal }, old;

	if (always || (!sigaction(sig, NULL, &old) && old.sa_handler != SIG_IGN))
		sigaction(sig, &sa, NULL);
}

enum status live_run(const struct live_opts *opts)
{
	enum status ret = STATUS_ERROR;
	struct live *l;
	int i;

	if (opts->probe.pid && kill(opts->probe.pid, 0) && errno == ESRCH) {
		fprintf(stderr, "iommufd-trace: --pid %d: no such process\n", opts->probe.pid);
		return STATUS_ERROR;
	}
	/* From the start: a signal while the tracer loads stops it before the command. */
	catch_signal(SIGINT, !opts->cmd);
	catch_signal(SIGTERM, !opts->cmd);
	l = calloc(1, sizeof(*l));
	if (!l)
		return STATUS_ERROR;
	l->opts = opts;
	l->cmd.pidfd = l->cmd.out = l->cmd.out_w = l->cmdout.fd = -1;
	choose_scope(l);
	l->ksyms = ksyms_load();
	if (!l->ksyms) {
		fprintf(stderr, "iommufd-trace: cannot read /proc/kallsyms: %s\n", strerror(errno));
		goto out;
	}
	if (preflight(&l->ki, l->ksyms) < 0)
		goto out;
	if (tokens_init(&l->tokens, opts->raw_pointers))
		goto out;
	l->out = opts->output ?
		 outfile_open(opts->output, opts->raw_pointers ? 0600 : 0644, NULL) :
		 stdout;
	if (!l->out)
		goto out;
	if (opts->cmd)
		cmd_signals();
	ret = run(l);
out:
	cmd_close(&l->cmd);
	if (l->cmdout.fd >= 0)
		close(l->cmdout.fd);
	model_free(l->model);
	attrib_free(l->attrib);
	report_free(l->report);
	if (l->tracer.skel)
		tracer_detach(&l->tracer);
	if (l->out && opts->output)
		ret = status_worst(ret, outfile_close(l->out, opts->output));
	for (i = 0; i < STACK_IDS; i++)
		free(l->stack_ips[i]);
	free(l->seen);
	ksyms_free(l->ksyms);
	kernel_info_free(&l->ki);
	free(l);
	return ret;
}
