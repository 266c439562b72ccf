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
#include "replay_fields.h"
#include "replay.h"

struct replay {
	struct intern *in;
	const char *name;
	unsigned long lineno;
	FILE *err;
	struct line_fields lf;
};

static const struct {
	const char *name;
	unsigned int type;
} ev_types[] = {
	{ "bind",		EV_BIND },
	{ "vdev_alloc",		EV_VDEV_ALLOC },
	{ "unbind",		EV_UNBIND },
	{ "unbind_done",	EV_UNBIND_DONE },
	{ "vdev_destroy",	EV_VDEV_DESTROY },
	{ "obj_remove",		EV_OBJ_REMOVE },
	{ "ctx_release",	EV_CTX_RELEASE },
	{ "obj_abort",		EV_OBJ_ABORT },
	{ "lost",		EV_LOST },
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

/* The fields of a line jansson parsed. */
static int json_fields(struct replay *rp, json_t *o)
{
	struct line_fields *lf = &rp->lf;
	const char *k;
	json_t *v, *e;
	struct field *f;
	size_t i;
	int id;

	fields_clear(lf);
	json_object_foreach(o, k, v) {
		id = field_lookup(k, strlen(k));
		if (id < 0)
			continue;
		f = &lf->f[id];
		f->kind = FK_OTHER;
		if (json_is_string(v)) {
			f->kind = FK_STR;
			f->s = json_string_value(v);
			f->len = json_string_length(v);
		} else if (json_is_integer(v)) {
			f->kind = FK_INT;
			f->i = json_integer_value(v);
		} else if (json_is_array(v) && id == FLD_STACK) {
			json_array_foreach(v, i, e) {
				if (!json_is_string(e))
					break;
				if (frames_add(lf, json_string_value(e),
					       json_string_length(e)))
					return fail(rp, "out of memory");
			}
			if (i < json_array_size(v))
				continue;
			f->kind = FK_FRAMES;
			f->s = lf->frames;
			f->len = lf->frames_len;
		}
	}
	return 0;
}

static const struct field *field(struct replay *rp, enum field_id id)
{
	return &rp->lf.f[id];
}

/* Identifier field @id of event @ev into *@key; absent is 0, or an error if @required. */
static int get_key(struct replay *rp, const char *ev, enum field_id id,
		   bool required, __u64 *key)
{
	const struct field *f = field(rp, id);

	*key = 0;
	if (f->kind == FK_ABSENT)
		return required ? fail(rp, "event \"%s\" needs \"%s\"", ev,
				       field_name(id)) : 0;
	if (f->kind != FK_STR || !f->len)
		return fail(rp, "\"%s\" must be a non-empty string",
			    field_name(id));
	*key = intern_get(rp->in, f->s, f->len);
	if (!*key)
		return fail(rp, "out of memory");
	return 0;
}

static int get_uint(struct replay *rp, const char *ev, enum field_id id,
		    bool required, __u64 max, __u64 *val)
{
	const struct field *f = field(rp, id);

	*val = 0;
	if (f->kind == FK_ABSENT)
		return required ? fail(rp, "event \"%s\" needs \"%s\"", ev,
				       field_name(id)) : 0;
	if (f->kind != FK_INT || f->i < 0)
		return fail(rp, "\"%s\" must be a non-negative integer",
			    field_name(id));
	if ((__u64)f->i > max)
		return fail(rp, "\"%s\" out of range", field_name(id));
	*val = f->i;
	return 0;
}

static int get_u32(struct replay *rp, const char *ev, enum field_id id,
		   __u32 *val)
{
	__u64 v;

	if (get_uint(rp, ev, id, true, UINT32_MAX, &v))
		return -1;
	*val = v;
	return 0;
}

static int get_ret(struct replay *rp, const char *ev, __s32 *ret)
{
	const struct field *f = field(rp, FLD_RET);

	if (f->kind == FK_ABSENT)
		return fail(rp, "event \"%s\" needs \"ret\"", ev);
	if (f->kind != FK_INT)
		return fail(rp, "\"ret\" must be an integer");
	if (f->i < INT32_MIN || f->i > INT32_MAX)
		return fail(rp, "\"ret\" out of range");
	*ret = f->i;
	return 0;
}

/* pid, comm and stack; the frames, joined by NULs, become one key. */
static int get_task(struct replay *rp, const char *ev, struct task *t)
{
	const struct field *comm = field(rp, FLD_COMM);
	const struct field *stack = field(rp, FLD_STACK);
	__u64 pid;

	if (get_uint(rp, ev, FLD_PID, false, UINT32_MAX, &pid))
		return -1;
	t->has_pid = field(rp, FLD_PID)->kind != FK_ABSENT;
	t->pid = pid;
	if (comm->kind != FK_ABSENT) {
		if (comm->kind != FK_STR)
			return fail(rp, "\"comm\" must be a string");
		memcpy(t->comm, comm->s, comm->len < sizeof(t->comm) - 1 ?
		       comm->len : sizeof(t->comm) - 1);
	}
	if (stack->kind == FK_ABSENT)
		return 0;
	if (stack->kind != FK_FRAMES)
		return fail(rp, "\"stack\" must be an array of strings");
	if (!stack->len)
		return 0;
	t->stack = intern_get(rp->in, stack->s, stack->len);
	return t->stack ? 0 : fail(rp, "out of memory");
}

/*
 * The parsed line into @te.  Returns 1 if the line is to be skipped, 0, or
 * -1 on error.  An unknown "ev" gives type 0, which the model only counts.
 */
static int parse_event(struct replay *rp, struct trace_event *te)
{
	const struct field *f = field(rp, FLD_EV);
	char ev[16];
	__u64 id = 0;
	size_t i;

	memset(te, 0, sizeof(*te));
	if (f->kind == FK_ABSENT) {
		if (field(rp, FLD_FINDING)->kind != FK_ABSENT ||
		    field(rp, FLD_SUMMARY)->kind != FK_ABSENT)
			return 1;
		return fail(rp, "missing \"ev\"");
	}
	if (f->kind != FK_STR)
		return fail(rp, "\"ev\" must be a string");
	if (f->len >= sizeof(ev))
		return 0;
	memcpy(ev, f->s, f->len);
	ev[f->len] = '\0';
	for (i = 0; i < sizeof(ev_types) / sizeof(ev_types[0]); i++)
		if (!strcmp(ev, ev_types[i].name))
			break;
	if (i == sizeof(ev_types) / sizeof(ev_types[0]))
		return 0;
	te->type = ev_types[i].type;

	if (get_uint(rp, ev, FLD_TS, true, INT64_MAX, &te->ts) ||
	    get_task(rp, ev, &te->task))
		return -1;
	if (te->type == EV_LOST)
		return get_uint(rp, ev, FLD_COUNT, true, INT64_MAX, &te->count);
	if (get_key(rp, ev, FLD_ICTX, true, &te->ictx))
		return -1;

	switch (te->type) {
	case EV_BIND:
		if (get_key(rp, ev, FLD_IDEV, true, &te->obj) ||
		    get_u32(rp, ev, FLD_ID, &te->id) ||
		    get_key(rp, ev, FLD_DEV, false, &te->dev))
			return -1;
		break;
	case EV_VDEV_ALLOC:
		if (get_key(rp, ev, FLD_VDEV, true, &te->obj) ||
		    get_u32(rp, ev, FLD_ID, &te->id) ||
		    get_uint(rp, ev, FLD_VIRT_ID, true, INT64_MAX, &te->virt_id) ||
		    get_key(rp, ev, FLD_IDEV, false, &te->idev) ||
		    get_key(rp, ev, FLD_DEV, false, &te->dev))
			return -1;
		if (!te->idev && !te->dev)
			return fail(rp, "event \"%s\" needs \"idev\" or \"dev\"", ev);
		break;
	case EV_UNBIND:
	case EV_UNBIND_DONE:
		return get_key(rp, ev, FLD_IDEV, true, &te->obj);
	case EV_VDEV_DESTROY:
		return get_key(rp, ev, FLD_VDEV, true, &te->obj);
	case EV_OBJ_REMOVE:
		if (get_uint(rp, ev, FLD_ID, true, UINT32_MAX, &id) ||
		    get_ret(rp, ev, &te->ret))
			return -1;
		te->id = id;
		break;
	case EV_OBJ_ABORT:
		return get_key(rp, ev, FLD_OBJ, true, &te->obj);
	default:
		break;
	}
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
	return json_fields(rp, *o);
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
			ret = parse_event(rp, &te);
		if (!ret && model_feed(m, &te))
			ret = fail(rp, "out of memory");
		json_decref(o);	/* after parse_event: the fields point into it */
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
	free(rp.lf.frames);
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
