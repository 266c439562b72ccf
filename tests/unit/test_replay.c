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

static struct result replay(const char *input, enum report_format format)
{
	struct report_opts opts = { .format = format };
	struct result res;
	size_t olen, elen;
	FILE *in = fmemopen((void *)input, strlen(input), "r");
	FILE *out = open_memstream(&res.out, &olen);
	FILE *err = open_memstream(&res.err, &elen);

	res.status = replay_file(in, "t.jsonl", out, err, &opts);
	fclose(in);
	fclose(out);
	fclose(err);
	return res;
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
	{ "{\"ev\":\"unbind\",\"ts\":\"1\",\"ictx\":\"c1\",\"idev\":\"d1\"}", "\"ts\" must be a non-negative integer" },
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
	case FK_OBJ_TYPE:
	case FK_SNAP:
		return "must be a string";
	case FK_STACK:
		return "must be an array of strings";
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

static void findings_and_summary_skipped(void)
{
	struct result res = replay(
		BIND
		"{\"finding\":\"leaked_object\",\"ts\":1,\"ictx\":\"c1\",\"type\":\"device\",\"id\":1,\"obj\":\"d1\"}\n"
		"{\"summary\":{\"events\":1,\"verdict\":\"findings\"}}\n",
		REPORT_JSON);

	CHECK(res.status == STATUS_CLEAN && !*res.err);
	CHECK(!strstr(res.out, "finding"));
	CHECK(strstr(res.out, "\"events\":1,"));
	CHECK(strstr(res.out, "\"live\":1,"));
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

	/* Malformed wins over lost. */
	res = replay("{\"ev\":\"lost\",\"ts\":2,\"count\":4}\n{\n", REPORT_JSON);
	CHECK(res.status == STATUS_ERROR);
	result_free(&res);
}


int main(void)
{
	RUN(malformed_lines);
	RUN(every_row_round_trips);
	RUN(every_required_field_named);
	RUN(every_field_type_checked);
	RUN(unknown_ev_counted);
	RUN(findings_and_summary_skipped);
	RUN(orphan_json);
	RUN(orphan_text);
	RUN(round_trip);
	RUN(escaping);
	RUN(exit_status);
	return TEST_STATUS();
}
