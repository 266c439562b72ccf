// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON-lines output of what vocab.c lists: the fields of each
 * event and finding from its row; the prose of a finding in text, written
 * out here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "report.h"

struct report {
	FILE *out;
	struct report_opts opts;
	struct report_cbs cbs;
	void *cb_arg;
};

/*
 * The record a field is printed from, and what decides whether it is:
 * the model's note on an event, the type of the object (of a finding, of
 * an aborted object), which also gives the prefix of its token.
 */
struct out_rec {
	const void *base;
	const struct ev_note *note;
	enum obj_type obj_type;
	enum obj_type parent_type;
};

static bool is_zero(const struct field *f, const void *p)
{
	return f->kind == FK_U32 ? !*(const __u32 *)p : !*(const __u64 *)p;
}

/* The field's member, NULL if it is not shown for this record. */
static const void *member(const struct field *f, const struct out_rec *rec)
{
	const void *base = rec->base, *p;

	if (f->flags & FL_NOTE) {
		if (!rec->note || !rec->note->orphaned)
			return NULL;
		base = rec->note;
	}
	if ((f->flags & FL_VDEV) && rec->obj_type != OBJ_VDEVICE)
		return NULL;
	p = (const char *)base + f->off;
	return (f->flags & FL_NONZERO) && is_zero(f, p) ? NULL : p;
}

static enum key_kind field_key(const struct field *f, const struct out_rec *rec)
{
	if (f->key == KEY_OF_TYPE)
		return obj_type_key(rec->obj_type);
	if (f->key == KEY_OF_PARENT)
		return obj_type_key(rec->parent_type);
	return f->key;
}

/* The parents of an event, which holds their types beside them. */
static const __u8 *parent_types(const struct field *f, const struct out_rec *rec)
{
	const struct trace_event *ev = rec->base;

	(void)f;
	return ev->ptype;
}

static __u64 counter_value(const struct counter *c,
			   const struct model_summary *s)
{
	return *(const __u64 *)((const char *)s + c->off);
}

/* Identifier as printed; @buf must hold 32 bytes. */
static const char *key_str(struct report *r, enum key_kind kind, __u64 key,
			   char *buf, size_t len)
{
	const char *s = NULL;

	if (r->cbs.fmt_key)
		s = r->cbs.fmt_key(r->cb_arg, kind, key, buf, len);
	if (!s) {
		snprintf(buf, len, "0x%llx", (unsigned long long)key);
		s = buf;
	}
	return s;
}

static int stack_frames(struct report *r, __u64 stack, const char **frames)
{
	if (!stack || !r->cbs.get_stack)
		return 0;
	return r->cbs.get_stack(r->cb_arg, stack, frames, REPORT_MAX_FRAMES);
}

/* comm is not always NUL-terminated. */
static void comm_str(const char *comm, char *buf)
{
	size_t n = strnlen(comm, TASK_COMM_LEN);

	memcpy(buf, comm, n);
	buf[n] = '\0';
}

/* --- JSON --- */

static void put(struct report *r, const char *s, size_t n)
{
	fwrite_unlocked(s, 1, n, r->out);
}

static void puts_(struct report *r, const char *s)
{
	fputs_unlocked(s, r->out);
}

/* Length of the valid UTF-8 sequence at @s, 0 if invalid. */
static int utf8_seq(const unsigned char *s)
{
	unsigned int c;
	int n, i;

	if (s[0] < 0xc2)
		return 0;
	if (s[0] < 0xe0) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] < 0xf0) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] < 0xf5) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

/* Quoted JSON string; bytes that are not UTF-8 (a comm can hold any) become U+FFFD. */
static void jstr(struct report *r, const char *str)
{
	const unsigned char *s = (const unsigned char *)str, *run = s;
	char esc[8];
	int n;

	putc_unlocked('"', r->out);
	while (*s) {
		if (*s >= 0x20 && *s != '"' && *s != '\\' && *s < 0x80) {
			s++;
			continue;
		}
		if (*s >= 0x80 && (n = utf8_seq(s))) {
			s += n;
			continue;
		}
		put(r, (const char *)run, s - run);
		if (*s == '"' || *s == '\\') {
			esc[0] = '\\';
			esc[1] = *s;
			put(r, esc, 2);
		} else if (*s >= 0x80) {
			puts_(r, "\\ufffd");
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x", *s);
			puts_(r, esc);
		}
		run = ++s;
	}
	put(r, (const char *)run, s - run);
	putc_unlocked('"', r->out);
}

/* "name": of the first member */
static void jmember(struct report *r, const char *name)
{
	putc_unlocked('"', r->out);
	puts_(r, name);
	putc_unlocked('"', r->out);
	putc_unlocked(':', r->out);
}

static void jname(struct report *r, const char *name)
{
	putc_unlocked(',', r->out);
	jmember(r, name);
}

static void put_dec(struct report *r, __u64 v)
{
	char buf[NUMFMT_MAX], *end = buf + sizeof(buf), *s = fmt_dec(end, v, 1);

	put(r, s, end - s);
}

static void put_s64(struct report *r, __s64 v)
{
	if (v < 0)
		putc_unlocked('-', r->out);
	put_dec(r, v < 0 ? -(__u64)v : (__u64)v);
}

/*
 * An unsigned number: above 2^63 - 1, which JSON readers like jansson
 * cannot hold as an integer, a string of its decimal digits.
 */
static void jdigits(struct report *r, __u64 v)
{
	bool str = v > INT64_MAX;

	if (str)
		putc_unlocked('"', r->out);
	put_dec(r, v);
	if (str)
		putc_unlocked('"', r->out);
}

static void ju64(struct report *r, const char *name, __u64 v)
{
	jname(r, name);
	jdigits(r, v);
}

static void js64(struct report *r, const char *name, __s64 v)
{
	jname(r, name);
	put_s64(r, v);
}

static void jkey(struct report *r, const char *name, enum key_kind kind,
		 __u64 key)
{
	char buf[32];

	if (!key)
		return;
	jname(r, name);
	jstr(r, key_str(r, kind, key, buf, sizeof(buf)));
}

static void jstack(struct report *r, const char *name, __u64 stack)
{
	const char *frames[REPORT_MAX_FRAMES];
	int i, n = stack_frames(r, stack, frames);

	if (n <= 0)
		return;
	jname(r, name);
	putc_unlocked('[', r->out);
	for (i = 0; i < n; i++) {
		if (i)
			putc_unlocked(',', r->out);
		jstr(r, frames[i]);
	}
	putc_unlocked(']', r->out);
}

/* "name":["k1","k2"] of the parents that are there; nothing if none. */
static void jparents(struct report *r, const struct field *f,
		     const struct out_rec *rec, const __u64 *keys)
{
	const __u8 *types = parent_types(f, rec);
	const char *sep = "[";
	char buf[32];
	int i;

	for (i = 0; i < OBJ_PARENTS; i++) {
		if (!keys[i])
			continue;
		if (*sep == '[')
			jname(r, f->name);
		puts_(r, sep);
		jstr(r, key_str(r, obj_type_key(types[i]), keys[i], buf, sizeof(buf)));
		sep = ",";
	}
	if (*sep == ',')
		putc_unlocked(']', r->out);
}

static void json_field(struct report *r, const struct field *f,
		       const struct out_rec *rec)
{
	const void *p = member(f, rec);
	const struct task *t = p;
	char cbuf[TASK_COMM_LEN + 1];

	if (!p)
		return;
	switch (f->kind) {
	case FK_KEY:
		jkey(r, f->name, field_key(f, rec), *(const __u64 *)p);
		break;
	case FK_U32:
		ju64(r, f->name, *(const __u32 *)p);
		break;
	case FK_S32:
		js64(r, f->name, *(const __s32 *)p);
		break;
	case FK_U64:
	case FK_HEX:
		ju64(r, f->name, *(const __u64 *)p);
		break;
	case FK_OBJ_TYPE:
		if (*(const enum obj_type *)p) {
			jname(r, f->name);
			jstr(r, obj_type_name(*(const enum obj_type *)p));
		}
		break;
	case FK_PARENTS:
		jparents(r, f, rec, p);
		break;
	case FK_SNAP:
		jname(r, f->name);
		jstr(r, snap_status_name(*(const enum snap_status *)p));
		break;
	case FK_PID:
		if (t->has_pid)
			ju64(r, f->name, t->pid);
		break;
	case FK_COMM:
		if (t->has_pid) {
			jname(r, f->name);
			comm_str(t->comm, cbuf);
			jstr(r, cbuf);
		}
		break;
	case FK_STACK:
		jstack(r, f->name, t->stack);
		break;
	case FK_STR:
		if (*(const char *const *)p) {
			jname(r, f->name);
			jstr(r, *(const char *const *)p);
		}
		break;
	}
}

static void json_fields(struct report *r, const struct field *f,
			const struct out_rec *rec)
{
	for (; f->name; f++)
		json_field(r, f, rec);
}

static void json_event(struct report *r, const struct record *row,
		       const struct trace_event *ev, const struct ev_note *note)
{
	const struct out_rec rec = { .base = ev, .note = note,
				     .obj_type = ev->obj_type };

	puts_(r, "{\"" REC_EVENT "\":");
	jstr(r, row->name);
	json_fields(r, ev_head, &rec);
	json_fields(r, row->fields, &rec);
	json_fields(r, ev_tail, &rec);
	puts_(r, "}\n");
}

static void json_finding(struct report *r, const struct finding *f)
{
	const struct out_rec rec = { .base = f, .obj_type = f->obj_type,
				     .parent_type = f->parent_type };

	puts_(r, "{\"" REC_FINDING "\":");
	jstr(r, finding_record(f->type)->name);
	json_fields(r, finding_record(f->type)->fields, &rec);
	puts_(r, "}\n");
}

static void json_summary(struct report *r, const struct model_summary *s)
{
	size_t i;

	puts_(r, "{\"" REC_SUMMARY "\":{");
	for (i = 0; i < ncounters; i++) {
		if (i)
			putc_unlocked(',', r->out);
		jmember(r, counters[i].name);
		jdigits(r, counter_value(&counters[i], s));
	}
	jname(r, "objects");
	putc_unlocked('{', r->out);
	for (i = 1; i < OBJ_TYPE_MAX; i++) {
		if (i > 1)
			putc_unlocked(',', r->out);
		jmember(r, obj_type_name(i));
		jdigits(r, s->objects[i]);
	}
	putc_unlocked('}', r->out);
	jname(r, "snapshot");
	jstr(r, snap_status_name(s->snapshot));
	ju64(r, "contexts", s->contexts);
	jname(r, SUMMARY_VERDICT);
	jstr(r, verdict_name(s->verdict));
	puts_(r, "}}\n");
}

/* --- text --- */

/*
 * Length of the character at @s if a terminal shows it as it is: printable
 * ASCII, or a valid UTF-8 sequence but for the C1 controls (U+0080 to
 * U+009F: U+009B is a CSI to some terminals); 0 if it must be escaped.
 */
static int printable(const unsigned char *s)
{
	if (*s >= 0x20 && *s < 0x7f)
		return 1;
	if (s[0] == 0xc2 && s[1] < 0xa0)
		return 0;
	return utf8_seq(s);
}

void text_escape(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str, *run = s;
	int n;

	while (*s) {
		if (*s != '\\' && (n = printable(s))) {
			s += n;
			continue;
		}
		fwrite_unlocked(run, 1, s - run, out);
		fprintf(out, "\\x%02x", *s);
		run = ++s;
	}
	fwrite_unlocked(run, 1, s - run, out);
}

/* " name=" of a field */
static void tname(struct report *r, const char *name)
{
	putc_unlocked(' ', r->out);
	puts_(r, name);
	putc_unlocked('=', r->out);
}

static void thex(struct report *r, __u64 v)
{
	char buf[NUMFMT_MAX], *end = buf + sizeof(buf), *s = fmt_0x(end, v);

	put(r, s, end - s);
}

/* Identifiers, comms and frames can hold anything a trace file holds. */
static void tident(struct report *r, enum key_kind kind, __u64 key)
{
	char buf[32];

	text_escape(r->out, key_str(r, kind, key, buf, sizeof(buf)));
}

static void tkey(struct report *r, const char *name, enum key_kind kind,
		 __u64 key)
{
	if (!key)
		return;
	tname(r, name);
	tident(r, kind, key);
}

static void tcomm(struct report *r, const char *comm)
{
	char buf[TASK_COMM_LEN + 1];

	comm_str(comm, buf);
	text_escape(r->out, buf);
}

/* " name=k1,k2" of the parents that are there; nothing if none. */
static void tparents(struct report *r, const struct field *f,
		     const struct out_rec *rec, const __u64 *keys)
{
	const __u8 *types = parent_types(f, rec);
	char sep = '=';
	int i;

	for (i = 0; i < OBJ_PARENTS; i++) {
		if (!keys[i])
			continue;
		if (sep == '=') {
			putc_unlocked(' ', r->out);
			puts_(r, f->name);
		}
		putc_unlocked(sep, r->out);
		tident(r, obj_type_key(types[i]), keys[i]);
		sep = ',';
	}
}

static void text_field(struct report *r, const struct field *f,
		       const struct out_rec *rec)
{
	const void *p = member(f, rec);
	const struct task *t = p;

	if (!p)
		return;
	switch (f->kind) {
	case FK_KEY:
		tkey(r, f->name, field_key(f, rec), *(const __u64 *)p);
		break;
	case FK_U32:
		tname(r, f->name);
		put_dec(r, *(const __u32 *)p);
		break;
	case FK_S32:
		tname(r, f->name);
		put_s64(r, *(const __s32 *)p);
		break;
	case FK_U64:
		tname(r, f->name);
		put_dec(r, *(const __u64 *)p);
		break;
	case FK_HEX:
		tname(r, f->name);
		thex(r, *(const __u64 *)p);
		break;
	case FK_OBJ_TYPE:
		if (*(const enum obj_type *)p) {
			tname(r, f->name);
			puts_(r, obj_type_name(*(const enum obj_type *)p));
		}
		break;
	case FK_PARENTS:
		tparents(r, f, rec, p);
		break;
	case FK_SNAP:
		tname(r, f->name);
		puts_(r, snap_status_name(*(const enum snap_status *)p));
		break;
	case FK_PID:
		if (t->has_pid) {
			tname(r, f->name);
			put_dec(r, t->pid);
		}
		break;
	case FK_COMM:
		if (t->has_pid) {
			tname(r, f->name);
			tcomm(r, t->comm);
		}
		break;
	case FK_STACK:		/* only under findings */
	case FK_STR:		/* only in findings, in their prose */
		break;
	}
}

static void text_fields(struct report *r, const struct field *f,
			const struct out_rec *rec)
{
	for (; f->name; f++)
		text_field(r, f, rec);
}

/* Event names are padded to this width, so that their fields line up. */
#define EV_NAME_COLUMN 12

/* The time and the name lead the line: ev_head is not printed as a field. */
static void text_event(struct report *r, const struct record *row,
		       const struct trace_event *ev, const struct ev_note *note)
{
	const struct out_rec rec = { .base = ev, .note = note,
				     .obj_type = ev->obj_type };
	char us[6];
	size_t n;

	put_dec(r, ev->ts / 1000000000);
	putc_unlocked('.', r->out);
	put(r, fmt_dec(us + sizeof(us), ev->ts % 1000000000 / 1000, 6), sizeof(us));
	putc_unlocked(' ', r->out);
	puts_(r, row->name);
	for (n = strlen(row->name); n < EV_NAME_COLUMN; n++)
		putc_unlocked(' ', r->out);
	text_fields(r, row->fields, &rec);
	text_fields(r, ev_tail, &rec);
	putc_unlocked('\n', r->out);
}

/* "FINDING name: ", "FINDING name in test TEST: " */
static void text_finding_head(struct report *r, const struct finding *f)
{
	fprintf(r->out, "FINDING %s", finding_record(f->type)->name);
	if (f->test) {
		fputs(" in test ", r->out);
		text_escape(r->out, f->test);
	}
	fputs(": ", r->out);
}

/* "TYPE ID (virt_id 0x..)" of the object of a finding. */
static void tobject(struct report *r, enum obj_type type, __u32 id,
		    __u64 virt_id)
{
	fprintf(r->out, "%s %u", obj_type_name(type), id);
	if (type == OBJ_VDEVICE)
		fprintf(r->out, " (virt_id 0x%llx)", virt_id);
}

/* "pid N COMM" of @t, or @none. */
static void ttask(struct report *r, const struct task *t, const char *none)
{
	if (!t->has_pid) {
		fputs(none, r->out);
		return;
	}
	fprintf(r->out, "pid %u ", t->pid);
	tcomm(r, t->comm);
}

static void text_orphan(struct report *r, const struct finding *f)
{
	const char *frames[REPORT_MAX_FRAMES];
	int i, n;

	tobject(r, OBJ_VDEVICE, f->id, f->virt_id);
	if (f->in_snapshot) {
		fputs(" in ictx ", r->out);
		tident(r, KEY_ICTX, f->ictx);
		fputs(" has no device bound in its context (found in a snapshot; held by ",
		      r->out);
		ttask(r, &f->task, "a task unknown");
		fputs(") [vdev ", r->out);
		tident(r, KEY_VDEV, f->obj);
		fputs("]\n", r->out);
		return;
	}
	fprintf(r->out, " of device %u in ictx ", f->idev_id);
	tident(r, KEY_ICTX, f->ictx);
	fputs(" outlived its unbind (", r->out);
	ttask(r, &f->task, "task unknown");
	fputs(") [vdev ", r->out);
	tident(r, KEY_VDEV, f->obj);
	fputs(" idev ", r->out);
	tident(r, KEY_IDEV, f->idev);
	fputs("]\n", r->out);
	n = stack_frames(r, f->task.stack, frames);
	for (i = 0; i < n; i++) {
		fputs("    ", r->out);
		text_escape(r->out, frames[i]);
		fputc('\n', r->out);
	}
}

static void text_finding(struct report *r, const struct finding *f)
{
	text_finding_head(r, f);
	if (f->type == FINDING_ORPHAN) {
		text_orphan(r, f);
		return;
	}
	tobject(r, f->obj_type, f->id, f->virt_id);
	if (f->type == FINDING_LEAK) {
		fputs(" still alive at release of ictx ", r->out);
		tident(r, KEY_ICTX, f->ictx);
		fputs(" [obj ", r->out);
		tident(r, obj_type_key(f->obj_type), f->obj);
		fputs("]\n", r->out);
		return;
	}
	fputs(" in ictx ", r->out);
	tident(r, KEY_ICTX, f->ictx);
	fprintf(r->out, " still alive when %s %u, which it holds, was destroyed [obj ",
		obj_type_name(f->parent_type), f->parent_id);
	tident(r, obj_type_key(f->obj_type), f->obj);
	fputs(" parent ", r->out);
	tident(r, obj_type_key(f->parent_type), f->parent);
	fputs("]\n", r->out);
}

/* "@title: N text, ..." of the counters on that line. */
static void text_counters(struct report *r, const struct model_summary *s,
			  const char *title, bool anomaly)
{
	const char *sep = ": ";
	size_t i;

	fputs(title, r->out);
	for (i = 0; i < ncounters; i++) {
		if (!counters[i].text || counters[i].anomaly != anomaly)
			continue;
		fprintf(r->out, "%s%llu %s", sep, counter_value(&counters[i], s),
			counters[i].text);
		sep = ", ";
	}
	fputc('\n', r->out);
}

static void text_summary(struct report *r, const struct model_summary *s)
{
	const char *sep = ": ";
	size_t i;

	text_counters(r, s, "summary", false);
	fputs("objects", r->out);
	for (i = 1; i < OBJ_TYPE_MAX; i++) {
		if (!s->objects[i])
			continue;
		fprintf(r->out, "%s%llu %s", sep, s->objects[i], obj_type_name(i));
		sep = ", ";
	}
	fprintf(r->out, "%s\nsnapshot: %s", *sep == ':' ? ": none" : "",
		snap_status_text(s->snapshot));
	if (s->snapshot == SNAP_TAKEN)
		fprintf(r->out, ", %llu objects in %u contexts", s->at_start, s->contexts);
	fputc('\n', r->out);
	for (i = 0; i < ncounters; i++)
		if (counters[i].anomaly && counter_value(&counters[i], s)) {
			text_counters(r, s, "anomalies", true);
			break;
		}
	fprintf(r->out, "verdict: %s\n", verdict_name(s->verdict));
}

/* --- ps --- */

void report_context(struct report *r, const struct report_ctx *c)
{
	if (r->opts.format == REPORT_JSON)
		return;
	fputs("ictx ", r->out);
	tident(r, KEY_ICTX, c->ictx);
	fprintf(r->out, ": %zu objects", c->objects);
	if (c->others)
		fprintf(r->out, " (+%zu of other types)", c->others);
	if (c->reserved)
		fprintf(r->out, ", %u ids reserved (tombstones, or objects being made)",
			c->reserved);
	fputs(", held by ", r->out);
	ttask(r, &c->task, "?");
	fprintf(r->out, " (fd %u)%s\n", c->fd,
		c->incomplete ? "; its walk stopped early: objects may be missing" : "");
}

void report_owner(struct report *r, const struct task *t, __u32 fd)
{
	if (r->opts.format == REPORT_JSON)
		return;
	fputs("  also held by ", r->out);
	ttask(r, t, "?");
	fprintf(r->out, " (fd %u)\n", fd);
}

void report_object(struct report *r, const struct trace_event *ev, int depth)
{
	const struct out_rec rec = { .base = ev, .obj_type = ev->obj_type };
	const struct field *f;

	if (r->opts.format == REPORT_JSON) {
		puts_(r, "{\"" REC_OBJECT "\":");
		jstr(r, obj_type_name(ev->obj_type));
		json_fields(r, object_fields, &rec);
		puts_(r, "}\n");
		return;
	}
	fprintf(r->out, "%*s%s", 2 + 2 * depth, "", obj_type_name(ev->obj_type));
	for (f = object_fields; f->name; f++)
		if (!(f->flags & FL_CONTEXT))
			text_field(r, f, &rec);
	fputc('\n', r->out);
}

/* --- API --- */

void report_event(struct report *r, const struct trace_event *ev,
		  const struct ev_note *note)
{
	const struct record *row = ev_record(ev->type);

	if (r->opts.no_events || !row)
		return;
	if (r->opts.format == REPORT_JSON)
		json_event(r, row, ev, note);
	else
		text_event(r, row, ev, note);
}

void report_finding(struct report *r, const struct finding *f)
{
	if (r->opts.format == REPORT_JSON)
		json_finding(r, f);
	else
		text_finding(r, f);
}

void report_summary(struct report *r, const struct model_summary *sum)
{
	if (r->opts.format == REPORT_JSON)
		json_summary(r, sum);
	else
		text_summary(r, sum);
}

int report_flush(struct report *r)
{
	if (fflush(r->out))
		return -errno;
	return ferror(r->out) ? -EIO : 0;
}

struct report *report_new(FILE *out, const struct report_opts *opts,
			  const struct report_cbs *cbs, void *cb_arg)
{
	struct report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->out = out;
	r->opts = *opts;
	if (cbs)
		r->cbs = *cbs;
	r->cb_arg = cb_arg;
	return r;
}

void report_free(struct report *r)
{
	free(r);
}

static void sink_event(void *arg, const struct trace_event *ev,
		       const struct ev_note *note)
{
	report_event(arg, ev, note);
}

static void sink_finding(void *arg, const struct finding *f)
{
	report_finding(arg, f);
}

const struct model_sink report_sink = {
	.event = sink_event,
	.finding = sink_finding,
};
