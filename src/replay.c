// SPDX-License-Identifier: GPL-2.0
/* Replay: JSON lines in, model and report as in live mode. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "intern.h"
#include "outfile.h"
#include "replay.h"

struct replay {
	struct intern *in;
	struct report *report;
	const char *name;
	unsigned long lineno;
	FILE *err;
	char *frames;		/* of a stack, joined by NULs */
	size_t frames_len, frames_cap;
	/* What a recording says of itself, for the replay to find again. */
	__u64 recorded[FINDING_TYPE_MAX];	/* finding lines */
	__u64 found[FINDING_TYPE_MAX];		/* findings of the replay */
	unsigned long finding_line;		/* the last, 0: none */
	unsigned long summary_line;		/* 0: none */
	struct model_summary summary;
};

/* The message can quote the line (jansson's do): escaped as text mode does. */
__attribute__((format(printf, 2, 3)))
static int fail(struct replay *rp, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(rp->err, "%s:%lu: ", rp->name, rp->lineno);
	text_escape(rp->err, msg);
	fputc('\n', rp->err);
	return -1;
}

/* Appends "@name" to the list of @n bytes in @buf: "a" or "b" or ... */
static size_t or_list(char *buf, size_t len, size_t n, const char *name)
{
	if (n >= len)
		return n;
	return n + snprintf(buf + n, len - n, "%s\"%s\"", n ? " or " : "", name);
}

static int read_key(struct replay *rp, const char *name, json_t *v, __u64 *key)
{
	if (!json_is_string(v) || !json_string_length(v))
		return fail(rp, "\"%s\" must be a non-empty string", name);
	*key = intern_get(rp->in, json_string_value(v), json_string_length(v));
	return *key ? 0 : fail(rp, "out of memory");
}

/*
 * Decimal digits, no sign, no leading zero, into @val: 0, -ERANGE if the
 * number is above 2^64 - 1, -EINVAL if @s is not one.
 */
static int parse_digits(const char *s, size_t len, __u64 *val)
{
	unsigned int d;
	size_t i;

	if (!len || (s[0] == '0' && len > 1))
		return -EINVAL;
	*val = 0;
	for (i = 0; i < len; i++) {
		d = s[i] - '0';
		if (d > 9)
			return -EINVAL;
		if (*val > (UINT64_MAX - d) / 10)
			return -ERANGE;
		*val = *val * 10 + d;
	}
	return 0;
}

/* A JSON integer, or a string of its digits (how 2^63 and above are written). */
static int read_uint(struct replay *rp, const char *name, json_t *v,
		     __u64 max, __u64 *val)
{
	int err = -EINVAL;
	__u64 u;

	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		u = json_integer_value(v);
		err = 0;
	} else if (json_is_string(v)) {
		err = parse_digits(json_string_value(v), json_string_length(v), &u);
	}
	if (err == -EINVAL)
		return fail(rp, "\"%s\" must be a non-negative integer", name);
	if (err || u > max)
		return fail(rp, "\"%s\" out of range", name);
	*val = u;
	return 0;
}

static int read_s32(struct replay *rp, const char *name, json_t *v, __s32 *val)
{
	json_int_t i;

	if (!json_is_integer(v))
		return fail(rp, "\"%s\" must be an integer", name);
	i = json_integer_value(v);
	if (i < INT32_MIN || i > INT32_MAX)
		return fail(rp, "\"%s\" out of range", name);
	*val = i;
	return 0;
}

static int read_obj_type(struct replay *rp, const char *name, json_t *v,
			 enum obj_type *type)
{
	char names[256] = "";
	enum obj_type t;
	size_t n = 0;

	*type = json_is_string(v) ? obj_type_named(json_string_value(v)) : 0;
	if (*type)
		return 0;
	for (t = 1; t < OBJ_TYPE_MAX && n < sizeof(names); t++)
		n += snprintf(names + n, sizeof(names) - n, " %s", obj_type_name(t));
	return fail(rp, "\"%s\" must be an object type:%s", name, names);
}

static int frames_add(struct replay *rp, const char *s, size_t len)
{
	size_t need = rp->frames_len + len + 1;

	if (need > rp->frames_cap) {
		size_t cap = rp->frames_cap ? rp->frames_cap * 2 : 4096;
		char *p;

		while (cap < need)
			cap *= 2;
		p = realloc(rp->frames, cap);
		if (!p)
			return -ENOMEM;
		rp->frames = p;
		rp->frames_cap = cap;
	}
	memcpy(rp->frames + rp->frames_len, s, len);
	rp->frames[rp->frames_len + len] = '\0';
	rp->frames_len = need;
	return 0;
}

/* The frames, joined by NULs, become one key; none is no stack. */
static int read_stack(struct replay *rp, const char *name, json_t *v,
		      __u64 *stack)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v))
		return fail(rp, "\"%s\" must be an array of strings", name);
	rp->frames_len = 0;
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			return fail(rp, "\"%s\" must be an array of strings", name);
		if (frames_add(rp, json_string_value(e), json_string_length(e)))
			return fail(rp, "out of memory");
	}
	if (!rp->frames_len)
		return 0;
	*stack = intern_get(rp->in, rp->frames, rp->frames_len);
	return *stack ? 0 : fail(rp, "out of memory");
}

/* Up to OBJ_PARENTS identifiers; the types stay unknown (0). */
static int read_parents(struct replay *rp, const char *name, json_t *v,
			__u64 *keys)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v) || json_array_size(v) > OBJ_PARENTS)
		return fail(rp, "\"%s\" must be an array of at most %d identifiers",
			    name, OBJ_PARENTS);
	json_array_foreach(v, i, e)
		if (read_key(rp, name, e, &keys[i]))
			return -1;
	return 0;
}

/* The value of @v in table @named, whose @max says none. */
static int read_name(struct replay *rp, const char *name, json_t *v,
		     unsigned int (*named)(const char *), unsigned int max,
		     unsigned int *val)
{
	if (!json_is_string(v))
		return fail(rp, "\"%s\" must be a string", name);
	*val = named(json_string_value(v));
	if (*val == max)
		return fail(rp, "\"%s\": unknown value \"%s\"", name,
			    json_string_value(v));
	return 0;
}

static unsigned int snap_by_name(const char *name)
{
	return snap_status_named(name);
}

/* JSON value @v of field @f into its member of @te. */
static int read_field(struct replay *rp, const struct field *f, json_t *v,
		      struct trace_event *te)
{
	void *p = (char *)te + f->off;
	struct task *t = p;
	__u64 u;

	switch (f->kind) {
	case FK_KEY:
		return read_key(rp, f->name, v, p);
	case FK_U32:
		if (read_uint(rp, f->name, v, UINT32_MAX, &u))
			return -1;
		*(__u32 *)p = u;
		return 0;
	case FK_S32:
		return read_s32(rp, f->name, v, p);
	case FK_U64:
	case FK_HEX:
		return read_uint(rp, f->name, v, UINT64_MAX, p);
	case FK_PID:
		if (read_uint(rp, f->name, v, UINT32_MAX, &u))
			return -1;
		t->pid = u;
		t->has_pid = true;
		return 0;
	case FK_COMM:
		if (!json_is_string(v))
			return fail(rp, "\"%s\" must be a string", f->name);
		u = json_string_length(v);
		memcpy(t->comm, json_string_value(v),
		       u < sizeof(t->comm) - 1 ? u : sizeof(t->comm) - 1);
		return 0;
	case FK_STACK:
		return read_stack(rp, f->name, v, &t->stack);
	case FK_OBJ_TYPE:
		return read_obj_type(rp, f->name, v, p);
	case FK_PARENTS:
		return read_parents(rp, f->name, v, p);
	case FK_SNAP:
		return read_name(rp, f->name, v, snap_by_name, SNAP_STATUS_MAX, p);
	case FK_STR:	/* only in findings, whose fields are not read */
		break;
	}
	return 0;
}

/* "needs "a" or "b"": one of the FL_EITHER fields of @row is required. */
static int needs_either(struct replay *rp, const struct record *row)
{
	char names[128] = "";
	const struct field *f;
	size_t n = 0;

	for (f = row->fields; f->name; f++)
		if (f->flags & FL_EITHER)
			n = or_list(names, sizeof(names), n, f->name);
	return fail(rp, "event \"%s\" needs %s", row->name, names);
}

/* @fields of event @row from object @o into @te. */
static int read_fields(struct replay *rp, json_t *o, const struct record *row,
		       const struct field *fields, struct trace_event *te)
{
	bool either = false, has_either = false;
	const struct field *f;
	json_t *v;

	for (f = fields; f->name; f++) {
		if (f->flags & FL_NOTE)		/* the model's, not read */
			continue;
		either |= f->flags & FL_EITHER;
		v = json_object_get(o, f->name);
		if (!v) {
			if (f->flags & FL_REQUIRED)
				return fail(rp, "event \"%s\" needs \"%s\"",
					    row->name, f->name);
			continue;
		}
		has_either |= f->flags & FL_EITHER;
		if (read_field(rp, f, v, te))
			return -1;
	}
	return either && !has_either ? needs_either(rp, row) : 0;
}

/*
 * Event @o, whose "ev" is @ev, into @te.  An unknown "ev" gives type 0,
 * which the model only counts.  Of several errors the first is reported:
 * ts, the task, then the event's own fields, in the order of its row.
 */
static int parse_event(struct replay *rp, json_t *o, json_t *ev,
		       struct trace_event *te)
{
	const struct record *row;

	memset(te, 0, sizeof(*te));
	if (!json_is_string(ev))
		return fail(rp, "\"" REC_EVENT "\" must be a string");
	te->type = ev_type_named(json_string_value(ev));
	row = ev_record(te->type);
	if (!row)
		return 0;
	if (read_fields(rp, o, row, ev_head, te) ||
	    read_fields(rp, o, row, ev_tail, te) ||
	    read_fields(rp, o, row, row->fields, te))
		return -1;
	return 0;
}

/* A finding line: counted, to be found again by the replay. */
static int read_finding(struct replay *rp, json_t *v)
{
	enum finding_type t = json_is_string(v) ?
			      finding_type_named(json_string_value(v)) :
			      FINDING_TYPE_MAX;

	if (t == FINDING_TYPE_MAX)
		return fail(rp, "\"" REC_FINDING "\" must name a finding this version knows");
	rp->recorded[t]++;
	rp->finding_line = rp->lineno;
	return 0;
}

/* The summary line: its counters and verdict, to be found again. */
static int read_summary(struct replay *rp, json_t *s)
{
	struct model_summary *sum = &rp->summary;
	char names[64] = "";
	const char *name;
	size_t i, n = 0;
	json_t *v;

	if (!json_is_object(s))
		return fail(rp, "\"" REC_SUMMARY "\" must be an object");
	for (i = 0; i < ncounters; i++) {
		v = json_object_get(s, counters[i].name);
		if (v && read_uint(rp, counters[i].name, v, UINT64_MAX,
				   (__u64 *)((char *)sum + counters[i].off)))
			return -1;
	}
	v = json_object_get(s, SUMMARY_VERDICT);
	name = json_is_string(v) ? json_string_value(v) : "";
	for (sum->verdict = VERDICT_CLEAN; sum->verdict <= VERDICT_INCONCLUSIVE;
	     sum->verdict++) {
		if (!strcmp(verdict_name(sum->verdict), name)) {
			rp->summary_line = rp->lineno;
			return 0;
		}
		n = or_list(names, sizeof(names), n, verdict_name(sum->verdict));
	}
	return fail(rp, "the summary needs a \"" SUMMARY_VERDICT "\": %s", names);
}

/*
 * JSON object @o: an event into @te (returns 0), a finding or the summary
 * (returns 1: nothing for the model), or -1 on error.
 */
static int parse_record(struct replay *rp, json_t *o, struct trace_event *te)
{
	json_t *ev = json_object_get(o, REC_EVENT),
	       *finding = json_object_get(o, REC_FINDING),
	       *summary = json_object_get(o, REC_SUMMARY);

	if (rp->summary_line)
		return fail(rp, "a line after the summary, which ends a recording: replay one recording at a time");
	if (!!ev + !!finding + !!summary > 1)
		return fail(rp, "a line is one of an event (\"" REC_EVENT "\"), a finding (\""
			    REC_FINDING "\") or the summary (\"" REC_SUMMARY "\")");
	if (finding)
		return read_finding(rp, finding) ?: 1;
	if (summary)
		return read_summary(rp, summary) ?: 1;
	if (!ev)
		return fail(rp, "missing \"" REC_EVENT "\"");
	return parse_event(rp, o, ev, te);
}

/*
 * A recording's finding lines and summary say what its replay must find:
 * when it does not, the file is not the whole recording.  The recorder
 * counted as events those that are unknown here (a newer version's).
 */
static int check_recorded(struct replay *rp, const struct model_summary *sum)
{
	const struct model_summary *rec = &rp->summary;
	__u64 events = count_add(sum->events, sum->unknown_events);
	unsigned int t;

	if (!rp->summary_line && !rp->finding_line)
		return 0;
	rp->lineno = rp->summary_line ?: rp->finding_line;
	if (rp->summary_line && rec->events && !events)
		return fail(rp, "recorded with --no-events: the events are not in the file; record without --no-events to replay");
	if (rp->summary_line && rec->events != events)
		return fail(rp, "the summary counts %llu events, the file has %llu: it is not the whole recording",
			    rec->events, events);
	for (t = 0; t < FINDING_TYPE_MAX; t++)
		if (rp->recorded[t] != rp->found[t])
			return fail(rp, "the file has %llu %s findings, its events give %llu: it is not the whole recording",
				    rp->recorded[t], finding_record(t)->name,
				    rp->found[t]);
	if (rp->summary_line && rec->verdict != sum->verdict)
		return fail(rp, "the summary's verdict is %s, the events give %s: recorded by another version, or edited",
			    verdict_name(rec->verdict), verdict_name(sum->verdict));
	return 0;
}

static void sink_event(void *arg, const struct trace_event *ev,
		       const struct ev_note *note)
{
	struct replay *rp = arg;

	report_event(rp->report, ev, note);
}

static void sink_finding(void *arg, const struct finding *f)
{
	struct replay *rp = arg;

	rp->found[f->type]++;
	report_finding(rp->report, f);
}

/* The report's, and the findings counted for check_recorded(). */
static const struct model_sink replay_sink = {
	.event = sink_event,
	.finding = sink_finding,
};

static const char *fmt_key(void *arg, enum key_kind kind, __u64 key,
			   char *buf, size_t len)
{
	struct replay *rp = arg;

	(void)kind;
	(void)buf;
	(void)len;
	return intern_str(rp->in, key, NULL);
}

static int split_stack(void *arg, __u64 stack, const char **frames, int max)
{
	struct replay *rp = arg;
	const char *s, *end;
	size_t len;
	int n = 0;

	s = intern_str(rp->in, stack, &len);
	if (!s)
		return 0;
	for (end = s + len; s < end && n < max; s += strlen(s) + 1)
		frames[n++] = s;
	return n;
}

static const struct report_cbs replay_cbs = {
	.fmt_key = fmt_key,
	.get_stack = split_stack,
};

/*
 * @line (@len bytes, NUL-terminated) into @o: returns 1 if it is blank, 0,
 * or -1 on error.  JSON text holds no NUL byte, and jansson would take one
 * for the end of the line.
 */
static int parse_line(struct replay *rp, const char *line, size_t len,
		      json_t **o)
{
	const char *nul = memchr(line, '\0', len);
	json_error_t jerr;

	*o = NULL;
	if (nul)
		return fail(rp, "a NUL byte at column %zu", (size_t)(nul - line) + 1);
	if (!line[strspn(line, " \t\r\n")])
		return 1;
	*o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*o)
		return fail(rp, "invalid JSON: %s", jerr.text);
	if (!json_is_object(*o))
		return fail(rp, "expected a JSON object");
	return 0;
}

/* Feeds every line to @m; 0 at end of input, -1 on error (reported). */
static int feed_lines(struct replay *rp, FILE *in, struct model *m)
{
	struct trace_event te;
	size_t cap = 0;
	char *line = NULL;
	ssize_t len;
	json_t *o;
	int ret = 0;

	while ((len = getline(&line, &cap, in)) >= 0) {
		rp->lineno++;
		ret = parse_line(rp, line, len, &o);
		if (!ret)
			ret = parse_record(rp, o, &te);
		if (!ret && model_feed(m, &te))
			ret = fail(rp, "out of memory");
		json_decref(o);
		if (ret < 0)
			break;
		ret = 0;
	}
	if (!ret && ferror(in)) {
		fprintf(rp->err, "%s: read error: %s\n", rp->name,
			strerror(errno));
		ret = -1;
	}
	free(line);
	return ret;
}

enum status replay_file(FILE *in, const char *name, FILE *out, FILE *err,
			const struct report_opts *opts)
{
	struct replay rp = { .name = name, .err = err };
	enum status status = STATUS_ERROR;
	struct model_summary sum;
	struct model *m = NULL;
	int ret;

	rp.in = intern_new();
	if (rp.in)
		rp.report = report_new(out, opts, &replay_cbs, &rp);
	if (rp.report)
		m = model_new(&replay_sink, &rp);
	if (!m) {
		fprintf(err, "%s: out of memory\n", name);
		goto out;
	}
	ret = feed_lines(&rp, in, m);
	if (!ret) {
		model_finish(m, false, &sum);
		ret = check_recorded(&rp, &sum);
	}
	if (!ret) {
		report_summary(rp.report, &sum);
		status = verdict_status(sum.verdict);
	}
	ret = report_flush(rp.report);
	if (ret) {
		fprintf(err, "%s: write error: %s\n", name, strerror(-ret));
		status = status_worst(status, STATUS_ERROR);
	}
out:
	model_free(m);
	report_free(rp.report);
	intern_free(rp.in);
	free(rp.frames);
	return status;
}

enum status replay_run(const char *path, const char *output,
		       const struct report_opts *opts)
{
	bool is_stdin = !strcmp(path, "-");
	FILE *in = is_stdin ? stdin : fopen(path, "re"), *out = stdout;
	enum status status = STATUS_ERROR;
	struct stat st;

	if (!in || fstat(fileno(in), &st)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		goto out;
	}
	/* A recording of raw pointers is private: so is its report. */
	if (output)
		out = outfile_open(output, 0600 | (st.st_mode & 0044), &st);
	if (!out)
		goto out;
	status = replay_file(in, is_stdin ? "<stdin>" : path, out, stderr, opts);
	if (output)
		status = status_worst(status, outfile_close(out, output));
out:
	if (in && !is_stdin)
		fclose(in);
	return status;
}
