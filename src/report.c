// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON-lines output.  The JSON lines are a contract (CI scripts,
 * replay reads them back); ts in ns, identifiers are opaque strings,
 * readers ignore unknown fields:
 *
 * {"ev":"bind","ts":1,"ictx":"c1","idev":"d1","id":1,"dev":"p1"}
 * {"ev":"vdev_alloc","ts":2,"ictx":"c1","vdev":"v1","id":3,"virt_id":153,"idev":"d1"}
 *	("idev" only when the kernel has one, "dev" when known)
 * {"ev":"unbind","ts":3,"ictx":"c1","idev":"d1"}
 * {"ev":"unbind_done","ts":4,"ictx":"c1","idev":"d1"}
 * {"ev":"vdev_destroy","ts":5,"ictx":"c1","vdev":"v1"}	(+ "orphaned_ns")
 * {"ev":"obj_remove","ts":6,"ictx":"c1","id":3,"ret":0}
 * {"ev":"ctx_release","ts":7,"ictx":"c1"}
 * {"ev":"obj_abort","ts":8,"ictx":"c1","obj":"v9"}
 * {"ev":"lost","ts":8,"count":5}
 *	any event: "pid":N,"comm":"s","stack":["frame",...]
 * {"finding":"orphaned_vdevice","ts":..,"ictx":..,"vdev":..,"vdev_id":3,
 *  "virt_id":153,"idev":..,"idev_id":1,"pid":..,"comm":..,"stack":[...]}
 * {"finding":"leaked_object","ts":..,"ictx":..,"type":"vdevice"|"device",
 *  "id":..,"obj":..}	(+ "virt_id" for a vdevice)
 * {"summary":{"events":N,"orphans":N,"leaks":N,"untracked":N,"lost":N,
 *  "live":N,"stale":N,"unexpected":N,"unknown_events":N,"removes":N,
 *  "verdict":"clean"|"findings"|"inconclusive"}}	(last line)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

struct report {
	FILE *out;
	struct report_opts opts;
	struct report_cbs cbs;
	void *cb_arg;
};

static const char *const ev_names[] = {
	[EV_BIND]		= "bind",
	[EV_VDEV_ALLOC]		= "vdev_alloc",
	[EV_UNBIND]		= "unbind",
	[EV_UNBIND_DONE]	= "unbind_done",
	[EV_VDEV_DESTROY]	= "vdev_destroy",
	[EV_OBJ_REMOVE]		= "obj_remove",
	[EV_CTX_RELEASE]	= "ctx_release",
	[EV_OBJ_ABORT]		= "obj_abort",
	[EV_LOST]		= "lost",
};

static const char *ev_name(const struct trace_event *ev)
{
	unsigned int t = ev->type;

	if (t < sizeof(ev_names) / sizeof(ev_names[0]) && ev_names[t])
		return ev_names[t];
	return "unknown";
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

static void jname(struct report *r, const char *name)
{
	putc_unlocked(',', r->out);
	putc_unlocked('"', r->out);
	puts_(r, name);
	putc_unlocked('"', r->out);
	putc_unlocked(':', r->out);
}

static void ju64(struct report *r, const char *name, __u64 v)
{
	char buf[24], *p = buf + sizeof(buf);

	jname(r, name);
	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	put(r, p, buf + sizeof(buf) - p);
}

static void js64(struct report *r, const char *name, __s64 v)
{
	if (v >= 0) {
		ju64(r, name, v);
		return;
	}
	jname(r, name);
	fprintf(r->out, "%lld", (long long)v);
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

static void jtask(struct report *r, const struct task *t)
{
	const char *frames[REPORT_MAX_FRAMES];
	char cbuf[TASK_COMM_LEN + 1];
	int i, n;

	if (t->has_pid) {
		ju64(r, "pid", t->pid);
		jname(r, "comm");
		comm_str(t->comm, cbuf);
		jstr(r, cbuf);
	}
	n = stack_frames(r, t->stack, frames);
	if (n <= 0)
		return;
	jname(r, "stack");
	putc_unlocked('[', r->out);
	for (i = 0; i < n; i++) {
		if (i)
			putc_unlocked(',', r->out);
		jstr(r, frames[i]);
	}
	putc_unlocked(']', r->out);
}

static void json_event(struct report *r, const struct trace_event *ev,
		       const struct ev_note *note)
{
	puts_(r, "{\"ev\":");
	jstr(r, ev_name(ev));
	ju64(r, "ts", ev->ts);
	if (ev->type != EV_LOST)
		jkey(r, "ictx", KEY_ICTX, ev->ictx);
	switch ((unsigned int)ev->type) {
	case EV_BIND:
		jkey(r, "idev", KEY_IDEV, ev->obj);
		ju64(r, "id", ev->id);
		jkey(r, "dev", KEY_DEV, ev->dev);
		break;
	case EV_VDEV_ALLOC:
		jkey(r, "vdev", KEY_VDEV, ev->obj);
		ju64(r, "id", ev->id);
		ju64(r, "virt_id", ev->virt_id);
		jkey(r, "idev", KEY_IDEV, ev->idev);
		jkey(r, "dev", KEY_DEV, ev->dev);
		break;
	case EV_UNBIND:
	case EV_UNBIND_DONE:
		jkey(r, "idev", KEY_IDEV, ev->obj);
		break;
	case EV_VDEV_DESTROY:
		jkey(r, "vdev", KEY_VDEV, ev->obj);
		if (note->orphaned)
			ju64(r, "orphaned_ns", note->orphaned_ns);
		break;
	case EV_OBJ_REMOVE:
		ju64(r, "id", ev->id);
		js64(r, "ret", ev->ret);
		break;
	case EV_OBJ_ABORT:
		jkey(r, "obj", KEY_OBJ, ev->obj);
		break;
	case EV_LOST:
		ju64(r, "count", ev->count);
		break;
	}
	jtask(r, &ev->task);
	puts_(r, "}\n");
}

static void json_finding(struct report *r, const struct finding *f)
{
	if (f->type == FINDING_ORPHAN) {
		puts_(r, "{\"finding\":\"orphaned_vdevice\"");
		ju64(r, "ts", f->ts);
		jkey(r, "ictx", KEY_ICTX, f->ictx);
		jkey(r, "vdev", KEY_VDEV, f->obj);
		ju64(r, "vdev_id", f->id);
		ju64(r, "virt_id", f->virt_id);
		jkey(r, "idev", KEY_IDEV, f->idev);
		ju64(r, "idev_id", f->idev_id);
		jtask(r, &f->task);
	} else {
		puts_(r, "{\"finding\":\"leaked_object\"");
		ju64(r, "ts", f->ts);
		jkey(r, "ictx", KEY_ICTX, f->ictx);
		jname(r, "type");
		jstr(r, f->is_vdev ? "vdevice" : "device");
		ju64(r, "id", f->id);
		jkey(r, "obj", f->is_vdev ? KEY_VDEV : KEY_IDEV, f->obj);
		if (f->is_vdev)
			ju64(r, "virt_id", f->virt_id);
	}
	puts_(r, "}\n");
}

static void json_summary(struct report *r, const struct model_summary *s)
{
	fprintf(r->out, "{\"summary\":{\"events\":%llu,\"orphans\":%llu,"
		"\"leaks\":%llu,\"untracked\":%llu,\"lost\":%llu,\"live\":%llu,"
		"\"stale\":%llu,\"unexpected\":%llu,\"unknown_events\":%llu,"
		"\"removes\":%llu,\"verdict\":\"%s\"}}\n",
		s->events, s->orphans, s->leaks, s->untracked, s->lost,
		s->live, s->stale, s->unexpected, s->unknown_events,
		s->removes, verdict_name(s->verdict));
}

/* --- text --- */

static void tkey(struct report *r, const char *name, enum key_kind kind,
		 __u64 key)
{
	char buf[32];

	if (key)
		fprintf(r->out, " %s=%s", name,
			key_str(r, kind, key, buf, sizeof(buf)));
}

/* A comm is for humans here: keep the line on one line. */
static void tcomm(struct report *r, const char *comm)
{
	char buf[TASK_COMM_LEN + 1], *p;

	comm_str(comm, buf);
	for (p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	fputs(buf, r->out);
}

static void text_event(struct report *r, const struct trace_event *ev,
		       const struct ev_note *note)
{
	fprintf(r->out, "%llu.%06llu %-12s", ev->ts / 1000000000,
		ev->ts % 1000000000 / 1000, ev_name(ev));
	if (ev->type != EV_LOST)
		tkey(r, "ictx", KEY_ICTX, ev->ictx);
	switch ((unsigned int)ev->type) {
	case EV_BIND:
		tkey(r, "idev", KEY_IDEV, ev->obj);
		fprintf(r->out, " id=%u", ev->id);
		tkey(r, "dev", KEY_DEV, ev->dev);
		break;
	case EV_VDEV_ALLOC:
		tkey(r, "vdev", KEY_VDEV, ev->obj);
		fprintf(r->out, " id=%u virt_id=0x%llx", ev->id, ev->virt_id);
		tkey(r, "idev", KEY_IDEV, ev->idev);
		tkey(r, "dev", KEY_DEV, ev->dev);
		break;
	case EV_UNBIND:
	case EV_UNBIND_DONE:
		tkey(r, "idev", KEY_IDEV, ev->obj);
		break;
	case EV_VDEV_DESTROY:
		tkey(r, "vdev", KEY_VDEV, ev->obj);
		if (note->orphaned)
			fprintf(r->out, " orphaned_ns=%llu", note->orphaned_ns);
		break;
	case EV_OBJ_REMOVE:
		fprintf(r->out, " id=%u ret=%d", ev->id, ev->ret);
		break;
	case EV_OBJ_ABORT:
		tkey(r, "obj", KEY_OBJ, ev->obj);
		break;
	case EV_LOST:
		fprintf(r->out, " count=%llu", ev->count);
		break;
	}
	if (ev->task.has_pid) {
		fprintf(r->out, " pid=%u comm=", ev->task.pid);
		tcomm(r, ev->task.comm);
	}
	fputc('\n', r->out);
}

static void text_finding(struct report *r, const struct finding *f)
{
	const char *frames[REPORT_MAX_FRAMES];
	char b1[32], b2[32], b3[32];
	int i, n;

	if (f->type == FINDING_LEAK) {
		fprintf(r->out, "FINDING leaked_object: %s %u",
			f->is_vdev ? "vdevice" : "device", f->id);
		if (f->is_vdev)
			fprintf(r->out, " (virt_id 0x%llx)", f->virt_id);
		fprintf(r->out, " still alive at release of ictx %s [obj %s]\n",
			key_str(r, KEY_ICTX, f->ictx, b1, sizeof(b1)),
			key_str(r, f->is_vdev ? KEY_VDEV : KEY_IDEV, f->obj,
				b2, sizeof(b2)));
		return;
	}
	fprintf(r->out, "FINDING orphaned_vdevice: vdevice %u (virt_id 0x%llx) "
		"of device %u in ictx %s outlived its unbind (",
		f->id, f->virt_id, f->idev_id,
		key_str(r, KEY_ICTX, f->ictx, b1, sizeof(b1)));
	if (f->task.has_pid) {
		fprintf(r->out, "pid %u ", f->task.pid);
		tcomm(r, f->task.comm);
	} else {
		fputs("task unknown", r->out);
	}
	fprintf(r->out, ") [vdev %s idev %s]\n",
		key_str(r, KEY_VDEV, f->obj, b2, sizeof(b2)),
		key_str(r, KEY_IDEV, f->idev, b3, sizeof(b3)));
	n = stack_frames(r, f->task.stack, frames);
	for (i = 0; i < n; i++)
		fprintf(r->out, "    %s\n", frames[i]);
}

static void text_summary(struct report *r, const struct model_summary *s)
{
	fprintf(r->out, "summary: %llu events, %llu orphans, %llu leaks, "
		"%llu untracked, %llu lost, %llu live at end\n",
		s->events, s->orphans, s->leaks, s->untracked, s->lost, s->live);
	if (s->stale || s->unexpected || s->unknown_events)
		fprintf(r->out, "anomalies: %llu stale, %llu unexpected, "
			"%llu unknown events\n",
			s->stale, s->unexpected, s->unknown_events);
	fprintf(r->out, "verdict: %s\n", verdict_name(s->verdict));
}

/* --- API --- */

void report_event(struct report *r, const struct trace_event *ev,
		  const struct ev_note *note)
{
	if (r->opts.no_events)
		return;
	if (r->opts.format == REPORT_JSON)
		json_event(r, ev, note);
	else
		text_event(r, ev, note);
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
