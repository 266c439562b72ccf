// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE /* open_memstream */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ktap.h"

/* The last result, for what belongs to no test of the command. */
#define OWN_RESULT "iommufd-trace"

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

/* @len bytes of text lines, each as a diagnostic line. */
static void diag_lines(FILE *out, const char *buf, size_t len)
{
	const char *end = buf + len, *nl;

	while (buf < end) {
		nl = memchr(buf, '\n', end - buf);
		if (!nl)
			nl = end;
		fprintf(out, "# %.*s\n", (int)(nl - buf), buf);
		buf = nl + 1;
	}
}

/* Finding @f, or else summary @sum, as the text report says it, in "# " lines. */
static int diag_report(FILE *out, const struct finding *f,
		       const struct model_summary *sum,
		       const struct report_cbs *cbs, void *cb_arg)
{
	const struct report_opts text = { .format = REPORT_TEXT };
	struct report *r;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	struct finding g;

	if (!mem)
		return -errno;
	r = report_new(mem, &text, cbs, cb_arg);
	if (r && f) {
		/* The test is where it is printed. */
		g = *f;
		g.test = NULL;
		report_finding(r, &g);
	} else if (r) {
		report_summary(r, sum);
	}
	report_free(r);
	if (fclose(mem) || !r) {
		free(buf);
		return -ENOMEM;
	}
	diag_lines(out, buf, len);
	free(buf);
	return 0;
}

/* A test name as a KTAP description: one line, and no '#' that would start a directive. */
static void put_name(FILE *out, const char *name)
{
	for (; *name; name++)
		fputc(*name == '#' || (unsigned char)*name < 0x20 ? '?' : *name, out);
}

static int diag_findings(FILE *out, const char *test,
			 const struct finding *findings, size_t nfindings,
			 const struct report_cbs *cbs, void *cb_arg)
{
	size_t i;
	int err;

	for (i = 0; i < nfindings; i++) {
		if (findings[i].test != test)
			continue;
		err = diag_report(out, &findings[i], NULL, cbs, cb_arg);
		if (err)
			return err;
	}
	return 0;
}

int ktap_write(FILE *out, const struct ktap_test *tests, size_t ntests,
	       const struct finding *findings, size_t nfindings,
	       const struct model_summary *sum,
	       const struct report_cbs *cbs, void *cb_arg)
{
	const struct ktap_test *t;
	size_t i, outside = 0;
	int err;

	for (i = 0; i < nfindings; i++)
		outside += !findings[i].test;
	fprintf(out, "KTAP version 1\n1..%zu\n",
		ntests + (outside || sum->verdict == VERDICT_INCONCLUSIVE));
	for (t = tests; t < tests + ntests; t++) {
		if (t->nfindings) {
			err = diag_findings(out, t->name, findings, nfindings, cbs, cb_arg);
			if (err)
				return err;
		}
		if (!t->result_end)
			fputs("# the command printed no result for this test\n", out);
		fprintf(out, "%s %zu ", t->nfindings ? "not ok" : "ok", t - tests + 1);
		put_name(out, t->name);
		if (t->skip && !t->nfindings)
			fprintf(out, " # %s", t->skip);
		fputc('\n', out);
	}
	if (outside || sum->verdict == VERDICT_INCONCLUSIVE) {
		if (outside)
			fprintf(out, "# %zu findings in no test of the command\n", outside);
		err = diag_findings(out, NULL, findings, nfindings, cbs, cb_arg);
		if (err)
			return err;
		if (sum->verdict == VERDICT_INCONCLUSIVE)
			fputs("# events were lost or a probe is missing: the verdict is inconclusive\n", out);
		fprintf(out, "not ok %zu " OWN_RESULT "\n", ntests + 1);
	}
	return diag_report(out, NULL, sum, cbs, cb_arg);
}
