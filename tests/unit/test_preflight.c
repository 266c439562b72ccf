// SPDX-License-Identifier: GPL-2.0
/* Where preflight finds iommufd's code: built in, a module, or neither. */
#include "preflight.h"
#include "test.h"

static const struct {
	const char *name;
	struct iommufd_facts facts;
	enum iommufd_place want;
} cases[] = {
	{ "built in", { .in_kallsyms = true, .vmlinux_btf = true }, PLACE_BUILT_IN },
	/* The driver core's types in vmlinux BTF do not make it built in. */
	{ "module, loaded", { .in_kallsyms = true, .module_btf = true,
			      .module_file = true }, PLACE_MODULE },
	{ "module, not loaded", { .module_file = true }, PLACE_NOT_LOADED },
	{ "no iommufd at all", { 0 }, PLACE_ABSENT },
	{ "module without BTF", { .in_kallsyms = true, .module_file = true },
	  PLACE_NO_BTF },
	{ "built in without BTF", { .in_kallsyms = true }, PLACE_NO_BTF },
};

static void places(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum iommufd_place got = iommufd_place(&cases[i].facts);

		if (got != cases[i].want)
			printf("#   %s: place %d, want %d\n", cases[i].name,
			       got, cases[i].want);
		CHECK(got == cases[i].want);
	}
}

int main(void)
{
	RUN(places);
	return TEST_STATUS();
}
