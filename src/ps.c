// SPDX-License-Identifier: GPL-2.0
/*
 * ps: the snapshot as trees, one per context, each object under the first
 * object it holds (in its context); then the model judges the snapshot.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "outfile.h"
#include "preflight.h"
#include "ps.h"
#include "snapshot.h"
#include "store.h"
#include "token.h"

/* Deeper, the rest is shown from the top: only a walk that read garbage goes there. */
#define MAX_DEPTH 32

/* An object of the tree, found by (context, pointer) in the store. */
struct node {
	struct obj_head h;
	__u32 rec;		/* in s->objs */
	iref child, last;	/* its first and last child */
	iref sibling;		/* the next child of its parent */
	bool shown;
};
_Static_assert(sizeof(struct node) <= STORE_OBJ_SIZE, "a node is a store slot");

struct ps {
	const struct ps_opts *opts;
	struct snapshot snap;
	struct store tree;
	struct report *report;
	struct tokens tokens;
	FILE *out;		/* the report's */
};

static struct node *node_at(const struct ps *p, iref r)
{
	return (struct node *)store_obj(&p->tree, r);
}

/* The object of context @c that @r hangs under: the first it holds. */
static struct node *tree_parent(const struct ps *p, const struct snap_rec *r)
{
	struct node *n;
	int i;

	for (i = 0; i < OBJ_PARENTS; i++) {
		n = r->parents[i] ? (struct node *)store_get(&p->tree, r->ictx,
							     r->parents[i]) : NULL;
		if (n)
			return n;
	}
	return NULL;
}

static int build(struct ps *p, const struct snap_ctx *c)
{
	const struct snap_rec *r;
	struct node *n, *up;
	size_t i;

	for (i = c->first; i < c->first + c->n; i++) {
		if (!p->snap.objs[i].type)
			continue;
		n = (struct node *)store_add(&p->tree, c->ictx, p->snap.objs[i].obj);
		if (!n)
			return -ENOMEM;
		n->rec = i;
	}
	/* Linked in id order within the order of the types: stable output. */
	for (i = c->first; i < c->first + c->n; i++) {
		r = &p->snap.objs[i];
		if (!r->type)
			continue;
		n = (struct node *)store_get(&p->tree, c->ictx, r->obj);
		up = tree_parent(p, r);
		if (!up || up == n)
			continue;
		if (up->last)
			node_at(p, up->last)->sibling = store_ref(&n->h);
		else
			up->child = store_ref(&n->h);
		up->last = store_ref(&n->h);
	}
	return 0;
}

static void show(struct ps *p, const struct snap_ctx *c, struct node *n,
		 int depth)
{
	struct trace_event ev;
	struct node *k;

	if (n->shown)
		return;
	n->shown = true;
	snapshot_event(c, &p->snap.objs[n->rec], &ev);
	report_object(p->report, &ev, depth);
	if (depth == MAX_DEPTH)
		return;
	for (k = node_at(p, n->child); k; k = node_at(p, k->sibling))
		show(p, c, k, depth + 1);
}

/* A context's heading, the tasks holding it, then its objects. */
static void show_ctx(struct ps *p, const struct snap_ctx *c)
{
	struct report_ctx rc = {
		.ictx = c->ictx, .fd = c->fd, .reserved = c->reserved,
		.incomplete = c->incomplete,
		.task = { .pid = c->pid, .has_pid = true },
	};
	const struct snap_rec *r;
	struct task t = { .has_pid = true };
	struct node *n;
	size_t i;

	memcpy(rc.task.comm, c->comm, sizeof(rc.task.comm));
	for (i = c->first; i < c->first + c->n; i++) {
		rc.objects += !!p->snap.objs[i].type;
		rc.others += !p->snap.objs[i].type;
	}
	report_context(p->report, &rc);
	for (r = p->snap.owners; r < p->snap.owners + p->snap.nowners; r++) {
		if (r->ictx != c->ictx)
			continue;
		t.pid = r->pid;
		memcpy(t.comm, r->comm, sizeof(t.comm));
		report_owner(p->report, &t, r->id);
	}
	/* Roots first, in order; then what a cycle of garbage hid. */
	for (i = c->first; i < c->first + c->n; i++) {
		if (!p->snap.objs[i].type || tree_parent(p, &p->snap.objs[i]))
			continue;
		show(p, c, (struct node *)store_get(&p->tree, c->ictx,
						     p->snap.objs[i].obj), 0);
	}
	for (i = c->first; i < c->first + c->n; i++) {
		if (!p->snap.objs[i].type)
			continue;
		n = (struct node *)store_get(&p->tree, c->ictx, p->snap.objs[i].obj);
		show(p, c, n, 0);
	}
}

static void sink_finding(void *arg, const struct finding *f)
{
	report_finding(arg, f);
}

/* The model judges what it can at this instant; it prints findings only. */
static enum status judge(struct ps *p)
{
	const struct model_sink sink = { .finding = sink_finding };
	struct model_summary sum;
	struct trace_event ev;
	struct model *m;
	bool incomplete = false;
	size_t i;

	m = model_new(&sink, p->report);
	if (!m)
		return STATUS_ERROR;
	snapshot_end(&p->snap, snapshot_feed(&p->snap, m, ~0U), &ev);
	model_feed(m, &ev);
	for (i = 0; i < p->snap.nctxs; i++)
		incomplete |= p->snap.ctxs[i].incomplete;
	/* A walk that stopped early may have missed what pairs a vdevice. */
	model_finish(m, incomplete, &sum);
	model_free(m);
	report_summary(p->report, &sum);
	return verdict_status(sum.verdict);
}

static enum status run(struct ps *p)
{
	const struct report_cbs cbs = { .fmt_key = tokens_fmt };
	enum status status;
	size_t i;

	p->report = report_new(p->out, &p->opts->report, &cbs, &p->tokens);
	if (!p->report || store_init(&p->tree))
		return STATUS_ERROR;
	for (i = 0; i < p->snap.nctxs; i++)
		if (build(p, &p->snap.ctxs[i]))
			return STATUS_ERROR;
	for (i = 0; !p->opts->report.no_events && i < p->snap.nctxs; i++)
		show_ctx(p, &p->snap.ctxs[i]);
	status = judge(p);
	if (report_flush(p->report)) {
		fprintf(stderr, "iommufd-trace: cannot write the report: %s\n", strerror(errno));
		return status_worst(status, STATUS_ERROR);
	}
	return status;
}

enum status ps_run(const struct ps_opts *opts)
{
	struct ps p = { .opts = opts };
	struct kernel_info ki;
	struct ksyms *ks;
	enum status status = STATUS_ERROR;

	ks = ksyms_load();
	if (!ks) {
		fprintf(stderr, "iommufd-trace: cannot read /proc/kallsyms: %s\n", strerror(errno));
		return STATUS_ERROR;
	}
	if (preflight(&ki, ks) < 0)
		goto out_ks;
	if (tokens_init(&p.tokens, opts->raw_pointers))
		goto out_ki;
	if (snapshot_take(&p.snap, ks, opts->verbose))
		goto out_snap;
	p.out = opts->output ?
		outfile_open(opts->output, opts->raw_pointers ? 0600 : 0644, NULL) :
		stdout;
	if (p.out)
		status = run(&p);
	report_free(p.report);
	if (p.out && opts->output)
		status = status_worst(status, outfile_close(p.out, opts->output));
out_snap:
	store_fini(&p.tree);
	snapshot_free(&p.snap);
out_ki:
	kernel_info_free(&ki);
out_ks:
	ksyms_free(ks);
	return status;
}
