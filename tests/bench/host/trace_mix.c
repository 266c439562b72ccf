// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's event stream.  Exact length: whatever is still needed to
 * reach the peak and drain (3 events per object: a device costs bind,
 * unbind, unbind_done; a vdevice vdev_alloc, vdev_destroy, obj_remove) is
 * "required"; the rest of the budget is slack, spent on extra actions at a
 * steady rate and, at the very end, on failed obj_removes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iref.h"
#include "trace_mix.h"

#define CTXS		8
#define QUEUE		8	/* the longest action: teardown + creation */

struct unit {			/* a device and its vdevice, if any */
	__u64 idev, dev, vdev, virt_id;
	__u32 idev_id, vdev_id;
	unsigned int ctx;
};

/* Kernel-like pointers; freed ones come back first, as in a slab. */
struct keys {
	__u64 base, stride, next;
	__u64 *free;
	size_t nfree;
};

struct mix {
	__u64 body;		/* events before the context releases */
	__u64 peak, rng, ts;
	bool by_dev;		/* vdev_alloc without idev, as before v6.17 */
	__u64 planned;		/* events queued so far */
	__u64 live;		/* devices and vdevices after them */
	__u64 teardown;		/* events to tear down every live unit */
	bool peaked;
	unsigned int released;
	struct unit *units;
	size_t nunits;
	struct keys idevs, vdevs, devs;
	__u32 next_id[CTXS];
	__u32 freed_id[CTXS];	/* an id that is gone: IOMMU_DESTROY fails */
	struct trace_event q[QUEUE];
	unsigned int qhead, qlen;
};

static __u64 rnd(struct mix *m)
{
	__u64 z = (m->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static __u64 below(struct mix *m, __u64 n)
{
	return (unsigned __int128)rnd(m) * n >> 64;
}

static __u64 key_get(struct keys *k)
{
	return k->nfree ? k->free[--k->nfree] : k->base + k->stride * k->next++;
}

static void key_put(struct keys *k, __u64 key)
{
	k->free[k->nfree++] = key;
}

static struct trace_event *push(struct mix *m, enum ev_type type,
				unsigned int ctx)
{
	struct trace_event *ev = &m->q[(m->qhead + m->qlen++) % QUEUE];

	memset(ev, 0, sizeof(*ev));
	m->ts += 50 + below(m, 1000);
	m->planned++;
	ev->type = type;
	ev->ts = m->ts;
	ev->ictx = 0xffff888100000000ULL + ctx * 0x400ULL;
	ev->task.pid = 1000 + ctx;
	ev->task.has_pid = true;
	strcpy(ev->task.comm, "qemu-system-x86");
	return ev;
}

static void vdev_alloc(struct mix *m, struct unit *u)
{
	struct trace_event *ev = push(m, EV_VDEV_ALLOC, u->ctx);

	u->vdev = key_get(&m->vdevs);
	u->vdev_id = m->next_id[u->ctx]++;
	u->virt_id = below(m, 0x10000);
	ev->obj = u->vdev;
	ev->id = u->vdev_id;
	ev->virt_id = u->virt_id;
	ev->idev = m->by_dev ? 0 : u->idev;
	ev->dev = u->dev;
	m->live++;
	m->teardown += 2;
}

static void obj_remove(struct mix *m, unsigned int ctx, __u32 id, int ret)
{
	struct trace_event *ev = push(m, EV_OBJ_REMOVE, ctx);

	ev->id = id;
	ev->ret = ret;
}

static void vdev_destroy(struct mix *m, struct unit *u)
{
	push(m, EV_VDEV_DESTROY, u->ctx)->obj = u->vdev;
	obj_remove(m, u->ctx, u->vdev_id, 0);
	key_put(&m->vdevs, u->vdev);
	m->freed_id[u->ctx] = u->vdev_id;
	u->vdev = 0;
	m->live--;
	m->teardown -= 2;
}

/* A new device, with a vdevice unless that would pass the peak. */
static void create(struct mix *m)
{
	struct unit *u = &m->units[m->nunits++];
	struct trace_event *ev;

	u->ctx = below(m, CTXS);
	u->idev = key_get(&m->idevs);
	u->dev = key_get(&m->devs);
	u->idev_id = m->next_id[u->ctx]++;
	u->vdev = 0;
	ev = push(m, EV_BIND, u->ctx);
	ev->obj = u->idev;
	ev->id = u->idev_id;
	ev->dev = u->dev;
	m->live++;
	m->teardown += 2;
	if (below(m, 5) && m->live + 1 <= m->peak)
		vdev_alloc(m, u);
}

static void destroy(struct mix *m, size_t i)
{
	struct unit *u = &m->units[i];
	struct trace_event *ev;

	if (u->vdev)
		vdev_destroy(m, u);
	ev = push(m, EV_UNBIND, u->ctx);
	ev->obj = u->idev;
	ev->task.stack = iref_of(below(m, MIX_STACKS));
	push(m, EV_UNBIND_DONE, u->ctx)->obj = u->idev;
	key_put(&m->idevs, u->idev);
	key_put(&m->devs, u->dev);
	m->live--;
	m->teardown -= 2;
	*u = m->units[--m->nunits];
}

static void failed_remove(struct mix *m)
{
	unsigned int ctx = below(m, CTXS);
	__u32 id = m->freed_id[ctx] ? m->freed_id[ctx] : m->next_id[ctx];

	obj_remove(m, ctx, id, -ENOENT);
}

/* Spends slack (at most 6 events' worth, see plan()). */
static void extra(struct mix *m, __u64 slack)
{
	__u64 r = below(m, 10);
	struct unit *u;

	if (r < 4 && slack >= 3 && m->nunits) {
		u = &m->units[below(m, m->nunits)];
		if (u->vdev) {		/* the VM re-creates its vdevice */
			vdev_destroy(m, u);
			vdev_alloc(m, u);
			return;
		}
	} else if (r < 8 && slack >= 6 && m->nunits) {
		destroy(m, below(m, m->nunits));	/* one device goes, one comes */
		create(m);
		return;
	}
	failed_remove(m);
}

/*
 * Queues the next action; false at the end.  Creating or destroying leaves
 * the slack as it is; a vdevice re-creation spends 3, replacing a device
 * 3 per object, a failed remove 1.
 */
static bool plan(struct mix *m)
{
	__u64 required, slack;

	if (m->peaked && !m->nunits) {
		if (m->planned < m->body)
			failed_remove(m);
		else if (m->released < CTXS)
			push(m, EV_CTX_RELEASE, m->released++);
		else
			return false;
		return true;
	}
	required = m->teardown + (m->peaked ? 0 : 3 * (m->peak - m->live));
	slack = m->body - m->planned - required;
	if (slack && below(m, slack + required) < slack)
		extra(m, slack);
	else if (!m->peaked)
		create(m);
	else
		destroy(m, below(m, m->nunits));
	if (m->live >= m->peak)
		m->peaked = true;
	return true;
}

bool mix_next(struct mix *m, struct trace_event *ev)
{
	while (!m->qlen)
		if (!plan(m))
			return false;
	*ev = m->q[m->qhead];
	m->qhead = (m->qhead + 1) % QUEUE;
	m->qlen--;
	return true;
}

/*
 * Faulted in now, so that the RSS the model bench sees grow is the model's.
 * Not with zeros: the compiler turns malloc() + memset(0) into calloc(),
 * which leaves the pages unmapped.
 */
static void *alloc_touched(size_t size)
{
	void *p = malloc(size);

	if (p)
		memset(p, 0xff, size);
	return p;
}

static int keys_init(struct keys *k, __u64 base, __u64 stride, __u64 peak)
{
	k->base = base;
	k->stride = stride;
	k->free = alloc_touched((peak + 1) * sizeof(*k->free));
	return k->free ? 0 : -1;
}

struct mix *mix_new(__u64 events, __u64 peak, __u64 seed, bool by_dev)
{
	struct mix *m;
	int i;

	if (!peak || events < CTXS || (events - CTXS) / 3 < peak) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->body = events - CTXS;
	m->peak = peak;
	m->rng = seed;
	m->by_dev = by_dev;
	m->ts = 1000000000000ULL;
	for (i = 0; i < CTXS; i++)
		m->next_id[i] = 1;
	m->units = alloc_touched((peak + 1) * sizeof(*m->units));
	if (!m->units ||
	    keys_init(&m->idevs, 0xffff888200000000ULL, 0x200, peak) ||
	    keys_init(&m->vdevs, 0xffff888400000000ULL, 0x100, peak) ||
	    keys_init(&m->devs, 0xffff888600000000ULL, 0x400, peak)) {
		mix_free(m);
		errno = ENOMEM;
		return NULL;
	}
	return m;
}

void mix_free(struct mix *m)
{
	if (!m)
		return;
	free(m->units);
	free(m->idevs.free);
	free(m->vdevs.free);
	free(m->devs.free);
	free(m);
}

__u64 mix_number(const char *prog, const char *s, const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end) {
		fprintf(stderr, "%s: bad %s: %s\n", prog, what, s);
		exit(2);
	}
	return v;
}
