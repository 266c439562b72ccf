/* SPDX-License-Identifier: GPL-2.0 */
/*
 * String interning: equal byte strings get the same key, different ones
 * different keys; key 0 is never used, so it can mean "absent".  Strings
 * are kept until intern_free().  Pointers returned by intern_str() stay
 * valid until the next intern_get().
 */
#ifndef INTERN_H
#define INTERN_H

#include <stddef.h>
#include <linux/types.h>

struct intern;

struct intern *intern_new(void);
/* Returns the key of @len bytes at @s (may hold NULs), 0 on ENOMEM. */
__u64 intern_get(struct intern *in, const char *s, size_t len);
/* NUL-terminated string of @key (from intern_get()), its length in *@len if @len. */
const char *intern_str(const struct intern *in, __u64 key, size_t *len);
void intern_free(struct intern *in);

#endif /* INTERN_H */
