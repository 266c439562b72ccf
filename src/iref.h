/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reference to entry i of a table or pool, stored as i + 1 so that 0,
 * what zeroed memory holds, means none.
 */
#ifndef IREF_H
#define IREF_H

#include <linux/types.h>

typedef __u32 iref;

static inline iref iref_of(__u32 idx)
{
	return idx + 1;
}

/* @r must not be 0. */
static inline __u32 iref_idx(iref r)
{
	return r - 1;
}

#endif /* IREF_H */
