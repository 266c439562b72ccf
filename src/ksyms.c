// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"

/* No kernel function is this long. */
#define KSYM_MAX_REACH (1ULL << 20)

struct ksym {
	unsigned long long addr;
	char *name;
};

struct ksyms {
	struct ksym *syms;
	size_t nr;
};

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int ksyms_add(struct ksyms *ks, size_t *cap, unsigned long long addr,
		     const char *name)
{
	struct ksym *grown;

	if (ks->nr == *cap) {
		*cap = *cap ? *cap * 2 : 4096;
		grown = realloc(ks->syms, *cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		ks->syms = grown;
	}
	ks->syms[ks->nr].addr = addr;
	ks->syms[ks->nr].name = strdup(name);
	if (!ks->syms[ks->nr].name)
		return -ENOMEM;
	ks->nr++;
	return 0;
}

struct ksyms *ksyms_read(FILE *f)
{
	char name[256], type;
	unsigned long long addr;
	struct ksyms *ks;
	size_t cap = 0;
	int err = 0;

	ks = calloc(1, sizeof(*ks));
	if (!ks)
		return NULL;
	/* Text symbols only; the module name column is dropped. */
	while (!err && fscanf(f, "%llx %c %255s%*[^\n]", &addr, &type, name) == 3)
		if (type == 't' || type == 'T')
			err = ksyms_add(ks, &cap, addr, name);
	if (err) {
		ksyms_free(ks);
		errno = -err;
		return NULL;
	}
	qsort(ks->syms, ks->nr, sizeof(*ks->syms), ksym_cmp);
	return ks;
}

struct ksyms *ksyms_load(void)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	struct ksyms *ks;

	if (!f)
		return NULL;
	ks = ksyms_read(f);
	fclose(f);
	return ks;
}

void ksyms_free(struct ksyms *ks)
{
	size_t i;

	if (!ks)
		return;
	for (i = 0; i < ks->nr; i++)
		free(ks->syms[i].name);
	free(ks->syms);
	free(ks);
}

int ksyms_format(const struct ksyms *ks, unsigned long long addr,
		 char *buf, size_t len)
{
	size_t lo = 0, hi = ks ? ks->nr : 0, mid;
	const struct ksym *sym, *next;

	/* Last symbol at or below addr; kptr_restrict hides all as 0. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || !ks->syms[lo - 1].addr)
		return -EACCES;
	sym = &ks->syms[lo - 1];
	/*
	 * BPF trampolines and JIT images are not in kallsyms: an address past
	 * the last symbol, or far past the one below it, has no name.
	 */
	if (lo == ks->nr || addr - sym->addr >= KSYM_MAX_REACH)
		return -ENOENT;
	next = &ks->syms[lo];
	snprintf(buf, len, "%s+0x%llx/0x%llx", sym->name, addr - sym->addr,
		 next->addr - sym->addr);
	return 0;
}

static const struct ksym *ksyms_find(const struct ksyms *ks, const char *name)
{
	size_t i;

	for (i = 0; i < ks->nr; i++)
		if (!strcmp(ks->syms[i].name, name))
			return &ks->syms[i];
	return NULL;
}

bool ksyms_has(const struct ksyms *ks, const char *name)
{
	return ksyms_find(ks, name);
}

unsigned long long ksyms_addr(const struct ksyms *ks, const char *name)
{
	const struct ksym *sym = ksyms_find(ks, name);

	return sym ? sym->addr : 0;
}
