// SPDX-License-Identifier: GPL-2.0
/* Stack frames from kallsyms: names, or nothing that gives an address away. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "ksyms.h"
#include "test.h"

static struct ksyms *from(const char *kallsyms)
{
	FILE *f = fmemopen((void *)kallsyms, strlen(kallsyms), "r");
	struct ksyms *ks = ksyms_read(f);

	fclose(f);
	return ks;
}

static void named(void)
{
	struct ksyms *ks = from("ffffffff81000000 T a\n"
				"ffffffff81000040 D data\n"
				"ffffffff81000100 t b\t[mod]\n"
				"ffffffff81000200 T c\n");
	char buf[64];

	CHECK(ksyms_format(ks, 0xffffffff81000010ULL, buf, sizeof(buf)) == 0);
	CHECK(!strcmp(buf, "a+0x10/0x100"));
	CHECK(ksyms_format(ks, 0xffffffff81000100ULL, buf, sizeof(buf)) == 0);
	CHECK(!strcmp(buf, "b+0x0/0x100"));
	CHECK(ksyms_has(ks, "b") && !ksyms_has(ks, "data"));
	/* past the last symbol: a trampoline or JIT image, not a frame */
	CHECK(ksyms_format(ks, 0xffffffff81000300ULL, buf, sizeof(buf)) == -ENOENT);
	ksyms_free(ks);
}

/* kptr_restrict shows every address as 0: no name, and no address either. */
static void hidden(void)
{
	struct ksyms *ks = from("0000000000000000 T a\n0000000000000000 T b\n");
	char buf[64] = "";

	CHECK(ksyms_format(ks, 0xffffffff81234567ULL, buf, sizeof(buf)) == -EACCES);
	CHECK(!*buf);
	ksyms_free(ks);
	ks = from("ffffffff81000000 T a\nffffffff81000100 T b\n");
	CHECK(ksyms_format(ks, 0xffffffff80001234ULL, buf, sizeof(buf)) == -EACCES);
	CHECK(!*buf);
	ksyms_free(ks);
}

int main(void)
{
	RUN(named);
	RUN(hidden);
	return TEST_STATUS();
}
