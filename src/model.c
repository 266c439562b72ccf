// SPDX-License-Identifier: GPL-2.0
/* Live-object model: pairs vdevices with devices and reports orphans and leaks. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "iref.h"
#include "model.h"

enum obj_kind {
	K_CTX,		/* a context: head of the list of its objects */
	K_IDEV,
	K_VDEV,
	K_GHOST,	/* not alive, remembered so later events are not "untracked" */
};

enum {
	O_UNBINDING	= 1 << 0,	/* idev: unbind entered */
	O_ORPHANED	= 1 << 1,	/* vdev: its idev is gone */
	O_UNTRACKED	= 1 << 2,	/* ghost: unbind of an unknown idev */
	O_ABORTED	= 1 << 3,	/* ghost: creation failed */
};

/* One cache line: a lookup reads one object, and that is one miss. */
struct obj {
	__u64 ictx;		/* 0 for a K_CTX */
	__u64 key;		/* kernel pointer or interned string */
	__u32 idx;		/* in the pool */
	__u32 id;
	iref prev, next;	/* context list (a context is its own head); free list */
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
_Static_assert(sizeof(struct obj) == 64, "an object is a cache line");

/* The task of an unbind, until its return: few at a time, so kept aside. */
struct unbind {
	struct task task;
	iref next_free;
};

/*
 * Open addressing, linear probing, load <= 1/2, backward-shift deletion.
 * A slot holds the upper half of the key's hash and the object's iref
 * (0 is empty): with millions of objects every read of one is a cache
 * miss, so a lookup reads only objects whose hash matches, and neither
 * growth nor deletion reads any.  The home slot is in the hash bits, so
 * a table has at most 2^32 slots.
 */
struct otab {
	__u64 *slot;
	size_t mask;
	size_t n;
	bool by_dev;		/* keyed by (ictx, dev) instead of (ictx, key) */
};

/*
 * Objects in chunks that never move, named by index.  A chunk is a whole
 * number of huge pages: the kernel aligns only such mappings to them.
 */
#define CHUNK_SIZE	(4UL << 20)
#define POOL_CHUNK	(CHUNK_SIZE / sizeof(struct obj))
#define MAX_CHUNKS	(UINT32_MAX / POOL_CHUNK)	/* an iref fits */

struct pool {
	struct obj **chunk;
	__u32 nchunks, cap;
	__u32 carved;		/* objects ever handed out of the chunks */
	iref free;		/* linked by ->next */
};

struct model {
	const struct model_sink *sink;
	void *arg;
	struct otab objs;	/* every object but contexts */
	struct otab devs;	/* idevs by dev, for pairing on old kernels ... */
	bool devs_kept;		/* ... kept once a vdevice came without its idev */
	struct otab ctxs;
	struct pool pool;
	struct unbind *unbinds;
	__u32 nunbinds, unbinds_cap;
	iref free_unbind;
	bool nomem;		/* an allocation failed: state is incomplete */
	struct model_summary s;
};

static inline __u64 hash2(__u64 a, __u64 b)
{
	__u64 h = a * 0x9e3779b97f4a7c15ULL ^ b;

	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	return h;
}

/*
 * Tables and chunks of 2 MiB or more ask for transparent huge pages: with
 * hundreds of MiB read at random, TLB misses cost as much as cache misses
 * (a dependent miss on the benchmark VM: 215 ns in 4 KiB pages, 170 ns in
 * 2 MiB ones).  Zeroed, as mmap() gives them.
 */
#define HUGE_SIZE	(2UL << 20)

static void *big_alloc(size_t size)
{
	void *p;

	if (size < HUGE_SIZE)
		return calloc(1, size);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	madvise(p, size, MADV_HUGEPAGE);	/* a hint: fine if it fails */
	return p;
}

static void big_free(void *p, size_t size)
{
	if (size < HUGE_SIZE)
		free(p);
	else if (p)
		munmap(p, size);
}

static inline __u64 okey(const struct otab *t, const struct obj *o)
{
	return t->by_dev ? o->d.dev : o->key;
}

static inline struct obj *obj_at(const struct pool *p, __u32 idx)
{
	return &p->chunk[idx / POOL_CHUNK][idx % POOL_CHUNK];
}

static inline iref ref(const struct obj *o)
{
	return iref_of(o->idx);
}

static inline struct obj *deref(const struct model *m, iref r)
{
	return r ? obj_at(&m->pool, iref_idx(r)) : NULL;
}

static inline __u64 oslot(const struct otab *t, const struct obj *o)
{
	return hash2(o->ictx, okey(t, o)) >> 32 << 32 | ref(o);
}

static inline size_t shome(const struct otab *t, __u64 s)
{
	return (s >> 32) & t->mask;
}

static int otab_init(struct otab *t, bool by_dev)
{
	t->mask = 63;
	t->n = 0;
	t->by_dev = by_dev;
	t->slot = big_alloc((t->mask + 1) * sizeof(*t->slot));
	return t->slot ? 0 : -ENOMEM;
}

static void otab_free(struct otab *t)
{
	big_free(t->slot, (t->mask + 1) * sizeof(*t->slot));
}

static struct obj *otab_get(const struct otab *t, const struct pool *p,
			    __u64 ictx, __u64 k)
{
	__u64 tag = hash2(ictx, k) >> 32, s;
	size_t i = tag & t->mask;
	struct obj *o;

	while ((s = t->slot[i])) {
		if (s >> 32 == tag) {
			o = obj_at(p, iref_idx((iref)s));
			if (o->ictx == ictx && okey(t, o) == k)
				return o;
		}
		i = (i + 1) & t->mask;
	}
	return NULL;
}

static void otab_put(struct otab *t, __u64 s)
{
	size_t i = shome(t, s);

	while (t->slot[i])
		i = (i + 1) & t->mask;
	t->slot[i] = s;
	t->n++;
}

static int otab_add(struct otab *t, const struct obj *o)
{
	if ((t->n + 1) * 2 > t->mask + 1) {
		__u64 *old = t->slot;
		size_t i, size = t->mask + 1;

		if (size * 2 > 1ULL << 32)
			return -ENOMEM;
		t->slot = big_alloc(size * 2 * sizeof(*t->slot));
		if (!t->slot) {
			t->slot = old;
			return -ENOMEM;
		}
		t->mask = size * 2 - 1;
		t->n = 0;
		for (i = 0; i < size; i++)
			if (old[i])
				otab_put(t, old[i]);
		big_free(old, size * sizeof(*old));
	}
	otab_put(t, oslot(t, o));
	return 0;
}

static void otab_del(struct otab *t, const struct obj *o)
{
	__u64 s = oslot(t, o);
	size_t i = shome(t, s), j, h;

	while (t->slot[i] != s) {
		if (!t->slot[i])
			return;
		i = (i + 1) & t->mask;
	}
	/* Pull back later entries of the cluster that may no longer be reached. */
	for (j = (i + 1) & t->mask; t->slot[j]; j = (j + 1) & t->mask) {
		h = shome(t, t->slot[j]);
		if (((j - h) & t->mask) >= ((j - i) & t->mask)) {
			t->slot[i] = t->slot[j];
			i = j;
		}
	}
	t->slot[i] = 0;
	t->n--;
}

static int pool_grow(struct pool *p)
{
	struct obj *c;

	if (p->nchunks == p->cap) {
		__u32 cap = p->cap ? p->cap * 2 : 16;
		struct obj **a;

		if (p->nchunks == MAX_CHUNKS)
			return -ENOMEM;
		if (cap > MAX_CHUNKS)
			cap = MAX_CHUNKS;
		a = realloc(p->chunk, cap * sizeof(*a));
		if (!a)
			return -ENOMEM;
		p->chunk = a;
		p->cap = cap;
	}
	c = big_alloc(CHUNK_SIZE);
	if (!c)
		return -ENOMEM;
	p->chunk[p->nchunks++] = c;
	return 0;
}

static struct obj *obj_alloc(struct model *m)
{
	struct pool *p = &m->pool;
	struct obj *o;
	__u32 idx;

	if (p->free) {
		o = obj_at(p, iref_idx(p->free));
		p->free = o->next;
		idx = o->idx;
	} else {
		if (p->carved == p->nchunks * POOL_CHUNK && pool_grow(p))
			return NULL;
		idx = p->carved++;
		o = obj_at(p, idx);
	}
	memset(o, 0, sizeof(*o));
	o->idx = idx;
	return o;
}

static void obj_free(struct model *m, struct obj *o)
{
	o->next = m->pool.free;
	m->pool.free = ref(o);
}

static void emit(struct model *m, const struct trace_event *ev,
		 const struct ev_note *note)
{
	static const struct ev_note none;

	m->s.events++;
	if (m->sink && m->sink->event)
		m->sink->event(m->arg, ev, note ? note : &none);
}

static void report(struct model *m, const struct finding *f)
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

static struct obj *get_ctx(struct model *m, __u64 ictx)
{
	struct obj *c = otab_get(&m->ctxs, &m->pool, 0, ictx);

	if (c)
		return c;
	c = obj_alloc(m);
	if (!c)
		return NULL;
	c->kind = K_CTX;
	c->key = ictx;
	c->prev = c->next = ref(c);
	if (otab_add(&m->ctxs, c)) {
		obj_free(m, c);
		return NULL;
	}
	return c;
}

static struct obj *new_obj(struct model *m, __u64 ictx, __u64 key,
			   enum obj_kind kind)
{
	struct obj *c = get_ctx(m, ictx), *o;

	if (!c)
		return NULL;
	o = obj_alloc(m);
	if (!o)
		return NULL;
	o->ictx = ictx;
	o->key = key;
	o->kind = kind;
	if (otab_add(&m->objs, o)) {
		obj_free(m, o);
		return NULL;
	}
	o->prev = c->prev;
	o->next = ref(c);
	deref(m, c->prev)->next = ref(o);
	c->prev = ref(o);
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
	deref(m, o->prev)->next = o->next;
	deref(m, o->next)->prev = o->prev;
	otab_del(&m->objs, o);
	if (o->kind == K_IDEV) {
		while (o->pair)
			unpair(m, deref(m, o->pair));
		if (m->devs_kept && o->d.dev)
			otab_del(&m->devs, o);
		if (o->d.unbind)
			unbind_put(m, o->d.unbind);
	} else if (o->kind == K_VDEV) {
		unpair(m, o);
	}
	if (o->kind == K_IDEV || o->kind == K_VDEV)
		m->s.live--;
	obj_free(m, o);
}

/* A creation event for @key: whatever had the key before is gone. */
static void replace(struct model *m, __u64 ictx, __u64 key)
{
	struct obj *old = otab_get(&m->objs, &m->pool, ictx, key);

	if (!old)
		return;
	if (old->kind != K_GHOST)
		m->s.stale++;
	drop_obj(m, old);
}

/* @d is now the idev of its dev in its context. */
static int index_dev(struct model *m, struct obj *d)
{
	struct obj *prev = otab_get(&m->devs, &m->pool, d->ictx, d->d.dev);

	if (prev)
		otab_del(&m->devs, prev);
	return otab_add(&m->devs, d);
}

/*
 * Kernels from v6.17 name the idev of a vdevice: the index by dev, a cache
 * miss more at each bind and unbind, is built only once a vdevice comes
 * without it.  Each context's list is in order of creation, so the latest
 * bind of a dev wins, as when the index is kept from the start.
 */
static int index_devs(struct model *m)
{
	struct obj *c, *o;
	size_t i;

	m->devs_kept = true;
	for (i = 0; i <= m->ctxs.mask; i++) {
		if (!m->ctxs.slot[i])
			continue;
		c = obj_at(&m->pool, iref_idx((iref)m->ctxs.slot[i]));
		for (o = deref(m, c->next); o != c; o = deref(m, o->next))
			if (o->kind == K_IDEV && o->d.dev && index_dev(m, o))
				return -ENOMEM;
	}
	return 0;
}

static int on_bind(struct model *m, const struct trace_event *ev)
{
	struct obj *d;

	emit(m, ev, NULL);
	replace(m, ev->ictx, ev->obj);
	d = new_obj(m, ev->ictx, ev->obj, K_IDEV);
	if (!d)
		return nomem(m);
	d->id = ev->id;
	d->d.dev = ev->dev;
	if (d->d.dev && m->devs_kept && index_dev(m, d))
		return nomem(m);
	return 0;
}

static int on_vdev_alloc(struct model *m, const struct trace_event *ev)
{
	struct obj *v, *d = NULL;

	emit(m, ev, NULL);
	replace(m, ev->ictx, ev->obj);
	v = new_obj(m, ev->ictx, ev->obj, K_VDEV);
	if (!v)
		return nomem(m);
	v->id = ev->id;
	v->v.virt_id = ev->virt_id;
	/* v6.17+ names the idev; before, the idev is the one with the same dev. */
	if (ev->idev) {
		d = otab_get(&m->objs, &m->pool, ev->ictx, ev->idev);
	} else if (ev->dev) {
		if (!m->devs_kept && index_devs(m))
			return nomem(m);
		d = otab_get(&m->devs, &m->pool, ev->ictx, ev->dev);
	}
	if (d && d->kind == K_IDEV)
		pair(m, d, v);
	return 0;
}

static int on_unbind(struct model *m, const struct trace_event *ev)
{
	struct obj *d = otab_get(&m->objs, &m->pool, ev->ictx, ev->obj);

	emit(m, ev, NULL);
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

static int on_unbind_done(struct model *m, const struct trace_event *ev)
{
	struct obj *d = otab_get(&m->objs, &m->pool, ev->ictx, ev->obj), *v;
	static const struct unbind unknown;
	const struct unbind *u;

	emit(m, ev, NULL);
	d = ending(m, d, K_IDEV, O_UNTRACKED);
	if (!d)
		return 0;
	if (!(d->flags & O_UNBINDING))
		m->s.unexpected++;
	u = d->d.unbind ? &m->unbinds[iref_idx(d->d.unbind)] : &unknown;
	while ((v = deref(m, d->pair))) {
		struct finding f = {
			.type = FINDING_ORPHAN,
			.ts = ev->ts,
			.ictx = ev->ictx,
			.obj = v->key,
			.id = v->id,
			.is_vdev = true,
			.virt_id = v->v.virt_id,
			.idev = d->key,
			.idev_id = d->id,
			.task = u->task,
		};

		unpair(m, v);
		v->flags |= O_ORPHANED;
		v->v.orphan_ts = ev->ts;
		report(m, &f);
	}
	drop_obj(m, d);
	return 0;
}

static int on_vdev_destroy(struct model *m, const struct trace_event *ev)
{
	struct obj *v = otab_get(&m->objs, &m->pool, ev->ictx, ev->obj);
	struct ev_note note = { 0 };

	if (v && v->kind == K_VDEV && (v->flags & O_ORPHANED)) {
		note.orphaned = true;
		if (ev->ts > v->v.orphan_ts)
			note.orphaned_ns = ev->ts - v->v.orphan_ts;
	}
	emit(m, ev, &note);
	v = ending(m, v, K_VDEV, O_ABORTED);
	if (v)
		drop_obj(m, v);
	return 0;
}

static int on_obj_abort(struct model *m, const struct trace_event *ev)
{
	struct obj *o = otab_get(&m->objs, &m->pool, ev->ictx, ev->obj);

	emit(m, ev, NULL);
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

static void on_ctx_release(struct model *m, const struct trace_event *ev)
{
	struct obj *c = otab_get(&m->ctxs, &m->pool, 0, ev->ictx), *o;

	emit(m, ev, NULL);
	if (!c)
		return;
	/* Every object had to be destroyed before the release returned. */
	for (o = deref(m, c->next); o != c; o = deref(m, o->next)) {
		struct finding f = {
			.type = FINDING_LEAK,
			.ts = ev->ts,
			.ictx = ev->ictx,
			.obj = o->key,
			.id = o->id,
		};

		if (o->kind == K_GHOST)
			continue;
		if (o->kind == K_VDEV) {
			f.is_vdev = true;
			f.virt_id = o->v.virt_id;
		}
		report(m, &f);
	}
	while (c->next != ref(c))
		drop_obj(m, deref(m, c->next));
	otab_del(&m->ctxs, c);
	obj_free(m, c);
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
		emit(m, ev, NULL);
		m->s.removes++;
		return 0;
	case EV_CTX_RELEASE:
		on_ctx_release(m, ev);
		return 0;
	case EV_OBJ_ABORT:
		return on_obj_abort(m, ev);
	case EV_LOST:
		emit(m, ev, NULL);
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
	if (otab_init(&m->objs, false) || otab_init(&m->devs, true) ||
	    otab_init(&m->ctxs, false)) {
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
	__u32 i;

	if (!m)
		return;
	for (i = 0; i < m->pool.nchunks; i++)
		big_free(m->pool.chunk[i], CHUNK_SIZE);
	free(m->pool.chunk);
	free(m->unbinds);
	otab_free(&m->objs);
	otab_free(&m->devs);
	otab_free(&m->ctxs);
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
