// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <strings.h>

#include "ktap.h"

static size_t digits(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

/* @s is @prefix and a number, nothing else. */
static bool prefix_number(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len > n && !memcmp(s, prefix, n) && digits(s + n, len - n) == len - n;
}

static size_t skip_spaces(const char *s, size_t len, size_t i)
{
	while (i < len && s[i] == ' ')
		i++;
	return i;
}

static size_t trim_end(const char *s, size_t from, size_t to)
{
	while (to > from && (s[to - 1] == ' ' || s[to - 1] == '\t' || s[to - 1] == '\r'))
		to--;
	return to;
}

/* kselftest_harness.h: ksft_print_msg(" RUN           %s ...\n", name) */
static bool run_line(const char *s, size_t len, struct ktap_line *l)
{
	static const char prefix[] = "#  RUN ", suffix[] = " ...";
	size_t i = sizeof(prefix) - 1, end = trim_end(s, 0, len);

	if (len < i || memcmp(s, prefix, i))
		return false;
	i = skip_spaces(s, len, i);
	if (end - i > sizeof(suffix) - 1 &&
	    !memcmp(s + end - (sizeof(suffix) - 1), suffix, sizeof(suffix) - 1))
		end -= sizeof(suffix) - 1;
	if (end <= i)
		return false;
	l->kind = KTAP_RUN;
	l->name = s + i;
	l->name_len = end - i;
	return true;
}

/* "ok|not ok NUMBER [- ][name][ # directive]" */
static void result_line(const char *s, size_t len, struct ktap_line *l)
{
	size_t i, n, name_end, hash;

	if (len >= 3 && !memcmp(s, "ok ", 3)) {
		l->ok = true;
		i = 3;
	} else if (len >= 7 && !memcmp(s, "not ok ", 7)) {
		i = 7;
	} else {
		return;
	}
	n = digits(s + i, len - i);
	if (!n || (i + n < len && s[i + n] != ' '))
		return;
	i = skip_spaces(s, len, i + n);
	if (len - i >= 2 && !memcmp(s + i, "- ", 2))
		i += 2;
	/* The directive starts at a '#' that starts a word. */
	for (hash = i; hash < len; hash++)
		if (s[hash] == '#' && (hash == i || s[hash - 1] == ' '))
			break;
	name_end = trim_end(s, i, hash);
	l->kind = KTAP_RESULT;
	l->name = s + i;
	l->name_len = name_end - i;
	if (hash < len) {
		i = skip_spaces(s, len, hash + 1);
		l->directive = s + i;
		l->directive_len = trim_end(s, i, len) - i;
		l->skip = l->directive_len >= 4 && !strncasecmp(l->directive, "skip", 4) &&
			  (l->directive_len == 4 || l->directive[4] == ' ');
	}
}

void ktap_parse(const char *s, size_t len, struct ktap_line *l)
{
	memset(l, 0, sizeof(*l));
	if (prefix_number(s, len, "KTAP version ") ||
	    prefix_number(s, len, "TAP version "))
		l->kind = KTAP_VERSION;
	else if (prefix_number(s, len, "1.."))
		l->kind = KTAP_PLAN;
	else if (!run_line(s, len, l))
		result_line(s, len, l);
}
