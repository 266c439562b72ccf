// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"

/* A finding and where in the output its event was. */
struct waiting {
	struct finding f;
	__u64 pos;
};

struct attrib {
	const struct model_sink *sink;
	void *arg;
	bool marks;
	bool finished;
	bool nomem;
	__u64 written;		/* output bytes written before the current event */
	__u64 read;		/* output bytes read */
	__u64 ktap_from;	/* end of the first KTAP line; ~0: none yet */
	struct ktap_test *tests;
	size_t ntests, tests_cap;
	size_t next;		/* first test whose result may come after an event */
	struct waiting *waiting;	/* in order of their events */
	size_t wfirst, nwaiting, waiting_cap;
	struct finding *done;
	size_t ndone, done_cap;
};

/* Room for one more of @size in *@arr of *@cap; false when out of memory. */
static bool grow(void *arr, size_t *cap, size_t n, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p;

	if (n < *cap)
		return true;
	p = realloc(*(void **)arr, ncap * size);
	if (!p)
		return false;
	*(void **)arr = p;
	*cap = ncap;
	return true;
}

struct attrib *attrib_new(const struct model_sink *sink, void *arg, bool marks)
{
	struct attrib *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->sink = sink;
	a->arg = arg;
	a->marks = marks;
	a->ktap_from = ~0ULL;
	return a;
}

void attrib_free(struct attrib *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->ntests; i++) {
		free(a->tests[i].name);
		free(a->tests[i].skip);
	}
	free(a->tests);
	free(a->waiting);
	free(a->done);
	free(a);
}

static void hand_on(struct attrib *a, struct finding *f, struct ktap_test *t)
{
	f->test = t ? t->name : NULL;
	if (t)
		t->nfindings++;
	if (grow(&a->done, &a->done_cap, a->ndone, sizeof(*a->done)))
		a->done[a->ndone++] = *f;
	else
		a->nomem = true;
	if (a->sink && a->sink->finding)
		a->sink->finding(a->arg, f);
}

/*
 * The test of an event at output position @pos; NULL with *@wait when
 * the output read so far cannot tell yet.
 */
static struct ktap_test *test_at(struct attrib *a, __u64 pos, bool *wait)
{
	struct ktap_test *t;

	*wait = false;
	if (a->ktap_from > pos) {
		*wait = !a->finished && a->read < pos;
		return NULL;
	}
	for (; a->next < a->ntests; a->next++) {
		t = &a->tests[a->next];
		if (t->result_end > pos)
			return t;
		/* Still running: its result is the next one. */
		if (!t->result_end && a->next + 1 == a->ntests)
			break;
	}
	if (!a->finished) {
		*wait = true;
		return NULL;
	}
	/* The command ended within a test that it announced before the event. */
	t = a->next < a->ntests ? &a->tests[a->next] : NULL;
	return t && !t->result_end && t->run_end && t->run_end <= pos ? t : NULL;
}

static void resolve(struct attrib *a)
{
	struct waiting *w;
	struct ktap_test *t;
	bool wait;

	while (a->wfirst < a->nwaiting) {
		w = &a->waiting[a->wfirst];
		t = test_at(a, w->pos, &wait);
		if (wait)
			return;
		hand_on(a, &w->f, t);
		a->wfirst++;
	}
	a->wfirst = a->nwaiting = 0;
}

static void on_finding(void *arg, const struct finding *f)
{
	struct attrib *a = arg;
	struct finding copy = *f;
	struct ktap_test *t = NULL;
	bool wait = false;

	/* Behind one that waits, it waits too: findings go on in order. */
	if (a->marks)
		wait = a->wfirst < a->nwaiting;
	if (a->marks && !wait)
		t = test_at(a, a->written, &wait);
	if (!wait) {
		hand_on(a, &copy, t);
		return;
	}
	if (!grow(&a->waiting, &a->waiting_cap, a->nwaiting, sizeof(*a->waiting))) {
		a->nomem = true;
		hand_on(a, &copy, NULL);
		return;
	}
	a->waiting[a->nwaiting].f = copy;
	a->waiting[a->nwaiting++].pos = a->written;
}

static void on_event(void *arg, const struct trace_event *ev,
		     const struct ev_note *note)
{
	struct attrib *a = arg;

	if (a->sink && a->sink->event)
		a->sink->event(a->arg, ev, note);
}

const struct model_sink attrib_sink = {
	.event = on_event,
	.finding = on_finding,
};

void attrib_written(struct attrib *a, __u64 bytes)
{
	a->written += bytes;
}

void attrib_read(struct attrib *a, __u64 off)
{
	a->read = off;
	resolve(a);
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* The test a RUN or result line is about: the one announced, or a new one. */
static struct ktap_test *line_test(struct attrib *a, const struct ktap_line *l)
{
	struct ktap_test *t = a->ntests ? &a->tests[a->ntests - 1] : NULL;

	if (l->kind == KTAP_RESULT && t && t->run_end && !t->result_end &&
	    strlen(t->name) == l->name_len && !memcmp(t->name, l->name, l->name_len))
		return t;
	if (!grow(&a->tests, &a->tests_cap, a->ntests, sizeof(*a->tests)))
		return NULL;
	t = &a->tests[a->ntests];
	memset(t, 0, sizeof(*t));
	t->name = dup_n(l->name, l->name_len);
	if (!t->name)
		return NULL;
	a->ntests++;
	return t;
}

void attrib_line(struct attrib *a, const char *line, size_t len, __u64 end)
{
	struct ktap_line l;
	struct ktap_test *t;

	ktap_parse(line, len, &l);
	if (l.kind == KTAP_OTHER)
		return;
	if (a->ktap_from > end)
		a->ktap_from = end;
	if (l.kind == KTAP_RUN || l.kind == KTAP_RESULT) {
		t = line_test(a, &l);
		if (!t) {
			a->nomem = true;
			return;
		}
		if (l.kind == KTAP_RUN) {
			t->run_end = end;
		} else {
			t->result_end = end;
			if (l.skip && !(t->skip = dup_n(l.directive, l.directive_len)))
				a->nomem = true;
		}
	}
	resolve(a);
}

void attrib_finish(struct attrib *a)
{
	a->finished = true;
	resolve(a);
}

int attrib_error(const struct attrib *a)
{
	return a->nomem ? -ENOMEM : 0;
}

const struct ktap_test *attrib_tests(const struct attrib *a, size_t *n)
{
	*n = a->ntests;
	return a->tests;
}

const struct finding *attrib_findings(const struct attrib *a, size_t *n)
{
	*n = a->ndone;
	return a->done;
}
