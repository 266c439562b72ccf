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
#include "replay.h"

struct replay {
	struct intern *in;
	const char *name;
	unsigned long lineno;
	FILE *err;
	char *frames;		/* of a stack, joined by NULs */
	size_t frames_len, frames_cap;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct replay *rp, const char *fmt, ...)
{
	va_list ap;

	fprintf(rp->err, "%s:%lu: ", rp->name, rp->lineno);
	va_start(ap, fmt);
	vfprintf(rp->err, fmt, ap);
	va_end(ap);
	fputc('\n', rp->err);
	return -1;
}

static int read_key(struct replay *rp, const char *name, json_t *v, __u64 *key)
{
	if (!json_is_string(v) || !json_string_length(v))
		return fail(rp, "\"%s\" must be a non-empty string", name);
	*key = intern_get(rp->in, json_string_value(v), json_string_length(v));
	return *key ? 0 : fail(rp, "out of memory");
}

static int read_uint(struct replay *rp, const char *name, json_t *v,
		     __u64 max, __u64 *val)
{
	json_int_t i = json_is_integer(v) ? json_integer_value(v) : -1;

	if (i < 0)
		return fail(rp, "\"%s\" must be a non-negative integer", name);
	if ((__u64)i > max)
		return fail(rp, "\"%s\" out of range", name);
	*val = i;
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

static unsigned int obj_type_by_name(const char *name)
{
	return obj_type_named(name);
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
		return read_uint(rp, f->name, v, INT64_MAX, p);
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
		return read_name(rp, f->name, v, obj_type_by_name, 0, p);
	case FK_PARENTS:
		return read_parents(rp, f->name, v, p);
	case FK_SNAP:
		return read_name(rp, f->name, v, snap_by_name, SNAP_STATUS_MAX, p);
	}
	return 0;
}

/* "needs "a" or "b"": one of the FL_EITHER fields of @row is required. */
static int needs_either(struct replay *rp, const struct record *row)
{
	char names[128];
	const struct field *f;
	size_t n = 0;

	names[0] = '\0';
	for (f = row->fields; f->name && n < sizeof(names); f++)
		if (f->flags & FL_EITHER)
			n += snprintf(names + n, sizeof(names) - n, "%s\"%s\"",
				      n ? " or " : "", f->name);
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
 * Object @o into @te.  Returns 1 if the line is to be skipped, 0, or -1 on
 * error.  An unknown "ev" gives type 0, which the model only counts.  Of
 * several errors the first is reported: ts, the task, then the event's own
 * fields, in the order of its row.
 */
static int parse_event(struct replay *rp, json_t *o, struct trace_event *te)
{
	json_t *ev = json_object_get(o, REC_EVENT);
	const struct record *row;

	memset(te, 0, sizeof(*te));
	if (!ev) {
		if (json_object_get(o, REC_FINDING) ||
		    json_object_get(o, REC_SUMMARY))
			return 1;
		return fail(rp, "missing \"" REC_EVENT "\"");
	}
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

static bool blank(const char *s, size_t len)
{
	while (len--)
		if (!strchr(" \t\r\n", *s++))
			return false;
	return true;
}

static int parse_line(struct replay *rp, const char *line, size_t len,
		      json_t **o)
{
	json_error_t jerr;

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
		if (blank(line, len))
			continue;
		ret = parse_line(rp, line, len, &o);
		if (!ret)
			ret = parse_event(rp, o, &te);
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
	struct report *r = NULL;
	struct model *m = NULL;
	int ret;

	rp.in = intern_new();
	if (rp.in)
		r = report_new(out, opts, &replay_cbs, &rp);
	if (r)
		m = model_new(&report_sink, r);
	if (!m) {
		fprintf(err, "%s: out of memory\n", name);
		goto out;
	}
	ret = feed_lines(&rp, in, m);
	if (!ret) {
		model_finish(m, false, &sum);
		report_summary(r, &sum);
		status = verdict_status(sum.verdict);
	}
	ret = report_flush(r);
	if (ret) {
		fprintf(err, "%s: write error: %s\n", name, strerror(-ret));
		status = status_worst(status, STATUS_ERROR);
	}
out:
	model_free(m);
	report_free(r);
	intern_free(rp.in);
	free(rp.frames);
	return status;
}

enum status replay_run(const char *path, const struct report_opts *opts)
{
	bool is_stdin = !strcmp(path, "-");
	FILE *in = is_stdin ? stdin : fopen(path, "r");
	enum status status;

	if (!in) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return STATUS_ERROR;
	}
	status = replay_file(in, is_stdin ? "<stdin>" : path, stdout, stderr,
			     opts);
	if (!is_stdin)
		fclose(in);
	return status;
}
