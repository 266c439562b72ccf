/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Model of the live iommufd objects of every context, fed one event at a
 * time, in order.
 *
 *	m = model_new(&sink, arg);
 *	model_feed(m, &ev);		// for every event
 *	model_finish(m, incomplete, &sum);
 *	model_free(m);
 *
 * model_feed() hands each event to sink->event (with a note, e.g. how long
 * a destroyed vdevice had been orphaned), then every finding it causes to
 * sink->finding.  Events of an unknown type are only counted.  Lookups are
 * hash tables keyed by (ictx, key): the cost per event does not depend on
 * the number of live objects.
 *
 * A snapshot at start comes first: an EV_SEEN per object alive then, the
 * events since the tracer was armed (some of them of objects seen), then
 * EV_SNAPSHOT, which judges what the snapshot shows (orphaned vdevices).
 * A creation event of an object already seen (same key, type and id) is
 * that object's, not a new one.
 */
#ifndef MODEL_H
#define MODEL_H

#include "trace_event.h"

enum finding_type {
	FINDING_ORPHAN,		/* vdevice outlived the unbind of its device */
	FINDING_LEAK,		/* object still alive when its context closed */
	FINDING_OUTLIVED,	/* object alive after one it holds was destroyed */
	FINDING_TYPE_MAX,
};

struct finding {
	enum finding_type type;
	__u64 ts;
	__u64 ictx;
	__u64 obj;		/* the vdevice, the leaked object, the one left */
	__u32 id;		/* its id in the context */
	enum obj_type obj_type;	/* of the object */
	__u64 virt_id;		/* vdevices only */
	/* FINDING_ORPHAN: the device and its unbind */
	__u64 idev;
	__u32 idev_id;
	__u32 in_snapshot;	/* FINDING_ORPHAN: found so in a snapshot (1) */
	/* FINDING_OUTLIVED: the object it held */
	__u64 parent;
	__u32 parent_id;
	enum obj_type parent_type;
	struct task task;	/* the unbind's, or the owner of the context */
	/* The test of check's command it belongs to (attrib.c), or NULL. */
	const char *test;
};

/* What the model learned about an event, for its output line. */
struct ev_note {
	bool orphaned;		/* EV_VDEV_DESTROY of an orphaned vdevice */
	__u64 orphaned_ns;	/* how long it was orphaned */
};

struct model_sink {
	void (*event)(void *arg, const struct trace_event *ev,
		      const struct ev_note *note);
	void (*finding)(void *arg, const struct finding *f);
};

enum verdict {
	VERDICT_CLEAN,
	VERDICT_FINDINGS,
	VERDICT_INCONCLUSIVE,
};

struct model_summary {
	__u64 events;		/* events of a known type */
	__u64 orphans;
	__u64 outlived;		/* FINDING_OUTLIVED */
	__u64 leaks;
	__u64 untracked;	/* objects created before tracing started, not seen */
	__u64 at_start;		/* objects the snapshot found */
	__u64 lost;		/* events the tracer lost */
	__u64 live;		/* objects alive at the end */
	__u64 stale;		/* key re-created while still alive */
	__u64 unexpected;	/* events that made no sense in the model */
	__u64 unknown_events;	/* events of an unknown type */
	__u64 removes;		/* EV_OBJ_REMOVE */
	enum verdict verdict;
	__u64 objects[OBJ_TYPE_MAX];	/* objects followed, by type */
	enum snap_status snapshot;
	__u32 contexts;		/* in the snapshot */
};

struct model;

struct model *model_new(const struct model_sink *sink, void *arg);
/* Returns 0, or -ENOMEM (the model is then incomplete but still usable). */
int model_feed(struct model *m, const struct trace_event *ev);
/*
 * @incomplete: the trace is known to miss events (e.g. a probe is missing).
 * The verdict: inconclusive if events were lost or the trace is
 * incomplete; else findings if there are any; else inconclusive if
 * objects were stale or events unexpected; else clean.
 */
void model_finish(const struct model *m, bool incomplete,
		  struct model_summary *sum);
void model_free(struct model *m);

const char *verdict_name(enum verdict v);

#endif /* MODEL_H */
