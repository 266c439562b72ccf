// SPDX-License-Identifier: GPL-2.0
/*
 * The lifetime rules: the objects of each context and the references
 * between them; orphaned vdevices, objects that outlive one they hold,
 * leaks.  The objects live in the store (store.h).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "iref.h"
#include "model.h"
#include "store.h"

enum obj_kind {
	K_LIVE = 1,
	K_GHOST,	/* not alive, remembered so later events are not "untracked" */
};

enum {
	O_UNBINDING	= 1 << 0,	/* idev: unbind entered */
	O_ORPHANED	= 1 << 1,	/* vdev: its idev is gone */
	O_UNTRACKED	= 1 << 2,	/* ghost: unbind of an unknown idev */
	O_ABORTED	= 1 << 3,	/* ghost: creation failed */
	O_AT_START	= 1 << 4,	/* found by the snapshot, no creation event yet */
	O_BY_KEY	= 1 << 5,	/* in m->by_key */
};

/* A vdevice holds its viommu in parent[0], its idev in parent[VDEV_IDEV]. */
#define VDEV_IDEV	1

/*
 * An object, or a ghost.  Each of parent[] is an object of the same
 * context that it holds a reference on; nchildren counts the references
 * on it, so that the rare search for them (it is destroyed while held)
 * is the only walk of a context's list outside its release.  A device is
 * held by vdevices only, and losing it is common on v6.13-v6.16 kernels:
 * they are listed from it instead.
 */
struct obj {
	struct obj_head h;
	iref parent[OBJ_PARENTS];
	__u32 nchildren;
	__u8 kind;
	__u8 type;		/* enum obj_type */
	__u8 flags;
	union {
		struct {	/* OBJ_DEVICE */
			__u64 dev;
			iref unbind;	/* its unbind's task, in m->unbinds */
			iref vdevs;	/* the first vdevice holding it */
		} d;
		struct {	/* OBJ_VDEVICE */
			__u64 virt_id;
			union {
				struct {	/* the other vdevices of its idev */
					iref sprev, snext;
				};
				__u64 orphan_ts;	/* once O_ORPHANED */
			};
		} v;
	};
};
_Static_assert(sizeof(struct obj) == STORE_OBJ_SIZE, "an object is a store slot");
_Static_assert(offsetof(struct obj, h) == 0, "an object starts with its head");

/* A context: the head of its objects' list, and the task holding it at start. */
struct ctx {
	struct obj_head h;
	struct task owner;
};
_Static_assert(sizeof(struct ctx) <= STORE_OBJ_SIZE, "a context is a store slot");

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
	/* Objects whose destroy names no context: other types, failed creations. */
	struct store_index by_key;
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

static inline bool is_live(const struct obj *o, enum obj_type type)
{
	return o && o->kind == K_LIVE && o->type == type;
}

/* Devices and vdevices end by events that name their context; others not. */
static inline bool ends_by_key(enum obj_type type)
{
	return type != OBJ_DEVICE && type != OBJ_VDEVICE;
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
	else if (f->type == FINDING_OUTLIVED)
		m->s.outlived++;
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

/* Only a vdevice holds a device, in parent[VDEV_IDEV]. */
static void hold(struct model *m, struct obj *child, int slot, struct obj *parent)
{
	child->parent[slot] = ref(parent);
	parent->nchildren++;
	if (parent->type != OBJ_DEVICE)
		return;
	child->v.sprev = 0;
	child->v.snext = parent->d.vdevs;
	if (parent->d.vdevs)
		deref(m, parent->d.vdevs)->v.sprev = ref(child);
	parent->d.vdevs = ref(child);
}

static void unhold(struct model *m, struct obj *child, int slot)
{
	struct obj *p = deref(m, child->parent[slot]);

	if (!p)
		return;
	p->nchildren--;
	child->parent[slot] = 0;
	if (p->type != OBJ_DEVICE)
		return;
	if (child->v.sprev)
		deref(m, child->v.sprev)->v.snext = child->v.snext;
	else
		p->d.vdevs = child->v.snext;
	if (child->v.snext)
		deref(m, child->v.snext)->v.sprev = child->v.sprev;
}

/* Its slots in the indexes and tables of the model; not its references. */
static void forget(struct model *m, struct obj *o)
{
	if (is_live(o, OBJ_DEVICE)) {
		if (m->devs_kept && o->d.dev)
			store_index_del(&m->devs, &o->h);
		if (o->d.unbind)
			unbind_put(m, o->d.unbind);
	}
	if (o->flags & O_BY_KEY)
		store_index_del(&m->by_key, &o->h);
	if (o->kind == K_LIVE)
		m->s.live--;
	store_del(&m->store, &o->h);
}

static void orphan_report(struct model *m, const struct obj *v,
			  const struct obj *d, const struct task *task, __u64 ts);
static void outlived_report(struct model *m, const struct obj *o,
			    const struct obj *p, __u64 ts);

/*
 * Drops the references on @p.  When @p is destroyed at @ts (@report), what
 * held it outlived it: the vdevices of a device are orphaned by its unbind
 * (task @task), others outlived_parent.  (@task: the unbind's, or NULL.)
 */
static void release_holders(struct model *m, struct obj *p, bool report,
			    const struct task *task, __u64 ts)
{
	struct obj_head *c;
	struct obj *o;
	int i;

	if (!p->nchildren)
		return;
	if (p->type == OBJ_DEVICE) {
		while ((o = deref(m, p->d.vdevs))) {
			unhold(m, o, VDEV_IDEV);
			if (!report)
				continue;
			o->flags |= O_ORPHANED;
			o->v.orphan_ts = ts;
			orphan_report(m, o, p, task, ts);
		}
		return;
	}
	c = store_ctx(&m->store, p->h.ictx);
	for (o = next_obj(m, c, c); o && p->nchildren; o = next_obj(m, c, &o->h))
		for (i = 0; i < OBJ_PARENTS; i++) {
			if (o->parent[i] != ref(p))
				continue;
			unhold(m, o, i);
			if (report)
				outlived_report(m, o, p, ts);
		}
}

static void drop_obj(struct model *m, struct obj *o)
{
	int i;

	for (i = 0; i < OBJ_PARENTS; i++)
		unhold(m, o, i);
	release_holders(m, o, false, NULL, 0);
	forget(m, o);
}

/* @o now has key @o->h.key in m->by_key; whatever had it is gone. */
static int index_by_key(struct model *m, struct obj *o)
{
	struct obj *old = (struct obj *)store_index_get(&m->store, &m->by_key,
							 0, o->h.key);

	if (old) {
		if (old->kind == K_LIVE)
			m->s.stale++;
		drop_obj(m, old);
	}
	if (store_index_add(&m->by_key, &o->h))
		return nomem(m);
	o->flags |= O_BY_KEY;
	return 0;
}

static struct obj *new_obj(struct model *m, __u64 ictx, __u64 key,
			   enum obj_type type)
{
	struct obj *o = (struct obj *)store_add(&m->store, ictx, key);

	if (!o)
		return NULL;
	o->kind = K_LIVE;
	o->type = type;
	m->s.live++;
	m->s.objects[type]++;
	if (ends_by_key(type) && index_by_key(m, o))
		return NULL;
	return o;
}

static struct obj *new_ghost(struct model *m, __u64 ictx, __u64 key,
			     __u8 flags)
{
	struct obj *o = (struct obj *)store_add(&m->store, ictx, key);

	if (o) {
		o->kind = K_GHOST;
		o->flags = flags;
	}
	return o;
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
			if (is_live(o, OBJ_DEVICE) && o->d.dev && index_dev(m, o))
				return -ENOMEM;
	return 0;
}

/* The idev of a vdevice: named (v6.17+), or the one with its dev. */
static int find_idev(struct model *m, const struct trace_event *ev,
		     struct obj **d)
{
	*d = NULL;
	if (ev->idev) {
		*d = obj_get(m, ev->ictx, ev->idev);
	} else if (ev->dev) {
		if (!m->devs_kept && index_devs(m))
			return nomem(m);
		*d = (struct obj *)store_index_get(&m->store, &m->devs,
						   ev->ictx, ev->dev);
	}
	if (!is_live(*d, OBJ_DEVICE))
		*d = NULL;
	return 0;
}

/*
 * The references of @o that the event names and it does not hold yet.
 * An access's ioas is none of them: attach and detach move it, untraced.
 */
static int hold_refs(struct model *m, struct obj *o, const struct trace_event *ev)
{
	struct obj *p;
	int i;

	if (o->type == OBJ_ACCESS)
		return 0;
	for (i = 0; i < OBJ_PARENTS; i++) {
		if (!ev->parents[i] || o->parent[i])
			continue;
		p = obj_get(m, ev->ictx, ev->parents[i]);
		if (p && p->kind == K_LIVE && p != o && p->type != OBJ_DEVICE)
			hold(m, o, i, p);
	}
	/* An orphan stays one: its device is gone. */
	if (o->type != OBJ_VDEVICE || o->parent[VDEV_IDEV] || (o->flags & O_ORPHANED))
		return 0;
	if (find_idev(m, ev, &p))
		return -ENOMEM;
	if (p)
		hold(m, o, VDEV_IDEV, p);
	return 0;
}

/*
 * The object that a creation event, or EV_SEEN, of @type names: a new one,
 * after whatever had its key is gone; or, when the snapshot found it
 * already (same type and id), that one, with *@known set.  NULL when out
 * of memory.
 */
static struct obj *creation(struct model *m, const struct trace_event *ev,
			    enum obj_type type, bool *known)
{
	struct obj *o = obj_get(m, ev->ictx, ev->obj);

	*known = is_live(o, type) && o->h.id == ev->id &&
		 (ev->type == EV_SEEN || (o->flags & O_AT_START));
	if (*known) {
		if (ev->type != EV_SEEN) {
			/* created after the tracer started, not before */
			o->flags &= ~O_AT_START;
			m->s.at_start--;
		}
		return o;
	}
	if (o) {
		if (o->kind != K_GHOST)
			m->s.stale++;
		drop_obj(m, o);
	}
	o = new_obj(m, ev->ictx, ev->obj, type);
	if (!o) {
		nomem(m);
		return NULL;
	}
	o->h.id = ev->id;
	return o;
}

/* bind, vdev_alloc, obj_new and seen: what a new object is made of. */
static int on_creation(struct model *m, const struct trace_event *ev,
		       enum obj_type type)
{
	struct obj_head *c;
	struct obj *o;
	bool known;

	emit_event(m, ev, NULL);
	if (!type || type >= OBJ_TYPE_MAX) {
		m->s.unexpected++;
		return 0;
	}
	o = creation(m, ev, type, &known);
	if (!o)
		return -ENOMEM;
	if (known)
		return hold_refs(m, o, ev);
	if (type == OBJ_DEVICE) {
		o->d.dev = ev->dev;
		if (o->d.dev && m->devs_kept && index_dev(m, o))
			return nomem(m);
	} else if (type == OBJ_VDEVICE) {
		o->v.virt_id = ev->virt_id;
	}
	if (ev->type == EV_SEEN) {
		o->flags |= O_AT_START;
		m->s.at_start++;
		c = store_ctx(&m->store, ev->ictx);
		if (!((struct ctx *)c)->owner.has_pid)
			((struct ctx *)c)->owner = ev->task;
	}
	return hold_refs(m, o, ev);
}

static int on_unbind(struct model *m, const struct trace_event *ev)
{
	struct obj *d = obj_get(m, ev->ictx, ev->obj);

	emit_event(m, ev, NULL);
	if (!d) {
		m->s.untracked++;
		d = new_ghost(m, ev->ictx, ev->obj, O_UNTRACKED);
		return d ? 0 : nomem(m);
	}
	if (!is_live(d, OBJ_DEVICE)) {
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
 * The end of object @o, which must be of @type: returns it, or NULL when
 * there is nothing to end. An unknown object predates tracing; a ghost is
 * forgotten, and was expected only if it carries @ghost_flag.
 */
static struct obj *ending(struct model *m, struct obj *o, enum obj_type type,
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
	if (o->type != type) {
		m->s.unexpected++;
		return NULL;
	}
	return o;
}

/* A finding of @type about object @o, at @ts. */
static struct finding finding_of(enum finding_type type, const struct obj *o,
				 __u64 ts)
{
	struct finding f = {
		.type = type,
		.ts = ts,
		.ictx = o->h.ictx,
		.obj = o->h.key,
		.id = o->h.id,
		.obj_type = o->type,
	};

	if (o->type == OBJ_VDEVICE)
		f.virt_id = o->v.virt_id;
	return f;
}

/*
 * Vdevice @v outlived the unbind of @d, by @task, at @ts; with no @d, a
 * snapshot found it with no device bound.
 */
static void orphan_report(struct model *m, const struct obj *v,
			  const struct obj *d, const struct task *task, __u64 ts)
{
	struct finding f = finding_of(FINDING_ORPHAN, v, ts);

	if (d) {
		f.idev = d->h.key;
		f.idev_id = d->h.id;
	} else {
		f.in_snapshot = 1;
	}
	if (task)
		f.task = *task;
	emit_finding(m, &f);
}

/* @o was alive when @p, which it holds, was destroyed at @ts. */
static void outlived_report(struct model *m, const struct obj *o,
			    const struct obj *p, __u64 ts)
{
	struct finding f = finding_of(FINDING_OUTLIVED, o, ts);

	f.parent = p->h.key;
	f.parent_id = p->h.id;
	f.parent_type = p->type;
	emit_finding(m, &f);
}

static int on_unbind_done(struct model *m, const struct trace_event *ev)
{
	struct obj *d = obj_get(m, ev->ictx, ev->obj);
	static const struct task unknown;
	const struct task *task;

	emit_event(m, ev, NULL);
	d = ending(m, d, OBJ_DEVICE, O_UNTRACKED);
	if (!d)
		return 0;
	if (!(d->flags & O_UNBINDING))
		m->s.unexpected++;
	task = d->d.unbind ? &m->unbinds[iref_idx(d->d.unbind)].task : &unknown;
	release_holders(m, d, true, task, ev->ts);
	drop_obj(m, d);
	return 0;
}

static int on_vdev_destroy(struct model *m, const struct trace_event *ev)
{
	struct obj *v = obj_get(m, ev->ictx, ev->obj);
	struct ev_note note = { 0 };

	if (is_live(v, OBJ_VDEVICE) && (v->flags & O_ORPHANED)) {
		note.orphaned = true;
		if (ev->ts > v->v.orphan_ts)
			note.orphaned_ns = ev->ts - v->v.orphan_ts;
	}
	emit_event(m, ev, &note);
	v = ending(m, v, OBJ_VDEVICE, O_ABORTED);
	if (v)
		drop_obj(m, v);
	return 0;
}

/* A destroy op: the event names no context, the object does. */
static int on_obj_free(struct model *m, const struct trace_event *ev)
{
	struct trace_event out = *ev;
	struct obj *o;

	if (ev->ictx)
		o = obj_get(m, ev->ictx, ev->obj);
	else
		o = (struct obj *)store_index_get(&m->store, &m->by_key, 0, ev->obj);
	if (o)
		out.ictx = o->h.ictx;
	emit_event(m, &out, NULL);
	o = ending(m, o, ev->obj_type, O_ABORTED);
	if (o) {
		release_holders(m, o, true, NULL, ev->ts);
		drop_obj(m, o);
	}
	return 0;
}

static int on_obj_abort(struct model *m, const struct trace_event *ev)
{
	struct obj *o = obj_get(m, ev->ictx, ev->obj);

	emit_event(m, ev, NULL);
	/* Never finalized, so normally unknown; if not, it is gone now. */
	if (o && o->kind != K_GHOST) {
		drop_obj(m, o);
		o = NULL;
	}
	if (!o)
		o = new_ghost(m, ev->ictx, ev->obj, 0);
	if (!o)
		return nomem(m);
	o->flags |= O_ABORTED;
	/* Its destroy op may follow, which names no context. */
	return o->flags & O_BY_KEY ? 0 : index_by_key(m, o);
}

/* Object @o was alive when its context was released, at @ts. */
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
		if (o->kind == K_LIVE)
			leak_report(m, o, ev->ts);
	/* All of them go: their references need no care. */
	while ((o = next_obj(m, c, c)))
		forget(m, o);
	store_del_ctx(&m->store, c);
}

/*
 * The snapshot is complete: a vdevice that holds no device now has none
 * bound in its context (the v6.13-v6.16 bug, from before tracing).
 */
static void on_snapshot(struct model *m, const struct trace_event *ev)
{
	struct obj_head *c;
	struct obj *o;
	size_t pos = 0;

	emit_event(m, ev, NULL);
	m->s.snapshot = ev->snap;
	m->s.contexts = ev->contexts;
	if (ev->snap != SNAP_TAKEN)
		return;
	while ((c = store_next_ctx(&m->store, &pos)))
		for (o = next_obj(m, c, c); o; o = next_obj(m, c, &o->h)) {
			if (!is_live(o, OBJ_VDEVICE) || o->parent[VDEV_IDEV] ||
			    (o->flags & O_ORPHANED))
				continue;
			o->flags |= O_ORPHANED;
			o->v.orphan_ts = ev->ts;
			orphan_report(m, o, NULL, &((struct ctx *)c)->owner, ev->ts);
		}
}

int model_feed(struct model *m, const struct trace_event *ev)
{
	switch ((unsigned int)ev->type) {
	case EV_BIND:
		return on_creation(m, ev, OBJ_DEVICE);
	case EV_VDEV_ALLOC:
		return on_creation(m, ev, OBJ_VDEVICE);
	case EV_OBJ_NEW:
		/* Devices and vdevices have events of their own. */
		return on_creation(m, ev, ends_by_key(ev->obj_type) ?
				   ev->obj_type : 0);
	case EV_SEEN:
		return on_creation(m, ev, ev->obj_type);
	case EV_UNBIND:
		return on_unbind(m, ev);
	case EV_UNBIND_DONE:
		return on_unbind_done(m, ev);
	case EV_VDEV_DESTROY:
		return on_vdev_destroy(m, ev);
	case EV_OBJ_FREE:
		return on_obj_free(m, ev);
	case EV_OBJ_REMOVE:
		emit_event(m, ev, NULL);
		m->s.removes++;
		return 0;
	case EV_CTX_RELEASE:
		on_ctx_release(m, ev);
		return 0;
	case EV_OBJ_ABORT:
		return on_obj_abort(m, ev);
	case EV_SNAPSHOT:
		on_snapshot(m, ev);
		return 0;
	case EV_LOST:
		emit_event(m, ev, NULL);
		m->s.lost = count_add(m->s.lost, ev->count);
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
	    store_index_init(&m->devs, offsetof(struct obj, d.dev), STORE_BY_CTX) ||
	    store_index_init(&m->by_key, offsetof(struct obj, h.key), STORE_BY_KEY)) {
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
	else if (sum->orphans || sum->leaks || sum->outlived)
		sum->verdict = VERDICT_FINDINGS;
	/* A missed destroy, or events out of order: the trace is not whole. */
	else if (sum->stale || sum->unexpected)
		sum->verdict = VERDICT_INCONCLUSIVE;
	else
		sum->verdict = VERDICT_CLEAN;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	store_fini(&m->store);
	store_index_fini(&m->devs);
	store_index_fini(&m->by_key);
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
