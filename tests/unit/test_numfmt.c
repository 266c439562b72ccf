// SPDX-License-Identifier: GPL-2.0
/* The number writers of the report and the pointer tokens, against printf. */
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "test.h"
#include "token.h"

/* Values where digits carry: 0, each power of 2 and 10 and one less, the top. */
static __u64 edge(int i)
{
	static const __u64 tens[] = { 1, 10, 100, 1000000, 1000000000,
				      10000000000000000000ULL };

	if (i < 64)
		return 1ULL << i;
	if (i < 128)
		return (1ULL << (i - 64)) - 1;
	if (i < 128 + 6)
		return tens[i - 128];
	return ~0ULL - (i - 128 - 6);
}

#define NEDGES (128 + 6 + 4)

static const char *dec(__u64 v, int width)
{
	static char buf[NUMFMT_MAX + 1];
	char *end = buf + NUMFMT_MAX;

	*end = '\0';
	return fmt_dec(end, v, width);
}

static const char *hex(__u64 v, int width)
{
	static char buf[NUMFMT_MAX + 1];
	char *end = buf + NUMFMT_MAX;

	*end = '\0';
	return fmt_hex(end, v, width);
}

static const char *hex0x(__u64 v)
{
	static char buf[NUMFMT_MAX + 1];
	char *end = buf + NUMFMT_MAX;

	*end = '\0';
	return fmt_0x(end, v);
}

static void test_like_printf(void)
{
	char want[64];
	__u64 v;
	int i;

	srandom(1);
	for (i = 0; i < NEDGES + 100000; i++) {
		v = i < NEDGES ? edge(i) :
		    ((__u64)random() << 33 ^ (__u64)random() << 11 ^ random()) >> (i % 64);
		snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
		CHECK(!strcmp(dec(v, 1), want));
		snprintf(want, sizeof(want), "%06llu", (unsigned long long)v);
		CHECK(!strcmp(dec(v, 6), want));
		snprintf(want, sizeof(want), "%llx", (unsigned long long)v);
		CHECK(!strcmp(hex(v, 1), want));
		snprintf(want, sizeof(want), "%012llx", (unsigned long long)v);
		CHECK(!strcmp(hex(v, 12), want));
		snprintf(want, sizeof(want), "0x%llx", (unsigned long long)v);
		CHECK(!strcmp(hex0x(v), want));
	}
}

static bool is_token(const char *s, char prefix)
{
	size_t i;

	if (s[0] != prefix || strlen(s) != 13)
		return false;
	for (i = 1; i < 13; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return false;
	return true;
}

static void test_tokens(void)
{
	struct tokens t, raw;
	char a[32], b[32], c[32];

	CHECK(!tokens_init(&t, false));
	CHECK(!tokens_init(&raw, true));
	tokens_fmt(&t, KEY_VDEV, 0xffff888012345678ULL, a, sizeof(a));
	tokens_fmt(&t, KEY_VDEV, 0xffff888012345678ULL, b, sizeof(b));
	tokens_fmt(&t, KEY_VDEV, 0xffff888012345679ULL, c, sizeof(c));
	CHECK(is_token(a, key_prefix(KEY_VDEV)));
	CHECK(!strcmp(a, b));		/* stable within a run */
	CHECK(strcmp(a, c));		/* and one a pointer */
	CHECK(!strstr(a, "12345678"));	/* no pointer in it */
	tokens_fmt(&t, KEY_ICTX, 0, a, sizeof(a));
	CHECK(is_token(a, key_prefix(KEY_ICTX)));
	tokens_fmt(&raw, KEY_VDEV, 0xffff888012345678ULL, a, sizeof(a));
	CHECK(!strcmp(a, "0xffff888012345678"));
	tokens_fmt(&raw, KEY_VDEV, 0xffff888012345678ULL, a, 5);
	CHECK(!strcmp(a, "0xff"));	/* cut as snprintf cuts */
}

int main(void)
{
	RUN(test_like_printf);
	RUN(test_tokens);
	return TEST_STATUS();
}
