/* SPDX-License-Identifier: GPL-2.0 */
/* Choosing, loading and attaching the BPF programs. */
#ifndef PROBES_H
#define PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <sys/types.h>

#include "iommufd_trace.h"

struct bpf_link;
struct bpf_program;
struct iommufd_trace_bpf;
struct kernel_info;
struct ksyms;

enum probe_mode {
	PROBE_AUTO,
	PROBE_KPROBE,
	PROBE_FENTRY,
};

struct probe_opts {
	enum probe_mode mode;
	size_t ringbuf_bytes;
	bool verbose;
	enum scope_mode scope;
	pid_t pid;			/* traced from the start, with its children */
	const char *comm;		/* tasks of this name are traced too */
	bool cmd_output;		/* mark check's command's output in the ring */
};

#define TRACER_MAX_LINKS 32

struct tracer {
	struct iommufd_trace_bpf *skel;
	enum probe_mode mode;		/* the one in use: kprobe or fentry */
	int missing_optional;
	bool output_marks;		/* the command's output is marked */
	unsigned int followed;		/* 1 << enum obj_type of the types followed */
	struct bpf_link *links[TRACER_MAX_LINKS];
	int nr_links;
};

/*
 * Opens, loads and attaches the programs, which report nothing until all
 * are attached; names every target that cannot be attached, and why. Returns 0, or the exit status of the failure:
 * STATUS_INCONCLUSIVE when a mandatory target is missing (with a scope,
 * the fork and exit tracepoints are), else STATUS_ERROR (the verifier
 * rejected a program, say).  In auto mode only the kprobe attempt after
 * fentry failed counts.
 */
int tracer_attach(struct tracer *t, const struct probe_opts *opts,
		  const struct kernel_info *ki, const struct ksyms *ks);
void tracer_detach(struct tracer *t);
/* Events the kernel dropped before they reached the ring buffer. */
unsigned long long tracer_recursion_misses(const struct tracer *t);
/* Runs syscall program @prog once; its return value, or -errno. */
int tracer_run(struct bpf_program *prog);
const char *probe_mode_name(enum probe_mode mode);

#endif /* PROBES_H */
