/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model's object store: objects by context and key, each in one cache
 * line that never moves, for traces with millions of live objects.
 *
 *	store_init(&s);
 *	o = store_add(&s, ictx, key);	// zeroed, last of its context
 *	o = store_get(&s, ictx, key);
 *	store_del(&s, o);
 *	c = store_ctx(&s, ictx);	// a context heads the list of its objects
 *	for (o = store_next(&s, c, c); o; o = store_next(&s, c, o))
 *	store_del_ctx(&s, c);		// once its list is empty
 *	store_fini(&s);
 *
 * The store owns the head of each object (struct obj_head); the rest of its
 * STORE_OBJ_SIZE bytes is the caller's, whose type starts with the head;
 * a context's too.  A struct store_index finds objects by another __u64 of
 * theirs, or by their key alone, whatever their context.
 */
#ifndef STORE_H
#define STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "iref.h"

/* One cache line: a lookup reads one object, and that is one miss. */
#define STORE_OBJ_SIZE	64

struct obj_head {
	__u64 ictx;		/* 0 for a context */
	__u64 key;		/* kernel pointer or interned string */
	__u32 idx;		/* in the pool */
	__u32 id;		/* the object's id in its context */
	iref prev, next;	/* context list (a context is its own head); free list */
};

struct store_slot {
	struct obj_head h;
	unsigned char body[STORE_OBJ_SIZE - sizeof(struct obj_head)];
};

/*
 * Open addressing, linear probing, load <= 1/2, backward-shift deletion.
 * A slot holds the upper half of the key's hash and the object's iref
 * (0 is empty): with millions of objects every read of one is a cache
 * miss, so a lookup reads only objects whose hash matches, and neither
 * growth nor deletion reads any.  The home slot is in the hash bits, so
 * a table has at most 2^32 slots.
 */
struct store_index {
	__u64 *slot;
	size_t mask;
	size_t n;
	size_t key_off;		/* of the __u64 key in the object */
	bool any_ctx;		/* the key alone: contexts are not told apart */
};

/* What an index tells objects apart by. */
enum store_index_kind {
	STORE_BY_CTX,		/* their context and key */
	STORE_BY_KEY,		/* their key: lookups ignore @ictx */
};

/* Objects in chunks that never move, named by index. */
struct store {
	struct store_slot **chunk;
	__u32 nchunks, cap;
	__u32 carved;		/* objects ever handed out of the chunks */
	iref free;		/* linked by ->next */
	struct store_index objs;	/* every object but contexts */
	struct store_index ctxs;
};

#define STORE_CHUNK_SIZE	(4UL << 20)
#define STORE_CHUNK_OBJS	(STORE_CHUNK_SIZE / sizeof(struct store_slot))

static inline struct obj_head *store_at(const struct store *s, __u32 idx)
{
	return &s->chunk[idx / STORE_CHUNK_OBJS][idx % STORE_CHUNK_OBJS].h;
}

static inline iref store_ref(const struct obj_head *o)
{
	return iref_of(o->idx);
}

static inline struct obj_head *store_obj(const struct store *s, iref r)
{
	return r ? store_at(s, iref_idx(r)) : NULL;
}

/* The object after @o in context @c (@c itself for the first), NULL at the end. */
static inline struct obj_head *store_next(const struct store *s,
					  const struct obj_head *c,
					  const struct obj_head *o)
{
	struct obj_head *next = store_obj(s, o->next);

	return next == c ? NULL : next;
}

/* Returns 0 or -ENOMEM; either way store_fini() frees what it made. */
int store_init(struct store *s);
void store_fini(struct store *s);

struct obj_head *store_get(const struct store *s, __u64 ictx, __u64 key);
/* A new object, its context made if need be; NULL when out of memory. */
struct obj_head *store_add(struct store *s, __u64 ictx, __u64 key);
void store_del(struct store *s, struct obj_head *o);

struct obj_head *store_ctx(const struct store *s, __u64 ictx);
/* The context after slot *@pos of the table, NULL after the last. */
struct obj_head *store_next_ctx(const struct store *s, size_t *pos);
void store_del_ctx(struct store *s, struct obj_head *c);

int store_index_init(struct store_index *x, size_t key_off,
		     enum store_index_kind kind);
void store_index_fini(struct store_index *x);
struct obj_head *store_index_get(const struct store *s,
				 const struct store_index *x,
				 __u64 ictx, __u64 key);
/* Returns 0 or -ENOMEM. */
int store_index_add(struct store_index *x, const struct obj_head *o);
void store_index_del(struct store_index *x, const struct obj_head *o);

#endif /* STORE_H */
