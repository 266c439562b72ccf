// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "numfmt.h"
#include "token.h"

/* Keyed mix of a kernel pointer. */
static __u64 token(__u64 key, __u64 ptr)
{
	__u64 x = ptr ^ key;

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return (x ^ (key >> 17)) & 0xffffffffffffULL;
}

int tokens_init(struct tokens *t, bool raw)
{
	t->raw = raw;
	/* With a key that can be guessed, the tokens give the pointers away. */
	if (getrandom(&t->key, sizeof(t->key), 0) == sizeof(t->key))
		return 0;
	fprintf(stderr, "iommufd-trace: no secret key for the pointer tokens: getrandom: %s\n",
		strerror(errno));
	return -1;
}

const char *tokens_fmt(void *arg, enum key_kind kind, __u64 key, char *buf,
		       size_t len)
{
	const struct tokens *t = arg;
	char digits[NUMFMT_MAX], *end = digits + sizeof(digits), *s;
	size_t n;

	if (t->raw) {
		s = fmt_0x(end, key);
	} else {
		s = fmt_hex(end, token(t->key, key), 12);
		*--s = key_prefix(kind);
	}
	n = end - s < (ptrdiff_t)len ? (size_t)(end - s) : len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}
