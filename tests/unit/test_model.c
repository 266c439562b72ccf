// SPDX-License-Identifier: GPL-2.0
/* Model semantics on event sequences written out by hand. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "test.h"

/* Keys: any distinct non-zero values. */
enum { C1 = 0x10, C2, D1 = 0x20, D2, D3, V1 = 0x30, V2, V3, P1 = 0x40, P2,
       IOAS1 = 0x50, HWPT1, HWPT2, VIOMMU1, FAULT1, ACC1, NEST1 };

#define MAX_FINDINGS 16

/* Sink that records what the model reports. */
struct rec {
	struct model *m;
	__u64 now;
	int nevents;
	int nfindings;
	struct finding f[MAX_FINDINGS];
	struct ev_note note;	/* of the last event */
	struct trace_event last;	/* as the model passed it on */
};

static void rec_event(void *arg, const struct trace_event *ev,
		      const struct ev_note *note)
{
	struct rec *r = arg;

	r->nevents++;
	r->note = *note;
	r->last = *ev;
}

static void rec_finding(void *arg, const struct finding *f)
{
	struct rec *r = arg;

	if (r->nfindings < MAX_FINDINGS)
		r->f[r->nfindings] = *f;
	r->nfindings++;
}

static const struct model_sink rec_sink = {
	.event = rec_event,
	.finding = rec_finding,
};

static struct rec *rec_new(void)
{
	struct rec *r = calloc(1, sizeof(*r));

	r->m = model_new(&rec_sink, r);
	return r;
}

static void rec_free(struct rec *r)
{
	model_free(r->m);
	free(r);
}

/* Feeds @ev; ts defaults to 1000 ns after the previous event. */
static void feed(struct rec *r, struct trace_event ev)
{
	if (!ev.ts)
		ev.ts = r->now + 1000;
	r->now = ev.ts;
	CHECK(model_feed(r->m, &ev) == 0);
}

static void bind(struct rec *r, __u64 c, __u64 d, __u32 id, __u64 dev)
{
	feed(r, (struct trace_event){ .type = EV_BIND, .ictx = c, .obj = d,
				      .id = id, .dev = dev });
}

/* vdev paired by idev key (v6.17+) when @d, else by @dev. */
static void vdev(struct rec *r, __u64 c, __u64 v, __u32 id, __u64 d, __u64 dev)
{
	feed(r, (struct trace_event){ .type = EV_VDEV_ALLOC, .ictx = c,
				      .obj = v, .id = id, .virt_id = 0x99,
				      .idev = d, .dev = dev });
}

static void unbind(struct rec *r, __u64 c, __u64 d)
{
	struct trace_event ev = { .type = EV_UNBIND, .ictx = c, .obj = d,
				  .task = { .pid = 42, .has_pid = true,
					    .stack = 77, .comm = "iommufd" } };

	feed(r, ev);
}

static void simple(struct rec *r, unsigned int type, __u64 c, __u64 o)
{
	feed(r, (struct trace_event){ .type = type, .ictx = c, .obj = o });
}

static void unbind_done(struct rec *r, __u64 c, __u64 d)
{
	simple(r, EV_UNBIND_DONE, c, d);
}

static void vdev_destroy(struct rec *r, __u64 c, __u64 v)
{
	simple(r, EV_VDEV_DESTROY, c, v);
}

static void ctx_release(struct rec *r, __u64 c)
{
	simple(r, EV_CTX_RELEASE, c, 0);
}

static void obj_new(struct rec *r, __u64 c, __u64 o, __u32 id,
		    enum obj_type type, __u64 p0, __u64 p1)
{
	feed(r, (struct trace_event){ .type = EV_OBJ_NEW, .ictx = c, .obj = o,
				      .id = id, .obj_type = type,
				      .parents = { p0, p1 } });
}

/* As the tracer sends it: no context. */
static void obj_free(struct rec *r, __u64 o, enum obj_type type)
{
	feed(r, (struct trace_event){ .type = EV_OBJ_FREE, .obj = o,
				      .obj_type = type });
}

static void seen(struct rec *r, struct trace_event ev)
{
	ev.type = EV_SEEN;
	ev.task = (struct task){ .pid = 7, .has_pid = true, .comm = "qemu" };
	feed(r, ev);
}

static void snapshot(struct rec *r, enum snap_status status)
{
	feed(r, (struct trace_event){ .type = EV_SNAPSHOT, .snap = status,
				      .contexts = 1 });
}

static struct model_summary finish(struct rec *r, bool incomplete)
{
	struct model_summary s;

	model_finish(r->m, incomplete, &s);
	return s;
}

static void orphan_by_idev_key(void)
{
	struct rec *r = rec_new();
	struct model_summary s;
	const struct finding *f = &r->f[0];

	bind(r, C1, D1, 1, P1);
	vdev(r, C1, V1, 3, D1, 0);
	unbind(r, C1, D1);
	CHECK(r->nfindings == 0);
	unbind_done(r, C1, D1);
	CHECK(r->nfindings == 1);
	CHECK(f->type == FINDING_ORPHAN && f->obj_type == OBJ_VDEVICE);
	CHECK(f->ictx == C1 && f->obj == V1 && f->id == 3);
	CHECK(f->virt_id == 0x99 && f->idev == D1 && f->idev_id == 1);
	CHECK(f->task.has_pid && f->task.pid == 42);
	CHECK(!strcmp(f->task.comm, "iommufd"));
	CHECK(f->task.stack == 77 && f->ts == r->now);
	s = finish(r, false);
	CHECK(s.orphans == 1 && s.leaks == 0 && s.live == 1);
	CHECK(s.verdict == VERDICT_FINDINGS);
	rec_free(r);
}

static void orphan_by_dev(void)
{
	struct rec *r = rec_new();

	bind(r, C1, D1, 1, P1);
	bind(r, C1, D2, 2, P2);
	vdev(r, C1, V1, 3, 0, P2);
	unbind(r, C1, D1);
	unbind_done(r, C1, D1);
	CHECK(r->nfindings == 0);
	unbind(r, C1, D2);
	unbind_done(r, C1, D2);
	CHECK(r->nfindings == 1);
	CHECK(r->f[0].obj == V1 && r->f[0].idev == D2 && r->f[0].idev_id == 2);
	rec_free(r);
}

/* The index by dev, built at the first vdevice without its idev, then kept. */
static void dev_index_built_late(void)
{
	struct rec *r = rec_new();

	bind(r, C1, D1, 1, P1);
	vdev(r, C1, V1, 2, D1, 0);
	/* Two idevs of one dev in C1 (an unbind was lost): the later one wins. */
	bind(r, C1, D2, 3, P2);
	bind(r, C1, D3, 4, P2);
	bind(r, C2, D1, 1, P2);
	vdev(r, C1, V2, 5, 0, P2);
	vdev(r, C2, V3, 2, 0, P2);
	bind(r, C2, D2, 3, P1);
	vdev(r, C2, V1, 4, 0, P1);
	unbind(r, C1, D2);
	unbind_done(r, C1, D2);
	CHECK(r->nfindings == 0);
	unbind(r, C1, D3);
	unbind_done(r, C1, D3);
	CHECK(r->nfindings == 1 && r->f[0].obj == V2 && r->f[0].idev == D3);
	unbind(r, C2, D1);
	unbind_done(r, C2, D1);
	CHECK(r->nfindings == 2 && r->f[1].obj == V3 && r->f[1].ictx == C2);
	unbind(r, C2, D2);
	unbind_done(r, C2, D2);
	CHECK(r->nfindings == 3 && r->f[2].obj == V1 && r->f[2].ictx == C2);
	rec_free(r);
}

/* v6.17+: the vdevice is destroyed inside unbind. */
static void no_orphan_destroy_during_unbind(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	bind(r, C1, D1, 1, P1);
	vdev(r, C1, V1, 3, D1, P1);
	unbind(r, C1, D1);
	vdev_destroy(r, C1, V1);
	CHECK(!r->note.orphaned);
	unbind_done(r, C1, D1);
	ctx_release(r, C1);
	s = finish(r, false);
	CHECK(r->nfindings == 0);
	CHECK(s.verdict == VERDICT_CLEAN && s.live == 0 && s.untracked == 0);
	CHECK(s.unexpected == 0 && s.stale == 0 && s.events == 6);
	rec_free(r);
}

static void no_orphan_destroy_before_unbind(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	bind(r, C1, D1, 1, P1);
	vdev(r, C1, V1, 3, 0, P1);
	vdev_destroy(r, C1, V1);
	unbind(r, C1, D1);
	unbind_done(r, C1, D1);
	ctx_release(r, C1);
	s = finish(r, false);
	CHECK(r->nfindings == 0 && s.verdict == VERDICT_CLEAN);
	rec_free(r);
}

static void orphaned_ns_reported(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	bind(r, C1, D1, 1, P1);
	vdev(r, C1, V1, 3, 0, P1);
	unbind(r, C1, D1);
	feed(r, (struct trace_event){ .type = EV_UNBIND_DONE, .ts = 100000,
				      .ictx = C1, .obj = D1 });
	feed(r, (struct trace_event){ .type = EV_VDEV_DESTROY, .ts = 105000,
				      .ictx = C1, .obj = V1 });
	CHECK(r->note.orphaned && r->note.orphaned_ns == 5000);
	ctx_release(r, C1);
	s = finish(r, false);
	CHECK(s.orphans == 1 && s.leaks == 0 && s.live == 0);
	rec_free(r);
}

static void several_vdevs_on_one_idev(void)
{
	struct rec *r = rec_new();

	bind(r, C1, D1, 1, P1);
	vdev(r, C1, V1, 3, 0, P1);
	vdev(r, C1, V2, 4, 0, P1);
	vdev(r, C1, V3, 5, 0, P1);
	vdev_destroy(r, C1, V2);
	unbind(r, C1, D1);
	unbind_done(r, C1, D1);
	CHECK(r->nfindings == 2);
	CHECK(r->f[0].obj != r->f[1].obj);
	CHECK(r->f[0].obj != V2 && r->f[1].obj != V2);
	rec_free(r);
}

static void leaks_at_ctx_release(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	bind(r, C1, D1, 1, P1);
	vdev(r, C1, V1, 3, D1, 0);
	bind(r, C2, D2, 1, P2);
	ctx_release(r, C1);
	CHECK(r->nfindings == 2);
	CHECK(r->f[0].type == FINDING_LEAK && r->f[0].obj_type == OBJ_DEVICE);
	CHECK(r->f[0].obj == D1 && r->f[0].id == 1 && r->f[0].ictx == C1);
	CHECK(r->f[1].type == FINDING_LEAK && r->f[1].obj_type == OBJ_VDEVICE);
	CHECK(r->f[1].obj == V1 && r->f[1].id == 3 && r->f[1].virt_id == 0x99);
	s = finish(r, false);
	CHECK(s.leaks == 2 && s.live == 1 && s.verdict == VERDICT_FINDINGS);
	rec_free(r);
}

static void no_leak_when_all_destroyed(void)
{
	struct rec *r = rec_new();

	bind(r, C1, D1, 1, P1);
	vdev(r, C1, V1, 3, D1, 0);
	vdev_destroy(r, C1, V1);
	unbind(r, C1, D1);
	unbind_done(r, C1, D1);
	ctx_release(r, C1);
	ctx_release(r, C1);	/* twice: harmless */
	CHECK(r->nfindings == 0);
	CHECK(finish(r, false).verdict == VERDICT_CLEAN);
	rec_free(r);
}

/* Same ids, same keys and same dev in two contexts. */
static void contexts_do_not_collide(void)
{
	struct rec *r = rec_new();

	bind(r, C1, D1, 1, P1);
	bind(r, C2, D1, 1, P1);
	vdev(r, C1, V1, 2, 0, P1);
	vdev(r, C2, V1, 2, 0, P1);
	vdev_destroy(r, C1, V1);
	unbind(r, C1, D1);
	unbind_done(r, C1, D1);
	CHECK(r->nfindings == 0);
	unbind(r, C2, D1);
	unbind_done(r, C2, D1);
	CHECK(r->nfindings == 1 && r->f[0].ictx == C2);
	ctx_release(r, C1);
	CHECK(r->nfindings == 1);
	rec_free(r);
}

static void pointer_reuse(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	bind(r, C1, D1, 1, P1);
	unbind(r, C1, D1);
	unbind_done(r, C1, D1);
	/* Same pointers again: a new device. */
	bind(r, C1, D1, 2, P1);
	vdev(r, C1, V1, 3, 0, P1);
	vdev_destroy(r, C1, V1);
	unbind(r, C1, D1);
	unbind_done(r, C1, D1);
	ctx_release(r, C1);
	/* Context pointer reused after release. */
	bind(r, C1, D1, 1, P1);
	vdev(r, C1, V1, 2, 0, P1);
	vdev_destroy(r, C1, V1);
	unbind(r, C1, D1);
	unbind_done(r, C1, D1);
	ctx_release(r, C1);
	s = finish(r, false);
	CHECK(r->nfindings == 0 && s.stale == 0 && s.untracked == 0);
	CHECK(s.unexpected == 0 && s.verdict == VERDICT_CLEAN);
	rec_free(r);
}

/* A key re-created without its destroy being seen replaces the old object. */
static void stale_key_replaced(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	bind(r, C1, D1, 1, P1);
	vdev(r, C1, V1, 3, 0, P1);
	bind(r, C1, D1, 5, P1);
	vdev(r, C1, V2, 4, 0, P1);
	unbind(r, C1, D1);
	unbind_done(r, C1, D1);
	CHECK(r->nfindings == 1 && r->f[0].obj == V2 && r->f[0].idev_id == 5);
	s = finish(r, false);
	CHECK(s.stale == 1 && s.orphans == 1 && s.live == 2);
	CHECK(s.verdict == VERDICT_FINDINGS);
	rec_free(r);
}

/*
 * A missed destroy (stale) or an event that makes no sense (unexpected):
 * the trace is not whole, so no clean verdict; a finding still stands.
 */
static void anomalies_inconclusive(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	bind(r, C1, D1, 1, P1);
	bind(r, C1, D1, 2, P1);
	s = finish(r, false);
	CHECK(s.stale == 1 && s.verdict == VERDICT_INCONCLUSIVE);
	rec_free(r);

	r = rec_new();
	bind(r, C1, D1, 1, P1);
	unbind_done(r, C1, D1);		/* no unbind seen */
	s = finish(r, false);
	CHECK(s.unexpected == 1 && s.verdict == VERDICT_INCONCLUSIVE);
	ctx_release(r, C2);
	bind(r, C2, D2, 1, P1);
	ctx_release(r, C2);
	s = finish(r, false);
	CHECK(s.leaks == 1 && s.verdict == VERDICT_FINDINGS);
	feed(r, (struct trace_event){ .type = EV_LOST, .count = 1 });
	CHECK(finish(r, false).verdict == VERDICT_INCONCLUSIVE);
	rec_free(r);
}

static void untracked_objects(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	unbind(r, C1, D1);
	unbind_done(r, C1, D1);
	vdev_destroy(r, C1, V1);
	unbind_done(r, C1, D2);
	ctx_release(r, C1);
	s = finish(r, false);
	CHECK(r->nfindings == 0);
	CHECK(s.untracked == 3 && s.verdict == VERDICT_CLEAN);
	rec_free(r);
}

static void aborted_vdev(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	bind(r, C1, D1, 1, P1);
	simple(r, EV_OBJ_ABORT, C1, V1);
	vdev_destroy(r, C1, V1);
	/* Aborted object never destroyed through vdev_destroy: no leak. */
	simple(r, EV_OBJ_ABORT, C1, V2);
	unbind(r, C1, D1);
	unbind_done(r, C1, D1);
	ctx_release(r, C1);
	s = finish(r, false);
	CHECK(r->nfindings == 0 && s.untracked == 0 && s.unexpected == 0);
	CHECK(s.verdict == VERDICT_CLEAN);
	rec_free(r);
}

static void lost_events_inconclusive(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	bind(r, C1, D1, 1, P1);
	feed(r, (struct trace_event){ .type = EV_LOST, .count = 3 });
	feed(r, (struct trace_event){ .type = EV_LOST, .count = 2 });
	s = finish(r, false);
	CHECK(s.lost == 5 && s.verdict == VERDICT_INCONCLUSIVE);
	rec_free(r);
}

/* Counts that add up to 2^64 must not wrap to none lost. */
static void lost_count_saturates(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	feed(r, (struct trace_event){ .type = EV_LOST, .count = 1ULL << 63 });
	feed(r, (struct trace_event){ .type = EV_LOST, .count = 1ULL << 63 });
	feed(r, (struct trace_event){ .type = EV_LOST, .count = 1 });
	s = finish(r, false);
	CHECK(s.lost == ~0ULL && s.verdict == VERDICT_INCONCLUSIVE);
	rec_free(r);
}

static void verdict_precedence(void)
{
	struct rec *r = rec_new();

	CHECK(finish(r, false).verdict == VERDICT_CLEAN);
	CHECK(finish(r, true).verdict == VERDICT_INCONCLUSIVE);
	bind(r, C1, D1, 1, P1);
	ctx_release(r, C1);
	CHECK(finish(r, false).verdict == VERDICT_FINDINGS);
	CHECK(finish(r, true).verdict == VERDICT_INCONCLUSIVE);
	feed(r, (struct trace_event){ .type = EV_LOST, .count = 1 });
	CHECK(finish(r, false).verdict == VERDICT_INCONCLUSIVE);
	CHECK(!strcmp(verdict_name(VERDICT_CLEAN), "clean"));
	CHECK(!strcmp(verdict_name(VERDICT_FINDINGS), "findings"));
	CHECK(!strcmp(verdict_name(VERDICT_INCONCLUSIVE), "inconclusive"));
	rec_free(r);
}

static void nonsense_events(void)
{
	struct rec *r = rec_new();
	struct model_summary s;
	int nevents;

	bind(r, C1, D1, 1, P1);
	vdev(r, C1, V1, 3, D1, 0);
	vdev_destroy(r, C1, D1);	/* an idev key */
	unbind(r, C1, V1);		/* a vdev key */
	unbind_done(r, C1, V1);
	unbind_done(r, C1, D1);		/* no unbind seen: still gone */
	CHECK(r->nfindings == 1);
	feed(r, (struct trace_event){ .type = EV_OBJ_REMOVE, .ictx = C1,
				      .id = 3, .ret = -2 });
	ctx_release(r, C2);
	nevents = r->nevents;
	feed(r, (struct trace_event){ .type = 99 });
	feed(r, (struct trace_event){ .type = 0 });
	CHECK(r->nevents == nevents);
	s = finish(r, false);
	CHECK(s.unexpected == 4 && s.unknown_events == 2 && s.removes == 1);
	CHECK(s.live == 1);
	rec_free(r);
}

/* An ioas, a hwpt on it with a fault queue, a viommu on the hwpt. */
static void graph(struct rec *r)
{
	obj_new(r, C1, IOAS1, 1, OBJ_IOAS, 0, 0);
	obj_new(r, C1, FAULT1, 2, OBJ_FAULT, 0, 0);
	obj_new(r, C1, HWPT1, 3, OBJ_HWPT_PAGING, IOAS1, FAULT1);
	obj_new(r, C1, VIOMMU1, 4, OBJ_VIOMMU, HWPT1, 0);
}

/* Destroyed leaf first, as the kernel must: nothing to report. */
static void graph_clean(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	graph(r);
	obj_free(r, VIOMMU1, OBJ_VIOMMU);
	CHECK(r->last.ictx == C1);	/* the model names the context */
	obj_free(r, HWPT1, OBJ_HWPT_PAGING);
	obj_free(r, FAULT1, OBJ_FAULT);
	obj_free(r, IOAS1, OBJ_IOAS);
	ctx_release(r, C1);
	s = finish(r, false);
	CHECK(r->nfindings == 0 && s.verdict == VERDICT_CLEAN);
	CHECK(s.objects[OBJ_IOAS] == 1 && s.objects[OBJ_HWPT_PAGING] == 1);
	CHECK(s.objects[OBJ_VIOMMU] == 1 && s.objects[OBJ_FAULT] == 1);
	CHECK(s.live == 0 && s.untracked == 0 && s.unexpected == 0);
	rec_free(r);
}

/* A hwpt destroyed under its viommu, an ioas under its hwpt. */
static void outlived_parent(void)
{
	struct rec *r = rec_new();
	struct model_summary s;
	const struct finding *f = &r->f[0];

	graph(r);
	obj_free(r, HWPT1, OBJ_HWPT_PAGING);
	CHECK(r->nfindings == 1);
	CHECK(f->type == FINDING_OUTLIVED && f->obj_type == OBJ_VIOMMU);
	CHECK(f->obj == VIOMMU1 && f->id == 4 && f->ictx == C1);
	CHECK(f->parent == HWPT1 && f->parent_id == 3);
	CHECK(f->parent_type == OBJ_HWPT_PAGING && f->ts == r->now);
	/* Reported once: the viommu holds nothing now. */
	obj_free(r, IOAS1, OBJ_IOAS);
	CHECK(r->nfindings == 1);
	obj_free(r, VIOMMU1, OBJ_VIOMMU);
	obj_free(r, FAULT1, OBJ_FAULT);
	ctx_release(r, C1);
	s = finish(r, false);
	CHECK(r->nfindings == 1 && s.outlived == 1 && s.leaks == 0);
	CHECK(s.verdict == VERDICT_FINDINGS && s.live == 0);
	rec_free(r);
}

/* Objects of any type left at release are leaks, with their type. */
static void leaked_ioas(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	graph(r);
	obj_free(r, VIOMMU1, OBJ_VIOMMU);
	obj_free(r, HWPT1, OBJ_HWPT_PAGING);
	obj_free(r, FAULT1, OBJ_FAULT);
	ctx_release(r, C1);
	s = finish(r, false);
	CHECK(r->nfindings == 1 && r->f[0].type == FINDING_LEAK);
	CHECK(r->f[0].obj_type == OBJ_IOAS && r->f[0].obj == IOAS1);
	CHECK(r->f[0].id == 1 && s.leaks == 1 && s.outlived == 0);
	rec_free(r);
}

/* A viommu's nested hwpt holds it; an access's ioas is not followed. */
static void nested_and_access(void)
{
	struct rec *r = rec_new();

	graph(r);
	obj_new(r, C1, NEST1, 5, OBJ_HWPT_NESTED, VIOMMU1, 0);
	obj_new(r, C1, ACC1, 6, OBJ_ACCESS, IOAS1, 0);
	obj_free(r, VIOMMU1, OBJ_VIOMMU);
	CHECK(r->nfindings == 1 && r->f[0].obj == NEST1);
	CHECK(r->f[0].parent_type == OBJ_VIOMMU);
	obj_free(r, NEST1, OBJ_HWPT_NESTED);
	obj_free(r, HWPT1, OBJ_HWPT_PAGING);
	obj_free(r, IOAS1, OBJ_IOAS);
	CHECK(r->nfindings == 1);
	rec_free(r);
}

/* A failed creation: its destroy op is not an untracked object. */
static void aborted_hwpt(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	obj_new(r, C1, IOAS1, 1, OBJ_IOAS, 0, 0);
	simple(r, EV_OBJ_ABORT, C1, HWPT1);
	obj_free(r, HWPT1, OBJ_HWPT_PAGING);
	CHECK(r->last.ictx == C1);
	obj_free(r, IOAS1, OBJ_IOAS);
	ctx_release(r, C1);
	s = finish(r, false);
	CHECK(r->nfindings == 0 && s.untracked == 0 && s.unexpected == 0);
	rec_free(r);
}

/* A pointer freed unseen comes back in another context: stale, once. */
static void by_key_reuse(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	obj_new(r, C1, IOAS1, 1, OBJ_IOAS, 0, 0);
	obj_free(r, IOAS1, OBJ_IOAS);
	obj_new(r, C2, IOAS1, 1, OBJ_IOAS, 0, 0);
	s = finish(r, false);
	CHECK(s.stale == 0 && s.live == 1);
	obj_new(r, C1, IOAS1, 3, OBJ_IOAS, 0, 0);
	obj_free(r, IOAS1, OBJ_IOAS);
	obj_free(r, 0x99, OBJ_IOAS);
	ctx_release(r, C1);
	ctx_release(r, C2);
	s = finish(r, false);
	CHECK(s.stale == 1 && s.live == 0 && s.untracked == 1);
	CHECK(r->nfindings == 0);
	rec_free(r);
}

/* Found at start, destroyed later: known, neither untracked nor leaked. */
static void snapshot_then_events(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	seen(r, (struct trace_event){ .ictx = C1, .obj = IOAS1, .id = 1,
				      .obj_type = OBJ_IOAS });
	seen(r, (struct trace_event){ .ictx = C1, .obj = D1, .id = 2,
				      .obj_type = OBJ_DEVICE, .dev = P1 });
	seen(r, (struct trace_event){ .ictx = C1, .obj = HWPT1, .id = 3,
				      .obj_type = OBJ_HWPT_PAGING,
				      .parents = { IOAS1 } });
	snapshot(r, SNAP_TAKEN);
	obj_free(r, IOAS1, OBJ_IOAS);
	CHECK(r->nfindings == 1 && r->f[0].obj == HWPT1);
	obj_free(r, HWPT1, OBJ_HWPT_PAGING);
	unbind(r, C1, D1);
	unbind_done(r, C1, D1);
	ctx_release(r, C1);
	s = finish(r, false);
	CHECK(s.untracked == 0 && s.at_start == 3 && s.leaks == 0);
	CHECK(s.snapshot == SNAP_TAKEN && s.contexts == 1 && s.live == 0);
	rec_free(r);
}

/*
 * Made after the tracer started but before the walk read it: its event
 * and the snapshot name one object, counted once, not stale.
 */
static void seen_and_created(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	seen(r, (struct trace_event){ .ictx = C1, .obj = IOAS1, .id = 1,
				      .obj_type = OBJ_IOAS });
	obj_new(r, C1, IOAS1, 1, OBJ_IOAS, 0, 0);
	snapshot(r, SNAP_TAKEN);
	s = finish(r, false);
	CHECK(s.stale == 0 && s.live == 1 && s.objects[OBJ_IOAS] == 1);
	CHECK(s.at_start == 0);
	/* A second creation of it would be a lost destroy. */
	obj_new(r, C1, IOAS1, 1, OBJ_IOAS, 0, 0);
	CHECK(finish(r, false).stale == 1);
	rec_free(r);
}

/* v6.13-v6.16: a vdevice whose device is gone, from before the tracer. */
static void orphan_in_snapshot(void)
{
	struct rec *r = rec_new();
	struct model_summary s;
	const struct finding *f = &r->f[0];

	/* healthy pair in C2, paired by dev; the orphan in C1 */
	seen(r, (struct trace_event){ .ictx = C2, .obj = D2, .id = 3,
				      .obj_type = OBJ_DEVICE, .dev = P2 });
	seen(r, (struct trace_event){ .ictx = C1, .obj = VIOMMU1, .id = 6,
				      .obj_type = OBJ_VIOMMU });
	seen(r, (struct trace_event){ .ictx = C1, .obj = V1, .id = 7,
				      .obj_type = OBJ_VDEVICE, .dev = P1,
				      .virt_id = 0x51, .parents = { VIOMMU1 } });
	seen(r, (struct trace_event){ .ictx = C2, .obj = V2, .id = 7,
				      .obj_type = OBJ_VDEVICE, .dev = P2,
				      .virt_id = 0x52 });
	CHECK(r->nfindings == 0);
	snapshot(r, SNAP_TAKEN);
	CHECK(r->nfindings == 1);
	CHECK(f->type == FINDING_ORPHAN && f->in_snapshot && !f->idev);
	CHECK(f->obj == V1 && f->ictx == C1 && f->virt_id == 0x51 && f->id == 7);
	CHECK(f->task.has_pid && f->task.pid == 7 && !strcmp(f->task.comm, "qemu"));
	/* Its death later says how long it was known orphaned. */
	feed(r, (struct trace_event){ .type = EV_VDEV_DESTROY, .ictx = C1,
				      .obj = V1, .ts = r->now + 500 });
	CHECK(r->note.orphaned && r->note.orphaned_ns == 500);
	s = finish(r, false);
	CHECK(s.orphans == 1 && s.verdict == VERDICT_FINDINGS && s.at_start == 4);
	rec_free(r);
}

/*
 * The walk read a vdevice but not its device, bound after the walk passed
 * its id: their events, before the snapshot ends, pair them.
 */
static void snapshot_race_pairs(void)
{
	struct rec *r = rec_new();

	seen(r, (struct trace_event){ .ictx = C1, .obj = V1, .id = 2,
				      .obj_type = OBJ_VDEVICE, .idev = D1,
				      .virt_id = 1 });
	bind(r, C1, D1, 1, P1);
	vdev(r, C1, V1, 2, D1, 0);
	snapshot(r, SNAP_TAKEN);
	CHECK(r->nfindings == 0);
	unbind(r, C1, D1);
	unbind_done(r, C1, D1);
	CHECK(r->nfindings == 1 && !r->f[0].in_snapshot && r->f[0].idev == D1);
	rec_free(r);
}

/* No snapshot: nothing judged, and what predates tracing is untracked. */
static void no_snapshot(void)
{
	struct rec *r = rec_new();
	struct model_summary s;

	vdev(r, C1, V1, 2, D1, 0);
	snapshot(r, SNAP_NO_ITERATOR);
	obj_free(r, IOAS1, OBJ_IOAS);
	s = finish(r, false);
	CHECK(r->nfindings == 0 && s.untracked == 1);
	CHECK(s.snapshot == SNAP_NO_ITERATOR && s.verdict == VERDICT_CLEAN);
	rec_free(r);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * 200k live objects over 100 contexts; half the vdevices destroyed in a
 * scattered order (exercises deletion in the hash tables), the rest
 * found again by unbind.
 */
static void scale(void)
{
	const __u64 n = 100000, nctx = 100;
	struct model *m = model_new(NULL, NULL);
	struct model_summary s;
	struct trace_event ev;
	double t0 = now_s();
	__u64 i, j, ts = 0;

	for (i = 1; i <= n; i++) {
		ev = (struct trace_event){ .type = EV_BIND, .ts = ++ts,
			.ictx = 1 + i % nctx, .obj = i << 4, .id = i,
			.dev = i << 8 };
		CHECK(!model_feed(m, &ev));
		ev = (struct trace_event){ .type = EV_VDEV_ALLOC, .ts = ++ts,
			.ictx = 1 + i % nctx, .obj = i << 4 | 1, .id = i,
			.dev = i << 8 };
		CHECK(!model_feed(m, &ev));
	}
	model_finish(m, false, &s);
	CHECK(s.live == 2 * n);
	for (j = 0; j < n; j += 2) {
		i = 1 + (j * 7919) % n;	/* a permutation of 1..n */
		ev = (struct trace_event){ .type = EV_VDEV_DESTROY, .ts = ++ts,
			.ictx = 1 + i % nctx, .obj = i << 4 | 1 };
		CHECK(!model_feed(m, &ev));
	}
	for (i = 1; i <= n; i++) {
		ev = (struct trace_event){ .type = EV_UNBIND, .ts = ++ts,
			.ictx = 1 + i % nctx, .obj = i << 4 };
		CHECK(!model_feed(m, &ev));
		ev.type = EV_UNBIND_DONE;
		CHECK(!model_feed(m, &ev));
	}
	for (i = 1; i <= nctx; i++) {
		ev = (struct trace_event){ .type = EV_CTX_RELEASE, .ts = ++ts,
			.ictx = i };
		CHECK(!model_feed(m, &ev));
	}
	model_finish(m, false, &s);
	CHECK(s.orphans == n / 2 && s.leaks == n / 2 && s.live == 0);
	CHECK(s.untracked == 0 && s.unexpected == 0 && s.stale == 0);
	printf("# scale: %llu events in %.3f s\n", s.events, now_s() - t0);
	model_free(m);
}

int main(void)
{
	RUN(orphan_by_idev_key);
	RUN(orphan_by_dev);
	RUN(dev_index_built_late);
	RUN(no_orphan_destroy_during_unbind);
	RUN(no_orphan_destroy_before_unbind);
	RUN(orphaned_ns_reported);
	RUN(several_vdevs_on_one_idev);
	RUN(leaks_at_ctx_release);
	RUN(no_leak_when_all_destroyed);
	RUN(contexts_do_not_collide);
	RUN(pointer_reuse);
	RUN(stale_key_replaced);
	RUN(anomalies_inconclusive);
	RUN(untracked_objects);
	RUN(aborted_vdev);
	RUN(lost_events_inconclusive);
	RUN(lost_count_saturates);
	RUN(verdict_precedence);
	RUN(nonsense_events);
	RUN(graph_clean);
	RUN(outlived_parent);
	RUN(leaked_ioas);
	RUN(nested_and_access);
	RUN(aborted_hwpt);
	RUN(by_key_reuse);
	RUN(snapshot_then_events);
	RUN(seen_and_created);
	RUN(orphan_in_snapshot);
	RUN(snapshot_race_pairs);
	RUN(no_snapshot);
	RUN(scale);
	return TEST_STATUS();
}
