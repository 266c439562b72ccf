/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel symbols from /proc/kallsyms, for stacks and probe checks. */
#ifndef KSYMS_H
#define KSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct ksyms;

/* Returns NULL with errno set if /proc/kallsyms cannot be read. */
struct ksyms *ksyms_load(void);
/* The same from @f, in the format of /proc/kallsyms. */
struct ksyms *ksyms_read(FILE *f);
void ksyms_free(struct ksyms *ks);
/*
 * "func+0x12/0x40" into @buf: returns 0; -EACCES when the symbol is not
 * known (kptr_restrict hides the addresses, or none is below @addr), so
 * that @buf holds nothing: no address is printed here, it would leak
 * KASLR; -ENOENT when no symbol covers @addr (BPF trampolines, JIT images).
 */
int ksyms_format(const struct ksyms *ks, unsigned long long addr,
		 char *buf, size_t len);
bool ksyms_has(const struct ksyms *ks, const char *name);
/* Address of text symbol @name; 0 if absent or hidden (kptr_restrict). */
unsigned long long ksyms_addr(const struct ksyms *ks, const char *name);

#endif /* KSYMS_H */
