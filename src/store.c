// SPDX-License-Identifier: GPL-2.0
/* The object store: a pool of cache-line objects, tagged hash indexes. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "store.h"

_Static_assert(sizeof(struct store_slot) == STORE_OBJ_SIZE, "a slot is an object");

/* A chunk is a whole number of huge pages: the kernel aligns only such mappings to them. */
#define MAX_CHUNKS	(UINT32_MAX / STORE_CHUNK_OBJS)	/* an iref fits */

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

/* --- indexes --- */

static inline __u64 okey(const struct store_index *x, const struct obj_head *o)
{
	return *(const __u64 *)((const char *)o + x->key_off);
}

static inline __u64 ictx_of(const struct store_index *x, __u64 ictx)
{
	return x->any_ctx ? 0 : ictx;
}

static inline __u64 oslot(const struct store_index *x, const struct obj_head *o)
{
	return hash2(ictx_of(x, o->ictx), okey(x, o)) >> 32 << 32 | store_ref(o);
}

static inline size_t shome(const struct store_index *x, __u64 s)
{
	return (s >> 32) & x->mask;
}

int store_index_init(struct store_index *x, size_t key_off,
		     enum store_index_kind kind)
{
	x->mask = 63;
	x->n = 0;
	x->key_off = key_off;
	x->any_ctx = kind == STORE_BY_KEY;
	x->slot = big_alloc((x->mask + 1) * sizeof(*x->slot));
	return x->slot ? 0 : -ENOMEM;
}

void store_index_fini(struct store_index *x)
{
	big_free(x->slot, (x->mask + 1) * sizeof(*x->slot));
}

struct obj_head *store_index_get(const struct store *s,
				 const struct store_index *x,
				 __u64 ictx, __u64 key)
{
	__u64 tag = hash2(ictx_of(x, ictx), key) >> 32, slot;
	size_t i = tag & x->mask;
	struct obj_head *o;

	while ((slot = x->slot[i])) {
		if (slot >> 32 == tag) {
			o = store_at(s, iref_idx((iref)slot));
			if (ictx_of(x, o->ictx) == ictx_of(x, ictx) && okey(x, o) == key)
				return o;
		}
		i = (i + 1) & x->mask;
	}
	return NULL;
}

static void index_put(struct store_index *x, __u64 s)
{
	size_t i = shome(x, s);

	while (x->slot[i])
		i = (i + 1) & x->mask;
	x->slot[i] = s;
	x->n++;
}

int store_index_add(struct store_index *x, const struct obj_head *o)
{
	if ((x->n + 1) * 2 > x->mask + 1) {
		__u64 *old = x->slot;
		size_t i, size = x->mask + 1;

		if (size * 2 > 1ULL << 32)
			return -ENOMEM;
		x->slot = big_alloc(size * 2 * sizeof(*x->slot));
		if (!x->slot) {
			x->slot = old;
			return -ENOMEM;
		}
		x->mask = size * 2 - 1;
		x->n = 0;
		for (i = 0; i < size; i++)
			if (old[i])
				index_put(x, old[i]);
		big_free(old, size * sizeof(*old));
	}
	index_put(x, oslot(x, o));
	return 0;
}

void store_index_del(struct store_index *x, const struct obj_head *o)
{
	__u64 s = oslot(x, o);
	size_t i = shome(x, s), j, h;

	while (x->slot[i] != s) {
		if (!x->slot[i])
			return;
		i = (i + 1) & x->mask;
	}
	/* Pull back later entries of the cluster that may no longer be reached. */
	for (j = (i + 1) & x->mask; x->slot[j]; j = (j + 1) & x->mask) {
		h = shome(x, x->slot[j]);
		if (((j - h) & x->mask) >= ((j - i) & x->mask)) {
			x->slot[i] = x->slot[j];
			i = j;
		}
	}
	x->slot[i] = 0;
	x->n--;
}

/* --- the pool --- */

static int pool_grow(struct store *s)
{
	struct store_slot *c;

	if (s->nchunks == s->cap) {
		__u32 cap = s->cap ? s->cap * 2 : 16;
		struct store_slot **a;

		if (s->nchunks == MAX_CHUNKS)
			return -ENOMEM;
		if (cap > MAX_CHUNKS)
			cap = MAX_CHUNKS;
		a = realloc(s->chunk, cap * sizeof(*a));
		if (!a)
			return -ENOMEM;
		s->chunk = a;
		s->cap = cap;
	}
	c = big_alloc(STORE_CHUNK_SIZE);
	if (!c)
		return -ENOMEM;
	s->chunk[s->nchunks++] = c;
	return 0;
}

static struct obj_head *slot_alloc(struct store *s)
{
	struct obj_head *o;
	__u32 idx;

	if (s->free) {
		o = store_obj(s, s->free);
		s->free = o->next;
		idx = o->idx;
	} else {
		if (s->carved == s->nchunks * STORE_CHUNK_OBJS && pool_grow(s))
			return NULL;
		idx = s->carved++;
		o = store_at(s, idx);
	}
	memset(o, 0, sizeof(struct store_slot));
	o->idx = idx;
	return o;
}

static void slot_free(struct store *s, struct obj_head *o)
{
	o->next = s->free;
	s->free = store_ref(o);
}

/* --- contexts and their objects --- */

struct obj_head *store_ctx(const struct store *s, __u64 ictx)
{
	return store_index_get(s, &s->ctxs, 0, ictx);
}

static struct obj_head *ctx_get(struct store *s, __u64 ictx)
{
	struct obj_head *c = store_ctx(s, ictx);

	if (c)
		return c;
	c = slot_alloc(s);
	if (!c)
		return NULL;
	c->key = ictx;
	c->prev = c->next = store_ref(c);
	if (store_index_add(&s->ctxs, c)) {
		slot_free(s, c);
		return NULL;
	}
	return c;
}

struct obj_head *store_next_ctx(const struct store *s, size_t *pos)
{
	__u64 slot;

	while (*pos <= s->ctxs.mask) {
		slot = s->ctxs.slot[(*pos)++];
		if (slot)
			return store_at(s, iref_idx((iref)slot));
	}
	return NULL;
}

void store_del_ctx(struct store *s, struct obj_head *c)
{
	store_index_del(&s->ctxs, c);
	slot_free(s, c);
}

struct obj_head *store_get(const struct store *s, __u64 ictx, __u64 key)
{
	return store_index_get(s, &s->objs, ictx, key);
}

struct obj_head *store_add(struct store *s, __u64 ictx, __u64 key)
{
	struct obj_head *c = ctx_get(s, ictx), *o;

	if (!c)
		return NULL;
	o = slot_alloc(s);
	if (!o)
		return NULL;
	o->ictx = ictx;
	o->key = key;
	if (store_index_add(&s->objs, o)) {
		slot_free(s, o);
		return NULL;
	}
	o->prev = c->prev;
	o->next = store_ref(c);
	store_obj(s, c->prev)->next = store_ref(o);
	c->prev = store_ref(o);
	return o;
}

void store_del(struct store *s, struct obj_head *o)
{
	store_obj(s, o->prev)->next = o->next;
	store_obj(s, o->next)->prev = o->prev;
	store_index_del(&s->objs, o);
	slot_free(s, o);
}

int store_init(struct store *s)
{
	memset(s, 0, sizeof(*s));
	if (store_index_init(&s->objs, offsetof(struct obj_head, key), STORE_BY_CTX) ||
	    store_index_init(&s->ctxs, offsetof(struct obj_head, key), STORE_BY_CTX))
		return -ENOMEM;
	return 0;
}

void store_fini(struct store *s)
{
	__u32 i;

	for (i = 0; i < s->nchunks; i++)
		big_free(s->chunk[i], STORE_CHUNK_SIZE);
	free(s->chunk);
	store_index_fini(&s->objs);
	store_index_fini(&s->ctxs);
}
