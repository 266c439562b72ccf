/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Identifiers of kernel pointers as printed: a per-run token (a keyed mix:
 * stable within a run, no KASLR leak), or the pointer itself.
 */
#ifndef TOKEN_H
#define TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "vocab.h"

struct tokens {
	__u64 key;		/* the run's secret */
	bool raw;		/* print the pointers */
};

/* Returns -1, having said why, when no secret key can be had. */
int tokens_init(struct tokens *t, bool raw);
/* A report_cbs fmt_key, whose arg is a struct tokens. */
const char *tokens_fmt(void *arg, enum key_kind kind, __u64 key, char *buf,
		       size_t len);

#endif /* TOKEN_H */
