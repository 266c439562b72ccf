// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "iommufd_trace.skel.h"
#include "iref.h"
#include "ksyms.h"
#include "live.h"
#include "model.h"
#include "preflight.h"
#include "snapshot.h"
#include "status.h"
#include "token.h"

#define STACK_DEPTH 127
/* How long check mode waits for events after the command exited. */
#define SETTLE_MS 500
#define POLL_MS 100

struct live {
	const struct live_opts *opts;
	struct tracer tracer;
	struct kernel_info ki;
	struct ksyms *ksyms;
	struct model *model;
	struct report *report;
	struct tokens tokens;
	__u64 lost_seen;	/* losses already fed to the model */
	__u64 misses;		/* recursion misses, as last read */
	long long misses_read_ms;
	__u64 last_ts;
	/*
	 * The end of the snapshot at start, fed after the events from before
	 * it: once an event comes from after it, or the ring is quiet.
	 */
	struct trace_event snap_end;
	bool snap_pending;
	char frames[STACK_DEPTH][128];
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

static int get_stack(void *arg, __u64 stack, const char **frames, int max)
{
	struct live *l = arg;
	__u64 ips[STACK_DEPTH] = {};
	__u32 id = iref_idx(stack);
	int i, n = 0;

	if (bpf_map__lookup_elem(l->tracer.skel->maps.stacks, &id, sizeof(id),
				 ips, sizeof(ips), 0))
		return 0;
	/* Frames of BPF programs and trampolines have no name: left out. */
	for (i = 0; i < STACK_DEPTH && n < max && ips[i]; i++) {
		frames[n] = ksyms_format(l->ksyms, ips[i], l->frames[n],
					 sizeof(l->frames[n]));
		n += frames[n] != NULL;
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
		lost += l->tracer.skel->bss->losses[i];
	lost += l->misses;
	if (lost > l->lost_seen) {
		struct trace_event ev = {
			.type = EV_LOST, .ts = l->last_ts,
			.count = lost - l->lost_seen,
		};

		l->lost_seen = lost;
		model_feed(l->model, &ev);
	}
}

static void feed_snapshot_end(struct live *l)
{
	if (!l->snap_pending)
		return;
	l->snap_pending = false;
	model_feed(l->model, &l->snap_end);
}

static int on_event(void *arg, void *data, size_t size)
{
	const struct event *e = data;
	struct live *l = arg;
	struct trace_event ev = {
		.type = e->type, .ts = e->ts, .ictx = e->ictx, .obj = e->obj,
		.idev = e->idev, .dev = e->dev, .virt_id = e->virt_id,
		.id = e->id, .ret = e->ret, .obj_type = e->obj_type,
		.task.pid = e->pid, .task.has_pid = true,
		.task.stack = e->stack_id >= 0 && e->type == EV_UNBIND ?
			      iref_of(e->stack_id) : 0,
	};

	if (size < sizeof(*e))
		return 0;
	memcpy(ev.parents, e->parents, sizeof(ev.parents));
	memcpy(ev.ptype, e->ptype, sizeof(ev.ptype));
	memcpy(ev.task.comm, e->comm, sizeof(ev.task.comm));
	l->last_ts = e->ts;
	if (e->ts > l->snap_end.ts)
		feed_snapshot_end(l);
	model_feed(l->model, &ev);
	return 0;
}

/*
 * Starts CMD; the tracer is attached already. An exec failure comes back
 * through a close-on-exec pipe: it is an error, not a clean run.
 */
static pid_t start_command(char **cmd)
{
	int fds[2], err = 0;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC)) {
		fprintf(stderr, "iommufd-trace: pipe: %s\n", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		execvp(cmd[0], cmd);
		err = errno;
		if (write(fds[1], &err, sizeof(err)) != sizeof(err))
			_exit(126);
		_exit(127);
	}
	close(fds[1]);
	if (pid < 0)
		fprintf(stderr, "iommufd-trace: fork: %s\n", strerror(errno));
	else if (read(fds[0], &err, sizeof(err)) == sizeof(err)) {
		fprintf(stderr, "iommufd-trace: cannot run %s: %s\n", cmd[0], strerror(err));
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(fds[0]);
	return pid;
}

/* Polls until a signal, or until the command has exited and settled. */
static int trace_loop(struct live *l, struct ring_buffer *rb, pid_t child,
		      int *cmd_status)
{
	long long settle_end = 0;
	int n, status;

	for (;;) {
		n = ring_buffer__poll(rb, POLL_MS);
		/* Wake-ups are batched (probes.c): read a quiet ring on the timer. */
		if (!n)
			n = ring_buffer__consume(rb);
		if (n < 0 && n != -EINTR) {
			fprintf(stderr, "iommufd-trace: ring buffer: %s\n", strerror(-n));
			return -1;
		}
		if (!n)
			feed_snapshot_end(l);
		feed_losses(l, false);
		if (stop_signal) {
			if (child > 0)
				kill(child, stop_signal);
			else
				break;
			stop_signal = 0;
		}
		if (child > 0 && waitpid(child, &status, WNOHANG) == child) {
			*cmd_status = status;
			child = 0;
			/* Its contexts were released on exit: collect the events. */
			settle_end = now_ms() + SETTLE_MS;
		}
		if (settle_end && n <= 0 && now_ms() >= settle_end)
			break;
	}
	ring_buffer__consume(rb);
	feed_snapshot_end(l);
	feed_losses(l, true);
	return 0;
}

static void print_attached(const struct live *l)
{
	const char *sep = "; not following ";
	int t;

	fprintf(stderr, "iommufd-trace: %d probes attached (%s)%s; iommufd %s; %s\n",
		l->tracer.nr_links, probe_mode_name(l->tracer.mode),
		l->tracer.missing_optional ? ", some optional ones missing" : "",
		l->ki.iommufd_module ? "module" : "built in",
		l->ki.vdev_has_idev ?
		"vdevices are tied to their device (v6.17+ shape)" :
		"vdevices hold only the struct device (v6.13-v6.16 shape: orphans possible)");
	fprintf(stderr, "iommufd-trace: following %d object types",
		__builtin_popcount(l->tracer.followed));
	for (t = 1; t < OBJ_TYPE_MAX; t++)
		if (!(l->tracer.followed & (1U << t))) {
			fprintf(stderr, "%s%s", sep, obj_type_name(t));
			sep = ", ";
		}
	fprintf(stderr, "%s\n", *sep == ',' ? " (their destroy ops cannot be probed)" : "");
}

/*
 * The objects alive when the tracer was armed: the snapshot, taken after,
 * goes first, then the events since the tracer was armed; the model takes
 * an object seen and created since as one (model.h).  Else they are
 * untracked, and the summary says why.
 */
static void start_from_snapshot(struct live *l)
{
	struct snapshot snap;
	bool taken = !snapshot_take(&snap, l->ksyms, l->opts->probe.verbose);
	size_t n = snapshot_feed(&snap, l->model, l->tracer.followed);

	if (taken)
		fprintf(stderr, "iommufd-trace: snapshot at start: %zu objects in %zu contexts\n",
			n, snap.nctxs);
	snapshot_end(&snap, n, &l->snap_end);
	l->snap_pending = true;
	snapshot_free(&snap);
}

static enum status run(struct live *l)
{
	const struct report_cbs cbs = { .fmt_key = fmt_key, .get_stack = get_stack };
	struct model_summary sum;
	struct ring_buffer *rb;
	enum status status;
	int cmd_status = -1, err;
	pid_t child = 0;

	err = tracer_attach(&l->tracer, &l->opts->probe, &l->ki, l->ksyms);
	if (err)
		return err;
	print_attached(l);
	l->report = report_new(l->opts->out, &l->opts->report, &cbs, l);
	l->model = l->report ? model_new(&report_sink, l->report) : NULL;
	rb = ring_buffer__new(bpf_map__fd(l->tracer.skel->maps.events), on_event, l, NULL);
	if (!l->model || !rb) {
		fprintf(stderr, "iommufd-trace: out of memory\n");
		ring_buffer__free(rb);
		return STATUS_ERROR;
	}
	start_from_snapshot(l);
	if (l->opts->cmd) {
		child = start_command(l->opts->cmd);
		if (child < 0) {
			ring_buffer__free(rb);
			return STATUS_ERROR;
		}
	}
	err = trace_loop(l, rb, child, &cmd_status);
	ring_buffer__free(rb);
	if (err)
		return STATUS_ERROR;
	model_finish(l->model, false, &sum);
	report_summary(l->report, &sum);
	status = verdict_status(sum.verdict);
	if (report_flush(l->report)) {
		fprintf(stderr, "iommufd-trace: cannot write the report: %s\n", strerror(errno));
		return status_worst(status, STATUS_ERROR);
	}
	if (l->opts->cmd && WIFEXITED(cmd_status))
		fprintf(stderr, "iommufd-trace: %s exited with status %d\n",
			l->opts->cmd[0], WEXITSTATUS(cmd_status));
	else if (l->opts->cmd && WIFSIGNALED(cmd_status))
		fprintf(stderr, "iommufd-trace: %s was killed by signal %d\n",
			l->opts->cmd[0], WTERMSIG(cmd_status));
	return status;
}

enum status live_run(const struct live_opts *opts)
{
	struct sigaction sa = { .sa_handler = on_signal };
	enum status ret;
	struct live *l;

	l = calloc(1, sizeof(*l));
	if (!l)
		return STATUS_ERROR;
	l->opts = opts;
	l->ksyms = ksyms_load();
	if (!l->ksyms) {
		fprintf(stderr, "iommufd-trace: cannot read /proc/kallsyms: %s\n", strerror(errno));
		free(l);
		return STATUS_ERROR;
	}
	if (preflight(&l->ki, l->ksyms) < 0) {
		kernel_info_free(&l->ki);
		ksyms_free(l->ksyms);
		free(l);
		return STATUS_ERROR;
	}
	tokens_init(&l->tokens, opts->raw_pointers);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = run(l);
	model_free(l->model);
	report_free(l->report);
	if (l->tracer.skel)
		tracer_detach(&l->tracer);
	ksyms_free(l->ksyms);
	kernel_info_free(&l->ki);
	free(l);
	return ret;
}
