// SPDX-License-Identifier: GPL-2.0
/* The snapshot: runs the iterator of bpf/ps.bpf.c and collects its records. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ksyms.h"
#include "ps.skel.h"
#include "snapshot.h"

/* What identifies an iommufd file: its f_op->release (iommufd_fops is static). */
#define FOPS_RELEASE	"iommufd_fops_release"
/* Records per read(): whole ones, as the iterator writes whole ones. */
#define READ_RECS	64

static int grow(void **a, size_t *cap, size_t n, size_t size)
{
	size_t c = *cap ? *cap * 2 : 64;
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*a, c * size);
	if (!p)
		return -ENOMEM;
	*a = p;
	*cap = c;
	return 0;
}

static int add_obj(struct snapshot *s, struct snap_ctx *c, const struct snap_rec *r)
{
	if (grow((void **)&s->objs, &s->objs_cap, s->nobjs, sizeof(*r)))
		return -ENOMEM;
	s->objs[s->nobjs++] = *r;
	c->n++;
	return 0;
}

static struct snap_ctx *add_ctx(struct snapshot *s, const struct snap_rec *r)
{
	struct snap_ctx *c;

	if (grow((void **)&s->ctxs, &s->ctxs_cap, s->nctxs, sizeof(*c)))
		return NULL;
	c = &s->ctxs[s->nctxs++];
	memset(c, 0, sizeof(*c));
	c->ictx = r->ictx;
	c->file = r->obj;
	c->pid = r->pid;
	c->fd = r->id;
	memcpy(c->comm, r->comm, sizeof(c->comm));
	c->first = s->nobjs;
	return c;
}

static int add_owner(struct snapshot *s, const struct snap_rec *r)
{
	if (grow((void **)&s->owners, &s->owners_cap, s->nowners, sizeof(*r)))
		return -ENOMEM;
	s->owners[s->nowners++] = *r;
	return 0;
}

/* Where a pass reads its records, and the context they belong to. */
struct pass {
	struct snapshot *s;
	struct ps_bpf *skel;
	struct snap_ctx *ctx;	/* of the records being read */
	__u64 next;		/* SNAP_END: where the walk stopped, 0 if done */
	bool ended;
	bool resuming;		/* a resume pass: resume() loops on p->next */
};

static int resume(struct pass *main, struct snap_ctx *c, __u64 next);

static int take_rec(struct pass *p, const struct snap_rec *r)
{
	switch (r->kind) {
	case SNAP_CTX:
		p->ctx = add_ctx(p->s, r);
		return p->ctx ? 0 : -ENOMEM;
	case SNAP_OWNER:
		return add_owner(p->s, r);
	case SNAP_OBJ:
		/* A resume pass has its context; the first pass names it first. */
		return p->ctx && p->ctx->ictx == r->ictx ? add_obj(p->s, p->ctx, r) : -EPROTO;
	case SNAP_END:
		if (!p->ctx || p->ctx->ictx != r->ictx)
			return -EPROTO;
		p->ctx->reserved += r->id;
		p->next = r->virt_id;
		p->ended = true;
		/* Its objects come next to the others: resume before reading on. */
		return p->resuming || !r->virt_id ? 0 : resume(p, p->ctx, r->virt_id);
	}
	return -EPROTO;
}

/* Reads iterator @link to its end. */
static int run_pass(struct pass *p, struct bpf_link *link)
{
	struct snap_rec buf[READ_RECS];
	int fd, err = 0;
	ssize_t n, i;

	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0)
		return -errno;
	while (!err && (n = read(fd, buf, sizeof(buf))) > 0) {
		if (n % sizeof(buf[0])) {
			err = -EPROTO;
			break;
		}
		for (i = 0; !err && i < n / (ssize_t)sizeof(buf[0]); i++)
			err = take_rec(p, &buf[i]);
	}
	if (!err && n < 0)
		err = -errno;
	close(fd);
	return err;
}

/*
 * Walks the rest of context @c, from index @next, in the files of its
 * owner only; a pass that finds it no more marks it incomplete.
 */
static int resume(struct pass *main, struct snap_ctx *c, __u64 next)
{
	LIBBPF_OPTS(bpf_iter_attach_opts, opts);
	union bpf_iter_link_info info = { .task.pid = c->pid };
	struct pass p = { .s = main->s, .skel = main->skel, .ctx = c,
			  .resuming = true };
	struct ps_bpf *skel = main->skel;
	struct bpf_link *link;
	int err = 0;

	opts.link_info = &info;
	opts.link_info_len = sizeof(info);
	link = bpf_program__attach_iter(skel->progs.snapshot, &opts);
	if (!link)
		return -errno;
	while (!err && next) {
		skel->bss->cursor_ictx = c->ictx;
		skel->bss->cursor_index = next;
		skel->bss->cursor_fd = 0;
		p.ended = false;
		err = run_pass(&p, link);
		if (!err && !p.ended)
			c->incomplete = true;
		next = p.ended ? p.next : 0;
	}
	/* The first pass, read on after this, walks every context again. */
	skel->bss->cursor_ictx = 0;
	bpf_link__destroy(link);
	return err;
}

/*
 * The order in which the model takes a context's objects: what an object
 * holds before it (a vdevice holds its viommu and device, a viommu its
 * hwpt, a hwpt its ioas and fault, a hw_queue its access), then by id.
 */
static const unsigned char rank[OBJ_TYPE_MAX] = {
	[OBJ_DEVICE] = 1, [OBJ_IOAS] = 2, [OBJ_FAULT] = 3,
	[OBJ_HWPT_PAGING] = 4, [OBJ_VIOMMU] = 5, [OBJ_HWPT_NESTED] = 6,
	[OBJ_VEVENTQ] = 7, [OBJ_ACCESS] = 8, [OBJ_HW_QUEUE] = 9,
	[OBJ_VDEVICE] = 10,
};
#define RANKS 11

static unsigned int rank_of(const struct snap_rec *r)
{
	return r->type < OBJ_TYPE_MAX ? rank[r->type] : 0;
}

/* Each context's objects by rank, stable: a counting sort. */
static int sort_objs(struct snapshot *s)
{
	struct snap_rec *tmp = malloc(s->nobjs * sizeof(*tmp) + 1);
	size_t start[RANKS + 1], i, k;
	struct snap_ctx *c;

	if (!tmp)
		return -ENOMEM;
	for (c = s->ctxs; c < s->ctxs + s->nctxs; c++) {
		memset(start, 0, sizeof(start));
		for (i = c->first; i < c->first + c->n; i++)
			start[rank_of(&s->objs[i]) + 1]++;
		for (k = 1; k <= RANKS; k++)
			start[k] += start[k - 1];
		for (i = c->first; i < c->first + c->n; i++)
			tmp[start[rank_of(&s->objs[i])]++] = s->objs[i];
		memcpy(&s->objs[c->first], tmp, c->n * sizeof(*tmp));
	}
	free(tmp);
	return 0;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int fail(struct snapshot *s, enum snap_status status, const char *fmt,
		const char *arg)
{
	s->status = status;
	s->ts_end = now_ns();
	fprintf(stderr, "iommufd-trace: no snapshot of the open contexts: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return -1;
}

int snapshot_take(struct snapshot *s, const struct ksyms *ks, bool verbose)
{
	unsigned long long release = ksyms_addr(ks, FOPS_RELEASE);
	struct pass p = { .s = s };
	struct bpf_link *link;
	int err;

	memset(s, 0, sizeof(*s));
	if (!release)
		return fail(s, SNAP_NO_SYMBOL, "%s is not in /proc/kallsyms (or kptr_restrict hides it)",
			    FOPS_RELEASE);
	p.skel = ps_bpf__open();
	if (!p.skel)
		return fail(s, SNAP_NO_ITERATOR, "cannot open its BPF object: %s", strerror(errno));
	p.skel->rodata->fops_release = release;
	err = ps_bpf__load(p.skel);
	link = err ? NULL : bpf_program__attach_iter(p.skel->progs.snapshot, NULL);
	if (!link) {
		ps_bpf__destroy(p.skel);
		return fail(s, SNAP_NO_ITERATOR, "the BPF task_file iterator does not load%s",
			    verbose ? "" : " (--verbose shows libbpf's log)");
	}
	err = run_pass(&p, link);
	s->ts_end = now_ns();
	bpf_link__destroy(link);
	ps_bpf__destroy(p.skel);
	if (!err)
		err = sort_objs(s);
	if (err)
		return fail(s, SNAP_FAILED, "reading the iterator: %s", strerror(-err));
	s->status = SNAP_TAKEN;
	return 0;
}

void snapshot_free(struct snapshot *s)
{
	free(s->ctxs);
	free(s->objs);
	free(s->owners);
	memset(s, 0, sizeof(*s));
}

size_t snapshot_feed(const struct snapshot *s, struct model *m,
		     unsigned int types)
{
	const struct snap_ctx *c;
	const struct snap_rec *r;
	struct trace_event ev;
	size_t n = 0;

	for (c = s->ctxs; c < s->ctxs + s->nctxs; c++)
		for (r = s->objs + c->first; r < s->objs + c->first + c->n; r++) {
			if (!r->type || !(types & (1U << r->type)))
				continue;
			snapshot_event(c, r, &ev);
			model_feed(m, &ev);
			n++;
		}
	return n;
}

/* A record of the snapshot and when it was read. */
struct read_at {
	__u64 ts;
	size_t i;		/* in s->objs: what an object holds first */
	const struct snap_ctx *c;
};

static int by_time(const void *a, const void *b)
{
	const struct read_at *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

ssize_t snapshot_events(const struct snapshot *s, unsigned int types,
			struct trace_event **evs)
{
	struct read_at *at = calloc(s->nobjs ? s->nobjs : 1, sizeof(*at));
	const struct snap_ctx *c;
	size_t i, n = 0;

	*evs = calloc(s->nobjs ? s->nobjs : 1, sizeof(**evs));
	if (!at || !*evs) {
		free(at);
		free(*evs);
		return -1;
	}
	for (c = s->ctxs; c < s->ctxs + s->nctxs; c++)
		for (i = c->first; i < c->first + c->n; i++)
			if (s->objs[i].type && (types & (1U << s->objs[i].type)))
				at[n++] = (struct read_at){ s->objs[i].ts, i, c };
	qsort(at, n, sizeof(*at), by_time);
	for (i = 0; i < n; i++)
		snapshot_event(at[i].c, &s->objs[at[i].i], &(*evs)[i]);
	free(at);
	return n;
}

void snapshot_end(const struct snapshot *s, size_t fed, struct trace_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = EV_SNAPSHOT;
	ev->ts = s->ts_end;
	ev->snap = s->status;
	ev->contexts = s->nctxs;
	ev->count = fed;
}

void snapshot_event(const struct snap_ctx *c, const struct snap_rec *r,
		    struct trace_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = EV_SEEN;
	ev->ts = r->ts;
	ev->ictx = r->ictx;
	ev->obj = r->obj;
	ev->id = r->id;
	ev->obj_type = r->type;
	ev->users = r->users;
	ev->dev = r->dev;
	ev->virt_id = r->virt_id;
	memcpy(ev->parents, r->parents, sizeof(ev->parents));
	memcpy(ev->ptype, r->ptype, sizeof(ev->ptype));
	/* A vdevice's idev has a field of its own, as in vdev_alloc. */
	if (r->type == OBJ_VDEVICE) {
		ev->idev = ev->parents[1];
		ev->parents[1] = 0;
		ev->ptype[1] = 0;
	}
	ev->task.pid = c->pid;
	ev->task.has_pid = true;
	memcpy(ev->task.comm, c->comm, sizeof(ev->task.comm));
}
