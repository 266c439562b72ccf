/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A snapshot of every open iommufd context and its objects, read by a BPF
 * iterator (bpf/ps.bpf.c): `ps` shows it, live mode starts from it.
 *
 *	err = snapshot_take(&s, ksyms, verbose);   // s.status says why not
 *	n = snapshot_feed(&s, model, types);	// an EV_SEEN per object
 *	(the events since the tracer was armed, to s.ts_end)
 *	snapshot_end(&s, n, &ev);		// the EV_SNAPSHOT after them
 *	model_feed(model, &ev);
 *	snapshot_free(&s);
 *
 * Best effort, as nothing is locked: every object listed was in its
 * context when it was read (at r->ts, taken before), each at most once;
 * one created or destroyed during the walk may or may not be listed, and
 * one destroyed while it was read may show stale fields.  A context's
 * objects come in the order the model needs: what an object holds first
 * (by type), then by id.
 * A context is found through an open file of a task: one held only by
 * the kernel (a VFIO device file whose iommufd fd was closed) is not.
 */
#ifndef SNAPSHOT_H
#define SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "model.h"	/* first: the __u64 of the shared headers */
#include "snapshot_rec.h"

struct ksyms;

struct snap_ctx {
	__u64 ictx, file;
	__u32 pid, fd;			/* the first task and fd found holding it */
	char comm[TASK_COMM_LEN];
	__u32 reserved;			/* ids reserved: tombstones, objects being made */
	size_t first, n;		/* its objects: objs[first], n of them */
	bool incomplete;		/* the walk could not be resumed */
};

struct snapshot {
	enum snap_status status;
	struct snap_ctx *ctxs;
	size_t nctxs;
	struct snap_rec *objs;
	size_t nobjs;
	struct snap_rec *owners;	/* SNAP_OWNER: other holders of a context */
	size_t nowners;
	__u64 ts_end;			/* CLOCK_MONOTONIC ns, after the last read */
	size_t objs_cap, ctxs_cap, owners_cap;
};

/*
 * Returns 0, or -1 with s->status saying why not, after a message on
 * stderr; out of memory is SNAP_FAILED.  snapshot_free() either way.
 */
int snapshot_take(struct snapshot *s, const struct ksyms *ks, bool verbose);
void snapshot_free(struct snapshot *s);
/* The objects of the enum obj_type bits @types, as EV_SEEN, to @m; how many. */
size_t snapshot_feed(const struct snapshot *s, struct model *m,
		     unsigned int types);
/*
 * The same events in the order they were read (by ts), for a model that
 * also takes the events of the time: *@evs, to free(); how many, or -1
 * when out of memory.
 */
ssize_t snapshot_events(const struct snapshot *s, unsigned int types,
			struct trace_event **evs);
/* The EV_SNAPSHOT that ends it, taken or not, after @fed objects. */
void snapshot_end(const struct snapshot *s, size_t fed, struct trace_event *ev);
/* Object @r of context @c as the EV_SEEN event the model takes. */
void snapshot_event(const struct snap_ctx *c, const struct snap_rec *r,
		    struct trace_event *ev);

#endif /* SNAPSHOT_H */
