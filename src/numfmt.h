/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Numbers as text without printf: every event of a live trace prints
 * several, and the printf family costs the tracer more than its model.
 * Each writes the digits of @v so that they end just before @end and
 * returns where they start.
 */
#ifndef NUMFMT_H
#define NUMFMT_H

#include <linux/types.h>

/* Room for any __u64 in any of these forms. */
#define NUMFMT_MAX 20

/* Zero-padded to at least @width digits. */
static inline char *fmt_dec(char *end, __u64 v, int width)
{
	char *stop = end - width;

	do {
		*--end = '0' + v % 10;
		v /= 10;
	} while (v || end > stop);
	return end;
}

/* Lower-case, zero-padded to at least @width digits. */
static inline char *fmt_hex(char *end, __u64 v, int width)
{
	char *stop = end - width;

	do {
		*--end = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v || end > stop);
	return end;
}

/* "0x" and the digits, as printf's "%#llx" but for 0. */
static inline char *fmt_0x(char *end, __u64 v)
{
	char *s = fmt_hex(end, v, 1);

	*--s = 'x';
	*--s = '0';
	return s;
}

#endif /* NUMFMT_H */
