// SPDX-License-Identifier: GPL-2.0
/*
 * String interning for replay: identifiers become u64 keys.  Replay of a
 * big trace is bound by cache misses here, so a string is one record in an
 * arena (its key is the record's offset + 1) and each slot of the table
 * carries a hash tag next to the offset: a lookup touches one slot and,
 * unless the tag differs, one record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intern.h"

#define OFF_BITS	40		/* arena up to 1 TiB */
#define OFF_MASK	((1ULL << OFF_BITS) - 1)

/* Arena record: __u32 length, the bytes, a NUL, padding to 4 bytes. */
#define REC_HDR		sizeof(__u32)

struct intern {
	char *arena;
	size_t used, cap;
	__u64 *slot;		/* tag << OFF_BITS | key, 0 = empty */
	size_t mask, n;
};

static __u64 hash(const char *s, size_t len)
{
	__u64 h = 0xcbf29ce484222325ULL;

	while (len--)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ h >> 32;
}

static __u64 tag(__u64 h)
{
	return h >> OFF_BITS << OFF_BITS;
}

static const char *rec_str(const struct intern *in, __u64 key, __u32 *len)
{
	const char *r = in->arena + key - 1;

	memcpy(len, r, REC_HDR);
	return r + REC_HDR;
}

static int rehash(struct intern *in)
{
	size_t size = (in->mask + 1) * 2, i, j;
	__u64 *slot = calloc(size, sizeof(*slot));
	const char *s;
	__u32 len;
	__u64 h;

	if (!slot)
		return -1;
	for (i = 0; i <= in->mask; i++) {
		if (!in->slot[i])
			continue;
		s = rec_str(in, in->slot[i] & OFF_MASK, &len);
		h = hash(s, len);
		for (j = h & (size - 1); slot[j]; j = (j + 1) & (size - 1))
			;
		slot[j] = in->slot[i];
	}
	free(in->slot);
	in->slot = slot;
	in->mask = size - 1;
	return 0;
}

__u64 intern_get(struct intern *in, const char *s, size_t len)
{
	size_t i, need = (REC_HDR + len + 1 + 3) & ~(size_t)3;
	__u64 h = hash(s, len), key;
	const char *r;
	__u32 rlen;

	for (i = h & in->mask; in->slot[i]; i = (i + 1) & in->mask) {
		if ((in->slot[i] ^ h) >> OFF_BITS)
			continue;
		key = in->slot[i] & OFF_MASK;
		r = rec_str(in, key, &rlen);
		if (rlen == len && !memcmp(r, s, len))
			return key;
	}
	if (len >= UINT32_MAX || in->used + need >= OFF_MASK)
		return 0;
	if (in->used + need > in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 1 << 16;
		char *p;

		while (cap < in->used + need)
			cap *= 2;
		p = realloc(in->arena, cap);
		if (!p)
			return 0;
		in->arena = p;
		in->cap = cap;
	}
	rlen = len;
	memcpy(in->arena + in->used, &rlen, REC_HDR);
	memcpy(in->arena + in->used + REC_HDR, s, len);
	memset(in->arena + in->used + REC_HDR + len, 0, need - REC_HDR - len);
	key = in->used + 1;
	in->used += need;
	in->slot[i] = tag(h) | key;
	/* Keep the load under 1/2. */
	if (++in->n * 2 > in->mask + 1 && rehash(in))
		return 0;
	return key;
}

const char *intern_str(const struct intern *in, __u64 key, size_t *len)
{
	const char *s;
	__u32 rlen;

	if (!key || key > in->used)
		return NULL;
	s = rec_str(in, key, &rlen);
	if (len)
		*len = rlen;
	return s;
}

struct intern *intern_new(void)
{
	struct intern *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	in->mask = 1023;
	in->slot = calloc(in->mask + 1, sizeof(*in->slot));
	if (!in->slot) {
		free(in);
		return NULL;
	}
	return in;
}

void intern_free(struct intern *in)
{
	if (!in)
		return;
	free(in->arena);
	free(in->slot);
	free(in);
}
