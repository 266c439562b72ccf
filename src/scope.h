/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scope of bpf/scope.bpf.h from user space: whom to trace, and
 * whether any context of theirs is still open.
 */
#ifndef SCOPE_H
#define SCOPE_H

#include <stdbool.h>
#include <linux/types.h>

struct tracer;

/* Traces this process, so that the command it forks next is traced from its birth. */
int scope_add_self(const struct tracer *t);
/* Keeps every event on @ictx from now on: a context a traced task holds already. */
int scope_add_ctx(const struct tracer *t, __u64 ictx);
/* Is a context of the traced tasks still open? */
bool scope_ctxs_open(const struct tracer *t);

#endif /* SCOPE_H */
