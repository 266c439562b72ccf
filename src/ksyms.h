/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel symbols from /proc/kallsyms, for stacks and probe checks. */
#ifndef KSYMS_H
#define KSYMS_H

#include <stdbool.h>
#include <stddef.h>

struct ksyms;

/* Returns NULL with errno set if /proc/kallsyms cannot be read. */
struct ksyms *ksyms_load(void);
void ksyms_free(struct ksyms *ks);
/*
 * "func+0x12/0x40" into @buf; the address in hex when symbols are hidden
 * (kptr_restrict); NULL when no symbol covers it (BPF trampolines, JIT images).
 */
const char *ksyms_format(const struct ksyms *ks, unsigned long long addr,
			 char *buf, size_t len);
bool ksyms_has(const struct ksyms *ks, const char *name);
/* The address of text symbol @name; 0 if absent or hidden (kptr_restrict). */
unsigned long long ksyms_addr(const struct ksyms *ks, const char *name);

#endif /* KSYMS_H */
