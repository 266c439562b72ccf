// SPDX-License-Identifier: GPL-2.0
/* Interning table: stable keys across growth, byte strings with NULs. */
#include <stdlib.h>
#include <string.h>

#include "intern.h"
#include "test.h"

static void keys_stable(void)
{
	const int n = 100000;
	struct intern *in = intern_new();
	__u64 *keys = calloc(n, sizeof(*keys));
	char buf[32];
	size_t len;
	int i;

	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "obj%d", i);
		keys[i] = intern_get(in, buf, strlen(buf));
		CHECK(keys[i] && (!i || keys[i] != keys[i - 1]));
	}
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "obj%d", i);
		CHECK(intern_get(in, buf, strlen(buf)) == keys[i]);
		CHECK(!strcmp(intern_str(in, keys[i], &len), buf));
		CHECK(len == strlen(buf));
	}
	CHECK(!intern_str(in, 0, NULL) && !intern_str(in, 1ULL << 40, NULL));
	free(keys);
	intern_free(in);
}

static void embedded_nul(void)
{
	struct intern *in = intern_new();
	__u64 a = intern_get(in, "f1\0f2", 6), b = intern_get(in, "f1", 3);
	size_t len;

	CHECK(a && b && a != b);
	CHECK(intern_get(in, "f1\0f2", 6) == a);
	CHECK(!memcmp(intern_str(in, a, &len), "f1\0f2", 6) && len == 6);
	intern_free(in);
}

int main(void)
{
	RUN(keys_stable);
	RUN(embedded_nul);
	return TEST_STATUS();
}
