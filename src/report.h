/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output of events, findings and the summary, as text or JSON lines.
 *
 *	r = report_new(stdout, &opts, &cbs, cb_arg);
 *	m = model_new(&report_sink, r);	// the report prints what the model sees
 *	...
 *	report_summary(r, &sum);	// last line
 *	err = report_flush(r);
 *	report_free(r);
 *
 * Identifiers and stacks are opaque to the model; the caller's callbacks
 * turn them into strings (per-run tokens live, the original strings in
 * replay).  What is printed, by which names, is in vocab.c.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdio.h>

#include "model.h"
#include "vocab.h"

enum report_format {
	REPORT_TEXT,
	REPORT_JSON,
};

struct report_opts {
	enum report_format format;
	bool no_events;		/* print findings and the summary only */
};

/* Frames of the stack handle, as many as fit in @frames; at most REPORT_MAX_FRAMES asked. */
#define REPORT_MAX_FRAMES	128

struct report_cbs {
	/* Returns the printable identifier, in @buf or elsewhere. */
	const char *(*fmt_key)(void *arg, enum key_kind kind, __u64 key,
			       char *buf, size_t len);
	/* Fills @frames (valid until the next call), returns their number. */
	int (*get_stack)(void *arg, __u64 stack, const char **frames, int max);
};

struct report;

struct report *report_new(FILE *out, const struct report_opts *opts,
			  const struct report_cbs *cbs, void *cb_arg);
void report_event(struct report *r, const struct trace_event *ev,
		  const struct ev_note *note);
void report_finding(struct report *r, const struct finding *f);
void report_summary(struct report *r, const struct model_summary *sum);
/* Returns 0, or -errno if writing failed at any point. */
int report_flush(struct report *r);
void report_free(struct report *r);

/*
 * Writes @s as text mode does, safe for a terminal: control bytes, bytes
 * that are not UTF-8 and backslashes as \xNN.
 */
void text_escape(FILE *out, const char *s);

/* `ps`: a context, then its objects as a tree (text) or a line each (JSON). */
struct report_ctx {
	__u64 ictx;
	struct task task;	/* the first found holding it */
	__u32 fd;
	size_t objects;		/* of the types followed */
	size_t others;		/* of other types (selftest's) */
	__u32 reserved;		/* ids reserved: tombstones, objects being made */
	bool incomplete;	/* its walk stopped early */
};

/* Text only: the heading of a context, and other tasks holding it. */
void report_context(struct report *r, const struct report_ctx *c);
void report_owner(struct report *r, const struct task *t, __u32 fd);
/* Object @ev, an EV_SEEN, @depth levels under the top of its context. */
void report_object(struct report *r, const struct trace_event *ev, int depth);

/* model_sink whose arg is a struct report. */
extern const struct model_sink report_sink;

#endif /* REPORT_H */
