// SPDX-License-Identifier: GPL-2.0
/*
 * The lifetime rules: pairs vdevices with devices and reports orphans and
 * leaks.  The objects live in the store (store.h).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "iref.h"
#include "model.h"
#include "store.h"

enum obj_kind {
	K_IDEV = 1,
	K_VDEV,
	K_GHOST,	/* not alive, remembered so later events are not "untracked" */
};

enum {
	O_UNBINDING	= 1 << 0,	/* idev: unbind entered */
	O_ORPHANED	= 1 << 1,	/* vdev: its idev is gone */
	O_UNTRACKED	= 1 << 2,	/* ghost: unbind of an unknown idev */
	O_ABORTED	= 1 << 3,	/* ghost: creation failed */
};

/* An idev, a vdev or a ghost; a context is only a struct obj_head. */
struct obj {
	struct obj_head h;
	iref pair;		/* idev: its first vdevice; vdev: its idev */
	__u8 kind;
	__u8 flags;
	union {
		struct {	/* K_IDEV */
			__u64 dev;
			iref unbind;	/* its unbind's task, in m->unbinds */
		} d;
		struct {	/* K_VDEV */
			iref sprev, snext;	/* the other vdevices of its idev */
			__u64 virt_id;
			__u64 orphan_ts;
		} v;
	};
};
_Static_assert(sizeof(struct obj) == STORE_OBJ_SIZE, "an object is a store slot");
_Static_assert(offsetof(struct obj, h) == 0, "an object starts with its head");

/* The task of an unbind, until its return: few at a time, so kept aside. */
struct unbind {
	struct task task;
	iref next_free;
};

struct model {
	const struct model_sink *sink;
	void *arg;
	struct store store;
	struct store_index devs;	/* idevs by dev, for pairing on old kernels ... */
	bool devs_kept;		/* ... kept once a vdevice came without its idev */
	struct unbind *unbinds;
	__u32 nunbinds, unbinds_cap;
	iref free_unbind;
	bool nomem;		/* an allocation failed: state is incomplete */
	struct model_summary s;
};

static inline struct obj *obj_get(const struct model *m, __u64 ictx, __u64 key)
{
	return (struct obj *)store_get(&m->store, ictx, key);
}

static inline struct obj *deref(const struct model *m, iref r)
{
	return (struct obj *)store_obj(&m->store, r);
}

static inline iref ref(const struct obj *o)
{
	return store_ref(&o->h);
}

/* The object after @o in context @c (@c itself for the first), NULL at the end. */
static inline struct obj *next_obj(const struct model *m,
				   const struct obj_head *c,
				   const struct obj_head *o)
{
	return (struct obj *)store_next(&m->store, c, o);
}

static void emit_event(struct model *m, const struct trace_event *ev,
		       const struct ev_note *note)
{
	static const struct ev_note none;

	m->s.events++;
	if (m->sink && m->sink->event)
		m->sink->event(m->arg, ev, note ? note : &none);
}

static void emit_finding(struct model *m, const struct finding *f)
{
	if (f->type == FINDING_ORPHAN)
		m->s.orphans++;
	else
		m->s.leaks++;
	if (m->sink && m->sink->finding)
		m->sink->finding(m->arg, f);
}

static int nomem(struct model *m)
{
	m->nomem = true;
	return -ENOMEM;
}

static struct obj *new_obj(struct model *m, __u64 ictx, __u64 key,
			   enum obj_kind kind)
{
	struct obj *o = (struct obj *)store_add(&m->store, ictx, key);

	if (!o)
		return NULL;
	o->kind = kind;
	if (kind == K_IDEV || kind == K_VDEV)
		m->s.live++;
	return o;
}

/* A record for the task of an unbind; 0 when out of memory. */
static iref unbind_get(struct model *m)
{
	iref r = m->free_unbind;

	if (r) {
		m->free_unbind = m->unbinds[iref_idx(r)].next_free;
		return r;
	}
	if (m->nunbinds == m->unbinds_cap) {
		__u32 cap = m->unbinds_cap ? m->unbinds_cap * 2 : 16;
		struct unbind *a;

		if (cap < m->unbinds_cap)
			return 0;
		a = realloc(m->unbinds, cap * sizeof(*a));
		if (!a)
			return 0;
		m->unbinds = a;
		m->unbinds_cap = cap;
	}
	return iref_of(m->nunbinds++);
}

static void unbind_put(struct model *m, iref r)
{
	m->unbinds[iref_idx(r)].next_free = m->free_unbind;
	m->free_unbind = r;
}

static void unpair(struct model *m, struct obj *v)
{
	struct obj *d = deref(m, v->pair);

	if (!d)
		return;
	if (v->v.sprev)
		deref(m, v->v.sprev)->v.snext = v->v.snext;
	else
		d->pair = v->v.snext;
	if (v->v.snext)
		deref(m, v->v.snext)->v.sprev = v->v.sprev;
	v->pair = v->v.sprev = v->v.snext = 0;
}

static void pair(struct model *m, struct obj *d, struct obj *v)
{
	v->pair = ref(d);
	v->v.snext = d->pair;
	if (d->pair)
		deref(m, d->pair)->v.sprev = ref(v);
	d->pair = ref(v);
}

static void drop_obj(struct model *m, struct obj *o)
{
	if (o->kind == K_IDEV) {
		while (o->pair)
			unpair(m, deref(m, o->pair));
		if (m->devs_kept && o->d.dev)
			store_index_del(&m->devs, &o->h);
		if (o->d.unbind)
			unbind_put(m, o->d.unbind);
	} else if (o->kind == K_VDEV) {
		unpair(m, o);
	}
	if (o->kind == K_IDEV || o->kind == K_VDEV)
		m->s.live--;
	store_del(&m->store, &o->h);
}

/* A creation event for @key: whatever had the key before is gone. */
static void replace(struct model *m, __u64 ictx, __u64 key)
{
	struct obj *old = obj_get(m, ictx, key);

	if (!old)
		return;
	if (old->kind != K_GHOST)
		m->s.stale++;
	drop_obj(m, old);
}

/* @d is now the idev of its dev in its context. */
static int index_dev(struct model *m, struct obj *d)
{
	struct obj_head *prev = store_index_get(&m->store, &m->devs,
						d->h.ictx, d->d.dev);

	if (prev)
		store_index_del(&m->devs, prev);
	return store_index_add(&m->devs, &d->h);
}

/*
 * Kernels from v6.17 name the idev of a vdevice: the index by dev, a cache
 * miss more at each bind and unbind, is built only once a vdevice comes
 * without it.  Each context's list is in order of creation, so the latest
 * bind of a dev wins, as when the index is kept from the start.
 */
static int index_devs(struct model *m)
{
	struct obj_head *c;
	struct obj *o;
	size_t pos = 0;

	m->devs_kept = true;
	while ((c = store_next_ctx(&m->store, &pos)))
		for (o = next_obj(m, c, c); o; o = next_obj(m, c, &o->h))
			if (o->kind == K_IDEV && o->d.dev && index_dev(m, o))
				return -ENOMEM;
	return 0;
}

static int on_bind(struct model *m, const struct trace_event *ev)
{
	struct obj *d;

	emit_event(m, ev, NULL);
	replace(m, ev->ictx, ev->obj);
	d = new_obj(m, ev->ictx, ev->obj, K_IDEV);
	if (!d)
		return nomem(m);
	d->h.id = ev->id;
	d->d.dev = ev->dev;
	if (d->d.dev && m->devs_kept && index_dev(m, d))
		return nomem(m);
	return 0;
}

static int on_vdev_alloc(struct model *m, const struct trace_event *ev)
{
	struct obj *v, *d = NULL;

	emit_event(m, ev, NULL);
	replace(m, ev->ictx, ev->obj);
	v = new_obj(m, ev->ictx, ev->obj, K_VDEV);
	if (!v)
		return nomem(m);
	v->h.id = ev->id;
	v->v.virt_id = ev->virt_id;
	/* v6.17+ names the idev; before, the idev is the one with the same dev. */
	if (ev->idev) {
		d = obj_get(m, ev->ictx, ev->idev);
	} else if (ev->dev) {
		if (!m->devs_kept && index_devs(m))
			return nomem(m);
		d = (struct obj *)store_index_get(&m->store, &m->devs,
						  ev->ictx, ev->dev);
	}
	if (d && d->kind == K_IDEV)
		pair(m, d, v);
	return 0;
}

static int on_unbind(struct model *m, const struct trace_event *ev)
{
	struct obj *d = obj_get(m, ev->ictx, ev->obj);

	emit_event(m, ev, NULL);
	if (!d) {
		m->s.untracked++;
		d = new_obj(m, ev->ictx, ev->obj, K_GHOST);
		if (!d)
			return nomem(m);
		d->flags = O_UNTRACKED;
		return 0;
	}
	if (d->kind != K_IDEV) {
		m->s.unexpected++;
		return 0;
	}
	d->flags |= O_UNBINDING;
	if (!d->d.unbind)
		d->d.unbind = unbind_get(m);
	if (!d->d.unbind)
		return nomem(m);
	m->unbinds[iref_idx(d->d.unbind)].task = ev->task;
	return 0;
}

/*
 * The end of object @o, which must be of @kind: returns it, or NULL when
 * there is nothing to end. An unknown object predates tracing; a ghost is
 * forgotten, and was expected only if it carries @ghost_flag.
 */
static struct obj *ending(struct model *m, struct obj *o, int kind,
			  int ghost_flag)
{
	if (!o) {
		m->s.untracked++;
		return NULL;
	}
	if (o->kind == K_GHOST) {
		if (!(o->flags & ghost_flag))
			m->s.unexpected++;
		drop_obj(m, o);
		return NULL;
	}
	if (o->kind != kind) {
		m->s.unexpected++;
		return NULL;
	}
	return o;
}

/* A finding of @type about idev or vdev @o, at @ts. */
static struct finding finding_of(enum finding_type type, const struct obj *o,
				 __u64 ts)
{
	struct finding f = {
		.type = type,
		.ts = ts,
		.ictx = o->h.ictx,
		.obj = o->h.key,
		.id = o->h.id,
		.obj_type = OBJ_DEVICE,
	};

	if (o->kind == K_VDEV) {
		f.obj_type = OBJ_VDEVICE;
		f.virt_id = o->v.virt_id;
	}
	return f;
}

/* Vdevice @v outlived the unbind of @d, by the task of @u, at @ts. */
static void orphan_report(struct model *m, const struct obj *d,
			  const struct obj *v, const struct unbind *u, __u64 ts)
{
	struct finding f = finding_of(FINDING_ORPHAN, v, ts);

	f.idev = d->h.key;
	f.idev_id = d->h.id;
	f.task = u->task;
	emit_finding(m, &f);
}

static int on_unbind_done(struct model *m, const struct trace_event *ev)
{
	struct obj *d = obj_get(m, ev->ictx, ev->obj), *v;
	static const struct unbind unknown;
	const struct unbind *u;

	emit_event(m, ev, NULL);
	d = ending(m, d, K_IDEV, O_UNTRACKED);
	if (!d)
		return 0;
	if (!(d->flags & O_UNBINDING))
		m->s.unexpected++;
	u = d->d.unbind ? &m->unbinds[iref_idx(d->d.unbind)] : &unknown;
	while ((v = deref(m, d->pair))) {
		unpair(m, v);
		v->flags |= O_ORPHANED;
		v->v.orphan_ts = ev->ts;
		orphan_report(m, d, v, u, ev->ts);
	}
	drop_obj(m, d);
	return 0;
}

static int on_vdev_destroy(struct model *m, const struct trace_event *ev)
{
	struct obj *v = obj_get(m, ev->ictx, ev->obj);
	struct ev_note note = { 0 };

	if (v && v->kind == K_VDEV && (v->flags & O_ORPHANED)) {
		note.orphaned = true;
		if (ev->ts > v->v.orphan_ts)
			note.orphaned_ns = ev->ts - v->v.orphan_ts;
	}
	emit_event(m, ev, &note);
	v = ending(m, v, K_VDEV, O_ABORTED);
	if (v)
		drop_obj(m, v);
	return 0;
}

static int on_obj_abort(struct model *m, const struct trace_event *ev)
{
	struct obj *o = obj_get(m, ev->ictx, ev->obj);

	emit_event(m, ev, NULL);
	if (o && o->kind == K_GHOST) {
		o->flags |= O_ABORTED;
		return 0;
	}
	/* Never finalized, so normally unknown; if not, it is gone now. */
	if (o)
		drop_obj(m, o);
	o = new_obj(m, ev->ictx, ev->obj, K_GHOST);
	if (!o)
		return nomem(m);
	o->flags = O_ABORTED;
	return 0;
}

/* Idev or vdev @o was alive when its context was released, at @ts. */
static void leak_report(struct model *m, const struct obj *o, __u64 ts)
{
	struct finding f = finding_of(FINDING_LEAK, o, ts);

	emit_finding(m, &f);
}

static void on_ctx_release(struct model *m, const struct trace_event *ev)
{
	struct obj_head *c = store_ctx(&m->store, ev->ictx);
	struct obj *o;

	emit_event(m, ev, NULL);
	if (!c)
		return;
	/* Every object had to be destroyed before the release returned. */
	for (o = next_obj(m, c, c); o; o = next_obj(m, c, &o->h))
		if (o->kind != K_GHOST)
			leak_report(m, o, ev->ts);
	while ((o = next_obj(m, c, c)))
		drop_obj(m, o);
	store_del_ctx(&m->store, c);
}

int model_feed(struct model *m, const struct trace_event *ev)
{
	switch ((unsigned int)ev->type) {
	case EV_BIND:
		return on_bind(m, ev);
	case EV_VDEV_ALLOC:
		return on_vdev_alloc(m, ev);
	case EV_UNBIND:
		return on_unbind(m, ev);
	case EV_UNBIND_DONE:
		return on_unbind_done(m, ev);
	case EV_VDEV_DESTROY:
		return on_vdev_destroy(m, ev);
	case EV_OBJ_REMOVE:
		emit_event(m, ev, NULL);
		m->s.removes++;
		return 0;
	case EV_CTX_RELEASE:
		on_ctx_release(m, ev);
		return 0;
	case EV_OBJ_ABORT:
		return on_obj_abort(m, ev);
	case EV_LOST:
		emit_event(m, ev, NULL);
		m->s.lost += ev->count;
		return 0;
	default:
		m->s.unknown_events++;
		return 0;
	}
}

struct model *model_new(const struct model_sink *sink, void *arg)
{
	struct model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->sink = sink;
	m->arg = arg;
	if (store_init(&m->store) ||
	    store_index_init(&m->devs, offsetof(struct obj, d.dev), STORE_BY_CTX)) {
		model_free(m);
		return NULL;
	}
	return m;
}

void model_finish(const struct model *m, bool incomplete,
		  struct model_summary *sum)
{
	*sum = m->s;
	if (sum->lost || incomplete || m->nomem)
		sum->verdict = VERDICT_INCONCLUSIVE;
	else if (sum->orphans || sum->leaks)
		sum->verdict = VERDICT_FINDINGS;
	else
		sum->verdict = VERDICT_CLEAN;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	store_fini(&m->store);
	store_index_fini(&m->devs);
	free(m->unbinds);
	free(m);
}

const char *verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_CLEAN:
		return "clean";
	case VERDICT_FINDINGS:
		return "findings";
	case VERDICT_INCONCLUSIVE:
		return "inconclusive";
	}
	return "?";
}
