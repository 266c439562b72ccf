// SPDX-License-Identifier: GPL-2.0
/*
 * The command's KTAP lines, the test each finding is given, and our KTAP
 * report.  With "--sample FILE" writes a report for the kunit.py test
 * (tests/unit/ktap-kunit.sh) instead.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "attrib.h"
#include "test.h"

#define TOMB "iommufd_viommu.mock_viommu.vdevice_tombstone"

static bool name_is(const struct ktap_line *l, const char *name)
{
	return l->name_len == strlen(name) && !memcmp(l->name, name, l->name_len);
}

static struct ktap_line parse(const char *s)
{
	struct ktap_line l;

	ktap_parse(s, strlen(s), &l);
	return l;
}

static void lines_of_ktap_and_kselftest(void)
{
	struct ktap_line l;

	CHECK(parse("TAP version 13").kind == KTAP_VERSION);
	CHECK(parse("KTAP version 1").kind == KTAP_VERSION);
	CHECK(parse("KTAP version x").kind == KTAP_OTHER);
	CHECK(parse("1..246").kind == KTAP_PLAN);
	CHECK(parse("1..").kind == KTAP_OTHER);
	l = parse("ok 1 iommufd.simple_close");
	CHECK(l.kind == KTAP_RESULT && l.ok && name_is(&l, "iommufd.simple_close") &&
	      !l.directive && !l.skip);
	l = parse("not ok 201 " TOMB);
	CHECK(l.kind == KTAP_RESULT && !l.ok && name_is(&l, TOMB));
	l = parse("ok 12 - dash # SKIP Skipping test for variant no_viommu");
	CHECK(l.kind == KTAP_RESULT && l.ok && name_is(&l, "dash") && l.skip &&
	      l.directive_len == strlen("SKIP Skipping test for variant no_viommu"));
	l = parse("ok 3 x # XFAIL not yet");
	CHECK(l.kind == KTAP_RESULT && name_is(&l, "x") && !l.skip && l.directive);
	l = parse("ok 4 # skip");
	CHECK(l.kind == KTAP_RESULT && name_is(&l, "") && l.skip);
	l = parse("ok 5 a#b");
	CHECK(l.kind == KTAP_RESULT && name_is(&l, "a#b") && !l.directive);
	l = parse("#  RUN           " TOMB " ...");
	CHECK(l.kind == KTAP_RUN && name_is(&l, TOMB));
	l = parse("#            OK  " TOMB);
	CHECK(l.kind == KTAP_OTHER);
	/* A subtest's, a word that only starts like one, a diagnostic. */
	CHECK(parse("    ok 1 nested").kind == KTAP_OTHER);
	CHECK(parse("ok 1x").kind == KTAP_OTHER);
	CHECK(parse("okay 1 x").kind == KTAP_OTHER);
	CHECK(parse("ok x").kind == KTAP_OTHER);
	CHECK(parse("# Totals: pass:1 fail:0").kind == KTAP_OTHER);
}

/* What the attribution hands on. */
static struct finding got[16];
static size_t ngot;

static void on_finding(void *arg, const struct finding *f)
{
	(void)arg;
	if (ngot < 16)
		got[ngot++] = *f;
}

static const struct model_sink catch = { .finding = on_finding };

static struct attrib *new_attrib(bool marks)
{
	ngot = 0;
	return attrib_new(&catch, NULL, marks);
}

/* The command writes @s (whole lines); we read it at once. */
static __u64 out_pos;

static void write_read(struct attrib *a, const char *s)
{
	const char *nl;

	attrib_written(a, strlen(s));
	for (; (nl = strchr(s, '\n')); s = nl + 1) {
		out_pos += nl + 1 - s;
		attrib_line(a, s, nl - s, out_pos);
	}
	attrib_read(a, out_pos);
}

static void finding(struct attrib *a, __u32 id)
{
	struct finding f = { .type = FINDING_ORPHAN, .id = id };

	attrib_sink.finding(a, &f);
}

static bool got_test(size_t i, const char *test)
{
	return i < ngot && (test ? got[i].test && !strcmp(got[i].test, test) :
			    !got[i].test);
}

/* The first result line printed after the event names the test. */
static void finding_waits_for_its_result(void)
{
	struct attrib *a = new_attrib(true);

	out_pos = 0;
	write_read(a, "TAP version 13\n1..2\n#  RUN           t1 ...\n");
	finding(a, 1);
	CHECK(ngot == 0);
	write_read(a, "# t1: a diagnostic\n");
	CHECK(ngot == 0);
	write_read(a, "ok 1 t1\n#  RUN           t2 ...\n");
	CHECK(got_test(0, "t1") && got[0].id == 1);
	finding(a, 2);
	finding(a, 3);
	write_read(a, "not ok 2 t2\n");
	CHECK(ngot == 3 && got_test(1, "t2") && got_test(2, "t2"));
	attrib_finish(a);
	CHECK(ngot == 3 && !attrib_error(a));
	attrib_free(a);
}

/*
 * Read late: a result line written before the event, read after it, is
 * not its test; the ring's marks say where the event was.
 */
static void a_line_read_late_is_not_after(void)
{
	struct attrib *a = new_attrib(true);
	const char *early = "TAP version 13\nok 1 t1\n";

	attrib_written(a, strlen(early));
	finding(a, 1);
	CHECK(ngot == 0);
	attrib_line(a, "TAP version 13", 14, 15);
	attrib_line(a, "ok 1 t1", 7, 23);
	attrib_read(a, 23);
	CHECK(ngot == 0);
	attrib_written(a, 8);
	attrib_line(a, "ok 2 t2", 7, 31);
	attrib_read(a, 31);
	CHECK(ngot == 1 && got_test(0, "t2"));
	attrib_free(a);
}

/* Nothing of KTAP before the event: no test, once the output up to it is read. */
static void no_ktap_no_test(void)
{
	struct attrib *a = new_attrib(true);

	attrib_written(a, 6);
	finding(a, 1);
	CHECK(ngot == 0);
	attrib_line(a, "hello", 5, 6);
	attrib_read(a, 6);
	CHECK(ngot == 1 && got_test(0, NULL));
	/* KTAP only later: its first test was not running yet. */
	attrib_written(a, 15);
	attrib_line(a, "TAP version 13", 14, 21);
	attrib_read(a, 21);
	finding(a, 2);
	attrib_written(a, 8);
	attrib_line(a, "ok 1 t1", 7, 29);
	attrib_read(a, 29);
	CHECK(ngot == 2 && got_test(1, "t1"));
	attrib_free(a);
}

/* The command ended inside a test it announced: that test. */
static void ended_inside_a_test(void)
{
	struct attrib *a = new_attrib(true);

	out_pos = 0;
	write_read(a, "TAP version 13\nok 1 t1\n");
	finding(a, 1);
	attrib_finish(a);
	CHECK(ngot == 1 && got_test(0, NULL));
	attrib_free(a);

	a = new_attrib(true);
	out_pos = 0;
	write_read(a, "TAP version 13\n#  RUN           t1 ...\n");
	finding(a, 1);
	CHECK(ngot == 0);
	attrib_finish(a);
	CHECK(ngot == 1 && got_test(0, "t1"));
	attrib_free(a);
}

/* Without marks nothing can be placed: at once, no test. */
static void without_marks(void)
{
	struct attrib *a = new_attrib(false);

	attrib_line(a, "TAP version 13", 14, 15);
	finding(a, 1);
	CHECK(ngot == 1 && got_test(0, NULL));
	attrib_free(a);
}

/* Tests in order, with the command's SKIP and the findings' count. */
static void tests_as_the_command_printed_them(void)
{
	struct attrib *a = new_attrib(true);
	const struct ktap_test *t;
	size_t n;

	out_pos = 0;
	write_read(a, "TAP version 13\n#  RUN           t1 ...\n");
	finding(a, 1);
	write_read(a, "not ok 1 t1\nok 2 t2 # SKIP no vIOMMU\n#  RUN           t3 ...\n");
	attrib_finish(a);
	t = attrib_tests(a, &n);
	CHECK(n == 3);
	CHECK(!strcmp(t[0].name, "t1") && t[0].nfindings == 1 && !t[0].skip && t[0].result_end);
	CHECK(!strcmp(t[1].name, "t2") && !t[1].nfindings && t[1].skip &&
	      !strcmp(t[1].skip, "SKIP no vIOMMU"));
	CHECK(!strcmp(t[2].name, "t3") && !t[2].result_end);
	attrib_findings(a, &n);
	CHECK(n == 1);
	attrib_free(a);
}

static char *ktap_of(struct attrib *a, enum verdict verdict)
{
	struct model_summary sum = { .events = 9, .orphans = 1, .verdict = verdict };
	const struct ktap_test *tests;
	const struct finding *fs;
	size_t nt, nf, len;
	char *buf;
	FILE *f = open_memstream(&buf, &len);

	tests = attrib_tests(a, &nt);
	fs = attrib_findings(a, &nf);
	CHECK(!ktap_write(f, tests, nt, fs, nf, &sum, NULL, NULL));
	fclose(f);
	return buf;
}

static void ktap_report(void)
{
	struct attrib *a = new_attrib(true);
	char *out;

	out_pos = 0;
	write_read(a, "TAP version 13\n1..2\n#  RUN           t1 ...\nok 1 t1\n");
	finding(a, 8);
	write_read(a, "not ok 2 t#2\nok 3 t3 # SKIP why\n");
	attrib_finish(a);
	out = ktap_of(a, VERDICT_FINDINGS);
	CHECK(!strcmp(out,
		"KTAP version 1\n"
		"1..3\n"
		"ok 1 t1\n"
		"# FINDING orphaned_vdevice: vdevice 8 (virt_id 0x0) of device 0 in ictx 0x0 outlived its unbind (task unknown) [vdev 0x0 idev 0x0]\n"
		"not ok 2 t?2\n"
		"ok 3 t3 # SKIP why\n"
		"# summary: 9 events, 1 orphans, 0 outlived parents, 0 leaks, 0 untracked, 0 found at start, 0 lost, 0 live at end\n"
		"# objects: none\n"
		"# snapshot: none in this trace\n"
		"# verdict: findings\n"));
	free(out);
	attrib_free(a);
}

/* Findings in no test, or an inconclusive run: our own last result. */
static void ktap_own_result(void)
{
	struct attrib *a = new_attrib(false);
	char *out;

	attrib_line(a, "ok 1 t1", 7, 8);
	finding(a, 8);
	attrib_finish(a);
	out = ktap_of(a, VERDICT_INCONCLUSIVE);
	CHECK(strstr(out, "1..2\nok 1 t1\n# 1 findings in no test of the command\n# FINDING"));
	CHECK(strstr(out, "# events were lost or a probe is missing: the verdict is inconclusive\n"
		      "not ok 2 iommufd-trace\n# summary:"));
	free(out);
	attrib_free(a);
}

static char *report_of(enum report_format format, const char *test)
{
	const struct report_opts opts = { .format = format };
	struct finding f = { .type = FINDING_ORPHAN, .id = 8, .test = test };
	struct report *r;
	size_t len;
	char *buf;
	FILE *out = open_memstream(&buf, &len);

	r = report_new(out, &opts, NULL, NULL);
	report_finding(r, &f);
	report_free(r);
	fclose(out);
	return buf;
}

/* The test in JSON and in text when it is known, nothing when not. */
static void a_finding_with_its_test(void)
{
	char *s;

	s = report_of(REPORT_JSON, "t\"1");
	CHECK(strstr(s, ",\"test\":\"t\\\"1\"}\n"));
	free(s);
	s = report_of(REPORT_JSON, NULL);
	CHECK(!strstr(s, "\"test\""));
	free(s);
	s = report_of(REPORT_TEXT, "t\n1");
	CHECK(!strncmp(s, "FINDING orphaned_vdevice in test t\\x0a1: vdevice 8 ", 51));
	free(s);
	s = report_of(REPORT_TEXT, NULL);
	CHECK(!strncmp(s, "FINDING orphaned_vdevice: vdevice 8 ", 36));
	free(s);
}

/* A report of the kind check --ktap -- iommufd writes, for kunit.py. */
static int write_sample(const char *path)
{
	struct attrib *a = new_attrib(true);
	FILE *f = fopen(path, "w");
	char *out;

	if (!f)
		return 2;
	out_pos = 0;
	write_read(a, "TAP version 13\n1..4\n# Starting 4 tests from 2 test cases.\n"
		   "#  RUN           iommufd.simple_close ...\n"
		   "#            OK  iommufd.simple_close\nok 1 iommufd.simple_close\n"
		   "#  RUN           " TOMB " ...\n");
	finding(a, 8);
	write_read(a, "#            FAIL  " TOMB "\nnot ok 2 " TOMB "\n"
		   "#  RUN           iommufd_viommu.no_viommu.vdevice_tombstone ...\n"
		   "ok 3 iommufd_viommu.no_viommu.vdevice_tombstone # SKIP Skipping test for variant no_viommu\n"
		   "#  RUN           iommufd_viommu.mock_viommu.vdevice_cache ...\n");
	finding(a, 9);
	write_read(a, "ok 4 iommufd_viommu.mock_viommu.vdevice_cache\n");
	attrib_finish(a);
	out = ktap_of(a, VERDICT_FINDINGS);
	fputs(out, f);
	free(out);
	attrib_free(a);
	return fclose(f) ? 2 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--sample"))
		return write_sample(argv[2]);
	RUN(lines_of_ktap_and_kselftest);
	RUN(finding_waits_for_its_result);
	RUN(a_line_read_late_is_not_after);
	RUN(no_ktap_no_test);
	RUN(ended_inside_a_test);
	RUN(without_marks);
	RUN(tests_as_the_command_printed_them);
	RUN(ktap_report);
	RUN(ktap_own_result);
	RUN(a_finding_with_its_test);
	return TEST_STATUS();
}
