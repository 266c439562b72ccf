// SPDX-License-Identifier: GPL-2.0
/* Replay parser and output, on in-memory traces. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "replay.h"
#include "test.h"

struct result {
	int status;
	char *out;
	char *err;
};

/* @len bytes of @input, which can hold NULs. */
static struct result replay_len(const char *input, size_t len,
				enum report_format format)
{
	struct report_opts opts = { .format = format };
	struct result res;
	size_t olen, elen;
	FILE *in = fmemopen((void *)input, len, "r");
	FILE *out = open_memstream(&res.out, &olen);
	FILE *err = open_memstream(&res.err, &elen);

	res.status = replay_file(in, "t.jsonl", out, err, &opts);
	fclose(in);
	fclose(out);
	fclose(err);
	return res;
}

static struct result replay(const char *input, enum report_format format)
{
	return replay_len(input, strlen(input), format);
}

static void result_free(struct result *res)
{
	free(res->out);
	free(res->err);
}

#define BIND	"{\"ev\":\"bind\",\"ts\":1,\"ictx\":\"c1\",\"idev\":\"d1\",\"id\":1,\"dev\":\"p1\"}\n"

static const char orphan_trace[] =
	BIND
	"{\"ev\":\"vdev_alloc\",\"ts\":2,\"ictx\":\"c1\",\"vdev\":\"v1\",\"id\":3,\"virt_id\":153,\"dev\":\"p1\"}\n"
	"{\"ev\":\"unbind\",\"ts\":3,\"ictx\":\"c1\",\"idev\":\"d1\",\"pid\":42,\"comm\":\"iommufd\",\"stack\":[\"f1+0x1/0x2\",\"f2+0x3/0x4\"]}\n"
	"{\"ev\":\"unbind_done\",\"ts\":4,\"ictx\":\"c1\",\"idev\":\"d1\"}\n"
	"{\"ev\":\"vdev_destroy\",\"ts\":10,\"ictx\":\"c1\",\"vdev\":\"v1\"}\n";

static const struct {
	const char *line;
	const char *msg;
} malformed[] = {
	{ "{\"ev\":\"bind\"", "invalid JSON: '}' expected near end of file" },
	{ "{\"ev\":\"bind\",\"ts\":1,\"ts\":2}", "invalid JSON: duplicate object key near '\"ts\"'" },
	{ "[1,2]", "expected a JSON object" },
	{ "{\"ts\":1}", "missing \"ev\"" },
	{ "{\"ev\":5,\"ts\":1}", "\"ev\" must be a string" },
	{ "{\"ev\":\"bind\",\"ictx\":\"c1\",\"idev\":\"d1\",\"id\":1}", "event \"bind\" needs \"ts\"" },
	{ "{\"ev\":\"unbind\",\"ts\":-1,\"ictx\":\"c1\",\"idev\":\"d1\"}", "\"ts\" must be a non-negative integer" },
	{ "{\"ev\":\"unbind\",\"ts\":1.5,\"ictx\":\"c1\",\"idev\":\"d1\"}", "\"ts\" must be a non-negative integer" },
	{ "{\"ev\":\"unbind\",\"ts\":\"01\",\"ictx\":\"c1\",\"idev\":\"d1\"}", "\"ts\" must be a non-negative integer" },
	{ "{\"ev\":\"unbind\",\"ts\":\"1x\",\"ictx\":\"c1\",\"idev\":\"d1\"}", "\"ts\" must be a non-negative integer" },
	{ "{\"ev\":\"unbind\",\"ts\":\"-1\",\"ictx\":\"c1\",\"idev\":\"d1\"}", "\"ts\" must be a non-negative integer" },
	{ "{\"ev\":\"unbind\",\"ts\":\"\",\"ictx\":\"c1\",\"idev\":\"d1\"}", "\"ts\" must be a non-negative integer" },
	{ "{\"ev\":\"unbind\",\"ts\":\"18446744073709551616\",\"ictx\":\"c1\",\"idev\":\"d1\"}", "\"ts\" out of range" },
	{ "{\"ev\":\"unbind\",\"ts\":18446744073709551615,\"ictx\":\"c1\",\"idev\":\"d1\"}", "invalid JSON: too big integer near '18446744073709551615'" },
	{ "{\"ev\":\"bind\",\"ts\":1,\"ictx\":\"c1\",\"idev\":\"d1\",\"id\":\"4294967296\"}", "\"id\" out of range" },
	{ "{\"ev\":\"bind\",\"ts\":1,\"ictx\":\"c1\",\"id\":1}", "event \"bind\" needs \"idev\"" },
	{ "{\"ev\":\"bind\",\"ts\":1,\"ictx\":\"c1\",\"idev\":\"d1\"}", "event \"bind\" needs \"id\"" },
	{ "{\"ev\":\"bind\",\"ts\":1,\"idev\":\"d1\",\"id\":1}", "event \"bind\" needs \"ictx\"" },
	{ "{\"ev\":\"bind\",\"ts\":1,\"ictx\":\"c1\",\"idev\":\"d1\",\"id\":4294967296}", "\"id\" out of range" },
	{ "{\"ev\":\"bind\",\"ts\":1,\"ictx\":\"c1\",\"idev\":5,\"id\":1}", "\"idev\" must be a non-empty string" },
	{ "{\"ev\":\"bind\",\"ts\":1,\"ictx\":\"\",\"idev\":\"d1\",\"id\":1}", "\"ictx\" must be a non-empty string" },
	{ "{\"ev\":\"vdev_alloc\",\"ts\":1,\"ictx\":\"c1\",\"vdev\":\"v1\",\"id\":1,\"virt_id\":2}", "event \"vdev_alloc\" needs \"idev\" or \"dev\"" },
	{ "{\"ev\":\"vdev_alloc\",\"ts\":1,\"ictx\":\"c1\",\"vdev\":\"v1\",\"id\":1,\"dev\":\"p1\"}", "event \"vdev_alloc\" needs \"virt_id\"" },
	{ "{\"ev\":\"vdev_destroy\",\"ts\":1,\"ictx\":\"c1\"}", "event \"vdev_destroy\" needs \"vdev\"" },
	{ "{\"ev\":\"obj_remove\",\"ts\":1,\"ictx\":\"c1\",\"id\":1}", "event \"obj_remove\" needs \"ret\"" },
	{ "{\"ev\":\"obj_remove\",\"ts\":1,\"ictx\":\"c1\",\"id\":1,\"ret\":2147483648}", "\"ret\" out of range" },
	{ "{\"ev\":\"obj_remove\",\"ts\":1,\"ictx\":\"c1\",\"id\":1,\"ret\":\"x\"}", "\"ret\" must be an integer" },
	{ "{\"ev\":\"obj_abort\",\"ts\":1,\"ictx\":\"c1\"}", "event \"obj_abort\" needs \"obj\"" },
	{ "{\"ev\":\"ctx_release\",\"ts\":1}", "event \"ctx_release\" needs \"ictx\"" },
	{ "{\"ev\":\"lost\",\"ts\":1}", "event \"lost\" needs \"count\"" },
	{ "{\"ev\":\"unbind\",\"ts\":1,\"ictx\":\"c1\",\"idev\":\"d1\",\"pid\":-1}", "\"pid\" must be a non-negative integer" },
	{ "{\"ev\":\"unbind\",\"ts\":1,\"ictx\":\"c1\",\"idev\":\"d1\",\"pid\":1,\"comm\":7}", "\"comm\" must be a string" },
	{ "{\"ev\":\"unbind\",\"ts\":1,\"ictx\":\"c1\",\"idev\":\"d1\",\"stack\":\"f\"}", "\"stack\" must be an array of strings" },
	{ "{\"ev\":\"unbind\",\"ts\":1,\"ictx\":\"c1\",\"idev\":\"d1\",\"stack\":[\"f\",1]}", "\"stack\" must be an array of strings" },
};

/* Each bad line, first on line 1, then on line 3 after a blank line. */
static void malformed_lines(void)
{
	char input[512], want[256];
	struct result res;
	size_t i;

	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		snprintf(input, sizeof(input), "%s\n" BIND, malformed[i].line);
		snprintf(want, sizeof(want), "t.jsonl:1: %s\n", malformed[i].msg);
		res = replay(input, REPORT_JSON);
		CHECK(res.status == STATUS_ERROR);
		CHECK(!strcmp(res.err, want));
		if (strcmp(res.err, want))
			printf("#   got %s#   want %s", res.err, want);
		result_free(&res);

		snprintf(input, sizeof(input), BIND "\n%s\n" BIND, malformed[i].line);
		snprintf(want, sizeof(want), "t.jsonl:3: %s\n", malformed[i].msg);
		res = replay(input, REPORT_JSON);
		CHECK(res.status == STATUS_ERROR && !strcmp(res.err, want));
		/* Nothing after the bad line, and no summary. */
		CHECK(!strstr(res.out, "summary"));
		result_free(&res);
	}
}

/* NUL and control bytes are malformed, quoted escaped; \r\n ends a line. */
static void nul_and_control_bytes(void)
{
	static const struct {
		const char *input;
		size_t len;
		const char *msg;
	} bad[] = {
#define BAD(s, m) { s, sizeof(s) - 1, m }
		BAD("\0\0\0\n", "t.jsonl:1: a NUL byte at column 1\n"),
		BAD("  \0\n", "t.jsonl:1: a NUL byte at column 3\n"),
		BAD("{\"ev\":\"lost\",\"ts\":1,\"count\":1}\0\n",
		    "t.jsonl:1: a NUL byte at column 31\n"),
		BAD("{\"ev\":\"bi\0nd\"}\n", "t.jsonl:1: a NUL byte at column 10\n"),
		BAD("\f\n", "t.jsonl:1: invalid JSON: '[' or '{' expected near '\\x0c'\n"),
		BAD("\033[2J{}\n", "t.jsonl:1: invalid JSON: '[' or '{' expected near '\\x1b'\n"),
		BAD("{\"ev\":\"b\033ind\"}\n",
		    "t.jsonl:1: invalid JSON: control character 0x1b near '\"b'\n"),
		BAD("{\"ev\":\"b\x01\"}\n",
		    "t.jsonl:1: invalid JSON: control character 0x1 near '\"b'\n"),
#undef BAD
	};
	struct result res;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		res = replay_len(bad[i].input, bad[i].len, REPORT_TEXT);
		CHECK(res.status == STATUS_ERROR && !strcmp(res.err, bad[i].msg));
		if (strcmp(res.err, bad[i].msg))
			printf("#   got %s#   want %s", res.err, bad[i].msg);
		result_free(&res);
	}
	res = replay(" \t\r\n\r\n" BIND, REPORT_TEXT);
	CHECK(res.status == STATUS_CLEAN && !*res.err);
	result_free(&res);
}

/* A value of @f that replay takes and the report prints back as it was. */
static json_t *good_value(const struct field *f)
{
	switch (f->kind) {
	case FK_KEY:
		return json_sprintf("k-%s", f->name);
	case FK_S32:
		return json_integer(-7);
	case FK_COMM:
		return json_string("c");
	case FK_STACK:
		return json_pack("[s]", "f");
	case FK_OBJ_TYPE:
		return json_string("vdevice");
	case FK_PARENTS:
		return json_pack("[s,s]", "k-p0", "k-p1");
	case FK_SNAP:
		return json_string("taken");
	default:
		return json_integer(7);
	}
}

/* What replay says of {} as the value of @f. */
static const char *type_error(const struct field *f)
{
	switch (f->kind) {
	case FK_KEY:
		return "must be a non-empty string";
	case FK_S32:
		return "must be an integer";
	case FK_COMM:
	case FK_SNAP:
		return "must be a string";
	case FK_STACK:
		return "must be an array of strings";
	case FK_OBJ_TYPE:
		return "must be an object type: device vdevice ioas hwpt_paging hwpt_nested viommu veventq hw_queue fault access";
	case FK_PARENTS:
		return "must be an array of at most 2 identifiers";
	default:
		return "must be a non-negative integer";
	}
}

enum change { NONE, WITHOUT, WRONG_TYPE, WITHOUT_EITHER };

/*
 * A line of event @type with every field it can carry, in the report's
 * order, but @f left out or given the wrong type (@how).
 */
static char *event_line(unsigned int type, const struct field *f,
			enum change how)
{
	const struct record *row = ev_record(type);
	const struct field *lists[] = { ev_head, row->fields, ev_tail }, *g;
	json_t *o = json_object();
	unsigned int i;
	char *s;

	json_object_set_new(o, REC_EVENT, json_string(row->name));
	for (i = 0; i < 3; i++)
		for (g = lists[i]; g->name; g++) {
			if ((g->flags & FL_NOTE) || (g == f && how == WITHOUT) ||
			    ((g->flags & FL_EITHER) && how == WITHOUT_EITHER))
				continue;
			json_object_set_new(o, g->name, g == f && how == WRONG_TYPE ?
					    json_object() : good_value(g));
		}
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

static void check_error(const char *line, const char *want)
{
	char input[512];
	struct result res;

	snprintf(input, sizeof(input), "%s\n", line);
	res = replay(input, REPORT_JSON);
	CHECK(res.status == STATUS_ERROR && !strcmp(res.err, want));
	if (strcmp(res.err, want))
		printf("#   got %s#   want %s", res.err, want);
	result_free(&res);
}

/* Every row, every field: read, then printed back the same; text names them. */
static void every_row_round_trips(void)
{
	const struct field *f;
	struct result res;
	char input[512], want[64];
	unsigned int t;

	for (t = 1; t < EV_TYPE_MAX; t++) {
		char *line = event_line(t, NULL, NONE);

		snprintf(input, sizeof(input), "%s\n", line);
		res = replay(input, REPORT_JSON);
		CHECK(res.status != STATUS_ERROR && !*res.err);
		CHECK(!strncmp(res.out, input, strlen(input)));
		if (strncmp(res.out, input, strlen(input)))
			printf("#   got %s#   want %s", res.out, input);
		result_free(&res);

		res = replay(input, REPORT_TEXT);
		for (f = ev_record(t)->fields; f->name; f++) {
			snprintf(want, sizeof(want), " %s=", f->name);
			CHECK((f->flags & FL_NOTE) || strstr(res.out, want));
		}
		CHECK(strstr(res.out, " pid=7 comm=c\n"));
		result_free(&res);
		free(line);
	}
}

/* Every field replay needs is named when it is missing. */
static void every_required_field_named(void)
{
	const struct field *f;
	char want[256], *line;
	const char *sep;
	unsigned int t;
	size_t n;

	for (t = 1; t < EV_TYPE_MAX; t++) {
		const struct record *row = ev_record(t);
		const struct field *lists[] = { ev_head, row->fields };
		unsigned int i;

		for (i = 0; i < 2; i++)
			for (f = lists[i]; f->name; f++) {
				if (!(f->flags & FL_REQUIRED))
					continue;
				line = event_line(t, f, WITHOUT);
				snprintf(want, sizeof(want),
					 "t.jsonl:1: event \"%s\" needs \"%s\"\n",
					 row->name, f->name);
				check_error(line, want);
				free(line);
			}
		/* and one of its FL_EITHER fields, when all are missing */
		n = snprintf(want, sizeof(want), "t.jsonl:1: event \"%s\" needs ",
			     row->name);
		sep = "";
		for (f = row->fields; f->name; f++)
			if (f->flags & FL_EITHER) {
				n += snprintf(want + n, sizeof(want) - n, "%s\"%s\"",
					      sep, f->name);
				sep = " or ";
			}
		if (!*sep)
			continue;
		snprintf(want + n, sizeof(want) - n, "\n");
		line = event_line(t, NULL, WITHOUT_EITHER);
		check_error(line, want);
		free(line);
	}
}

/* Every field replay reads is checked for its type. */
static void every_field_type_checked(void)
{
	const struct field *f;
	char want[256], *line;
	unsigned int t, i;

	for (t = 1; t < EV_TYPE_MAX; t++) {
		const struct field *lists[] = {
			ev_head, ev_record(t)->fields, ev_tail,
		};

		for (i = 0; i < 3; i++)
			for (f = lists[i]; f->name; f++) {
				if (f->flags & FL_NOTE)
					continue;
				line = event_line(t, f, WRONG_TYPE);
				snprintf(want, sizeof(want), "t.jsonl:1: \"%s\" %s\n",
					 f->name, type_error(f));
				check_error(line, want);
				free(line);
			}
	}
}

static void unknown_ev_counted(void)
{
	struct result res = replay(
		"{\"ev\":\"hwpt_alloc\",\"ts\":\"any\",\"x\":{\"y\":[1]}}\n"
		BIND
		"{\"ev\":\"unbind\",\"ts\":2,\"ictx\":\"c1\",\"idev\":\"d1\",\"future\":true}\r\n"
		"   \n"
		"{\"ev\":\"unbind_done\",\"ts\":3,\"ictx\":\"c1\",\"idev\":\"d1\"}",
		REPORT_JSON);

	CHECK(res.status == STATUS_CLEAN && !*res.err);
	CHECK(strstr(res.out, "\"events\":3,"));
	CHECK(strstr(res.out, "\"unknown_events\":1,"));
	CHECK(strstr(res.out, "\"verdict\":\"clean\"}}\n"));
	result_free(&res);
}

/*
 * A recording's findings and summary must be found again: a recording
 * without its events (--no-events) or part of them is not judged clean.
 */
static void recorded_checked(void)
{
	static const struct {
		const char *input;
		const char *msg;
	} bad[] = {
		{ "{\"finding\":\"orphaned_vdevice\",\"ts\":4}\n"
		  "{\"summary\":{\"events\":5,\"orphans\":1,\"verdict\":\"findings\"}}\n",
		  "t.jsonl:2: recorded with --no-events: the events are not in the file; record without --no-events to replay\n" },
		{ "{\"summary\":{\"events\":2,\"lost\":4,\"verdict\":\"inconclusive\"}}\n",
		  "t.jsonl:1: recorded with --no-events: the events are not in the file; record without --no-events to replay\n" },
		{ BIND "{\"summary\":{\"events\":2,\"verdict\":\"clean\"}}\n",
		  "t.jsonl:2: the summary counts 2 events, the file has 1: it is not the whole recording\n" },
		{ BIND "{\"finding\":\"leaked_object\",\"ts\":1}\n",
		  "t.jsonl:2: the file has 1 leaked_object findings, its events give 0: it is not the whole recording\n" },
		{ "{\"finding\":\"orphaned_vdevice\"}\n",
		  "t.jsonl:1: the file has 1 orphaned_vdevice findings, its events give 0: it is not the whole recording\n" },
		{ BIND "{\"summary\":{\"events\":1,\"verdict\":\"findings\"}}\n",
		  "t.jsonl:2: the summary's verdict is findings, the events give clean: recorded by another version, or edited\n" },
		{ BIND "{\"summary\":{\"events\":1,\"verdict\":\"clean\"}}\n" BIND,
		  "t.jsonl:3: a line after the summary, which ends a recording: replay one recording at a time\n" },
		{ "{\"summary\":{\"events\":1,\"verdict\":\"good\"}}\n",
		  "t.jsonl:1: the summary needs a \"verdict\": \"clean\" or \"findings\" or \"inconclusive\"\n" },
		{ "{\"summary\":{\"events\":-1,\"verdict\":\"clean\"}}\n",
		  "t.jsonl:1: \"events\" must be a non-negative integer\n" },
		{ "{\"summary\":[]}\n", "t.jsonl:1: \"summary\" must be an object\n" },
		{ "{\"finding\":\"hwpt_leak\"}\n",
		  "t.jsonl:1: \"finding\" must name a finding this version knows\n" },
		{ "{\"ev\":\"lost\",\"ts\":1,\"count\":1,\"finding\":\"leaked_object\"}\n",
		  "t.jsonl:1: a line is one of an event (\"ev\"), a finding (\"finding\") or the summary (\"summary\")\n" },
	};
	struct result res;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		res = replay(bad[i].input, REPORT_JSON);
		CHECK(res.status == STATUS_ERROR && !strcmp(res.err, bad[i].msg));
		CHECK(!strstr(res.out, "summary"));
		if (strcmp(res.err, bad[i].msg))
			printf("#   got %s#   want %s", res.err, bad[i].msg);
		result_free(&res);
	}
	/* Events unknown here were known to the recorder, and counted. */
	res = replay("{\"ev\":\"hwpt_alloc\",\"ts\":1}\n" BIND
		     "{\"summary\":{\"events\":2,\"verdict\":\"clean\"}}\n\n",
		     REPORT_JSON);
	CHECK(res.status == STATUS_CLEAN && !*res.err);
	result_free(&res);
}

static void orphan_json(void)
{
	struct result res = replay(orphan_trace, REPORT_JSON);

	CHECK(res.status == STATUS_FINDINGS);
	CHECK(strstr(res.out,
		"{\"finding\":\"orphaned_vdevice\",\"ts\":4,\"ictx\":\"c1\","
		"\"vdev\":\"v1\",\"vdev_id\":3,\"virt_id\":153,\"idev\":\"d1\","
		"\"idev_id\":1,\"pid\":42,\"comm\":\"iommufd\","
		"\"stack\":[\"f1+0x1/0x2\",\"f2+0x3/0x4\"]}\n"));
	CHECK(strstr(res.out,
		"{\"ev\":\"vdev_destroy\",\"ts\":10,\"ictx\":\"c1\","
		"\"vdev\":\"v1\",\"orphaned_ns\":6}\n"));
	CHECK(strstr(res.out, "\"orphans\":1,"));
	result_free(&res);
}

static void orphan_text(void)
{
	struct result res = replay(orphan_trace, REPORT_TEXT);

	CHECK(res.status == STATUS_FINDINGS);
	CHECK(strstr(res.out, "0.000000 unbind       ictx=c1 idev=d1 pid=42 comm=iommufd\n"));
	CHECK(strstr(res.out,
		"FINDING orphaned_vdevice: vdevice 3 (virt_id 0x99) of device 1 "
		"in ictx c1 outlived its unbind (pid 42 iommufd)"));
	CHECK(strstr(res.out, "\n    f1+0x1/0x2\n    f2+0x3/0x4\n"));
	CHECK(strstr(res.out, "orphaned_ns=6\n"));
	CHECK(strstr(res.out, "\nverdict: findings\n"));
	result_free(&res);
}

/* The --json output replays to the same output. */
static void round_trip(void)
{
	struct result a = replay(orphan_trace, REPORT_JSON);
	struct result b = replay(a.out, REPORT_JSON);

	CHECK(a.status == STATUS_FINDINGS && b.status == a.status);
	CHECK(!*b.err && !strcmp(a.out, b.out));
	result_free(&a);
	result_free(&b);
}

/*
 * u64s above 2^63 - 1 (a virt_id can be any u64) are strings of digits in
 * JSON, which replay reads back; below, integers.
 */
static void u64_round_trip(void)
{
	struct result a = replay(
		BIND
		"{\"ev\":\"vdev_alloc\",\"ts\":\"2\",\"ictx\":\"c1\",\"vdev\":\"v1\",\"id\":3,"
		"\"virt_id\":\"18446744073709551615\",\"idev\":\"d1\"}\n"
		"{\"ev\":\"vdev_alloc\",\"ts\":3,\"ictx\":\"c1\",\"vdev\":\"v2\",\"id\":4,"
		"\"virt_id\":9223372036854775807,\"idev\":\"d1\"}\n"
		"{\"ev\":\"lost\",\"ts\":4,\"count\":\"9223372036854775808\"}\n"
		"{\"ev\":\"ctx_release\",\"ts\":5,\"ictx\":\"c1\"}\n",
		REPORT_JSON);
	struct result b = replay(a.out, REPORT_JSON);
	struct result t = replay(a.out, REPORT_TEXT);

	CHECK(a.status == STATUS_INCONCLUSIVE && !*a.err);
	CHECK(strstr(a.out, "{\"ev\":\"vdev_alloc\",\"ts\":2,\"ictx\":\"c1\",\"vdev\":\"v1\","
		     "\"id\":3,\"virt_id\":\"18446744073709551615\",\"idev\":\"d1\"}\n"));
	CHECK(strstr(a.out, "\"virt_id\":9223372036854775807,"));
	CHECK(strstr(a.out, "{\"ev\":\"lost\",\"ts\":4,\"count\":\"9223372036854775808\"}\n"));
	CHECK(strstr(a.out, "\"obj\":\"v1\",\"virt_id\":\"18446744073709551615\"}\n"));
	CHECK(strstr(a.out, "\"lost\":\"9223372036854775808\","));
	CHECK(b.status == a.status && !*b.err && !strcmp(a.out, b.out));
	CHECK(t.status == a.status && !*t.err);
	CHECK(strstr(t.out, " virt_id=0xffffffffffffffff "));
	CHECK(strstr(t.out, " 9223372036854775808 lost,"));
	result_free(&a);
	result_free(&b);
	result_free(&t);
}

static const char *prefix_key(void *arg, enum key_kind kind, __u64 key,
			      char *buf, size_t len)
{
	(void)arg;
	snprintf(buf, len, "%c%llx", key_prefix(kind), (unsigned long long)key);
	return buf;
}

/*
 * Live mode prints a pointer as a token whose prefix is its kind: an
 * aborted vdevice has the token of the vdevice its destroy names, or a
 * replay of the recording sees two objects.
 */
static void one_token_per_pointer(void)
{
	static const struct report_cbs cbs = { .fmt_key = prefix_key };
	const struct report_opts opts = { .format = REPORT_TEXT };
	static const struct ev_note none;
	const struct trace_event abort_vdev = {
		.type = EV_OBJ_ABORT, .ictx = 1, .obj = 0xab,
		.obj_type = OBJ_VDEVICE,
	}, abort_idev = {
		.type = EV_OBJ_ABORT, .ictx = 1, .obj = 0xcd,
		.obj_type = OBJ_DEVICE,
	}, destroy = {
		.type = EV_VDEV_DESTROY, .ictx = 1, .obj = 0xab,
	};
	struct report *r;
	size_t len;
	char *out;
	FILE *f = open_memstream(&out, &len);

	r = report_new(f, &opts, &cbs, NULL);
	report_event(r, &abort_vdev, &none);
	report_event(r, &destroy, &none);
	report_event(r, &abort_idev, &none);
	report_free(r);
	fclose(f);
	CHECK(strstr(out, " obj_abort    ictx=c1 type=vdevice obj=vab\n"));
	CHECK(strstr(out, " vdev_destroy ictx=c1 vdev=vab\n"));
	CHECK(strstr(out, " obj_abort    ictx=c1 type=device obj=dcd\n"));
	free(out);
}

/* An obj_abort of an older recording has no type: none printed. */
static void abort_type(void)
{
	struct result res = replay(
		"{\"ev\":\"obj_abort\",\"ts\":1,\"ictx\":\"c1\",\"type\":\"vdevice\",\"obj\":\"v9\"}\n"
		"{\"ev\":\"obj_abort\",\"ts\":2,\"ictx\":\"c1\",\"obj\":\"v8\"}\n"
		"{\"ev\":\"vdev_destroy\",\"ts\":3,\"ictx\":\"c1\",\"vdev\":\"v9\"}\n",
		REPORT_JSON);

	CHECK(res.status == STATUS_CLEAN && !*res.err);
	CHECK(strstr(res.out, "{\"ev\":\"obj_abort\",\"ts\":1,\"ictx\":\"c1\",\"type\":\"vdevice\",\"obj\":\"v9\"}\n"
			      "{\"ev\":\"obj_abort\",\"ts\":2,\"ictx\":\"c1\",\"obj\":\"v8\"}\n"));
	CHECK(strstr(res.out, "\"untracked\":0,"));
	result_free(&res);
}

/* Identifiers and comms needing escapes; a comm cut inside a UTF-8 sequence. */
static void escaping(void)
{
	struct result a = replay(
		"{\"ev\":\"bind\",\"ts\":1,\"ictx\":\"c\\\"1\\\\\",\"idev\":\"d\\n\\u0001\",\"id\":1,"
		"\"pid\":1,\"comm\":\"aaaaaaaaaaaaaa\\u00e9\"}\n"
		"{\"ev\":\"ctx_release\",\"ts\":2,\"ictx\":\"c\\\"1\\\\\"}\n",
		REPORT_JSON);
	struct result b = replay(a.out, REPORT_JSON);

	CHECK(a.status == STATUS_FINDINGS && !*a.err);
	CHECK(strstr(a.out, "\"ictx\":\"c\\\"1\\\\\",\"idev\":\"d\\u000a\\u0001\""));
	CHECK(strstr(a.out, "\"comm\":\"aaaaaaaaaaaaaa\\ufffd\""));
	CHECK(b.status == STATUS_FINDINGS && !*b.err);
	CHECK(!strcmp(a.out, b.out));
	result_free(&a);
	result_free(&b);
}

/*
 * Text mode prints what a trace file holds with control bytes escaped: a
 * crafted identifier, frame or comm cannot fake a line or move the cursor.
 */
static void text_escaped(void)
{
	struct result res = replay(
		"{\"ev\":\"bind\",\"ts\":1,\"ictx\":\"c1\\nverdict: clean\","
		"\"idev\":\"d\\u001b[2J\\u009b\\\\\\u00e9\",\"id\":1,\"dev\":\"p1\"}\n"
		"{\"ev\":\"vdev_alloc\",\"ts\":2,\"ictx\":\"c1\\nverdict: clean\","
		"\"vdev\":\"v1\",\"id\":3,\"virt_id\":1,\"dev\":\"p1\"}\n"
		"{\"ev\":\"unbind\",\"ts\":3,\"ictx\":\"c1\\nverdict: clean\","
		"\"idev\":\"d\\u001b[2J\\u009b\\\\\\u00e9\",\"pid\":1,\"comm\":\"a\\u007fb\","
		"\"stack\":[\"f\\r\\nverdict: clean\"]}\n"
		"{\"ev\":\"unbind_done\",\"ts\":4,\"ictx\":\"c1\\nverdict: clean\","
		"\"idev\":\"d\\u001b[2J\\u009b\\\\\\u00e9\"}\n",
		REPORT_TEXT);

	CHECK(res.status == STATUS_FINDINGS);
	CHECK(!strstr(res.out, "\nverdict: clean"));
	CHECK(!strchr(res.out, '\033') && !strchr(res.out, '\r') &&
	      !strstr(res.out, "\xc2\x9b"));
	CHECK(strstr(res.out, " ictx=c1\\x0averdict: clean idev=d\\x1b[2J\\xc2\\x9b\\x5c\xc3\xa9 id=1"));
	CHECK(strstr(res.out, "comm=a\\x7fb\n"));
	CHECK(strstr(res.out, "    f\\x0d\\x0averdict: clean\n"));
	CHECK(strstr(res.out, "(pid 1 a\\x7fb) [vdev v1 idev d\\x1b[2J"));
	result_free(&res);
}

static void exit_status(void)
{
	struct result res;

	res = replay(BIND "{\"ev\":\"lost\",\"ts\":2,\"count\":4}\n"
		     "{\"ev\":\"ctx_release\",\"ts\":3,\"ictx\":\"c1\"}\n",
		     REPORT_JSON);
	CHECK(res.status == STATUS_INCONCLUSIVE);
	CHECK(strstr(res.out, "\"leaks\":1,\"untracked\":0,\"at_start\":0,\"lost\":4,"));
	CHECK(strstr(res.out, "\"verdict\":\"inconclusive\""));
	result_free(&res);

	/* Lost counts that add up to 2^64 are not none lost. */
	res = replay("{\"ev\":\"lost\",\"ts\":1,\"count\":9223372036854775807}\n"
		     "{\"ev\":\"lost\",\"ts\":2,\"count\":9223372036854775807}\n"
		     "{\"ev\":\"lost\",\"ts\":3,\"count\":2}\n", REPORT_TEXT);
	CHECK(res.status == STATUS_INCONCLUSIVE);
	CHECK(strstr(res.out, " 18446744073709551615 lost,"));
	result_free(&res);

	/* Malformed wins over lost. */
	res = replay("{\"ev\":\"lost\",\"ts\":2,\"count\":4}\n{\n", REPORT_JSON);
	CHECK(res.status == STATUS_ERROR);
	result_free(&res);
}


int main(void)
{
	RUN(malformed_lines);
	RUN(nul_and_control_bytes);
	RUN(every_row_round_trips);
	RUN(every_required_field_named);
	RUN(every_field_type_checked);
	RUN(unknown_ev_counted);
	RUN(recorded_checked);
	RUN(orphan_json);
	RUN(orphan_text);
	RUN(round_trip);
	RUN(u64_round_trip);
	RUN(escaping);
	RUN(one_token_per_pointer);
	RUN(abort_type);
	RUN(text_escaped);
	RUN(exit_status);
	return TEST_STATUS();
}
