// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot: every open iommufd context and its objects, from the
 * files of every task (iter/task_file), walking each context's object
 * xarray with CO-RE reads.  Records are in src/snapshot_rec.h.
 *
 * One call writes at most SNAP_BUDGET objects and ends with where it
 * stopped; user space resumes there with a pass over the files of the
 * owner only (a resume pass, by the cursor).  The file is held
 * while a call runs, so its context is alive; the objects are not held:
 * one destroyed while it is read may show stale fields.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "objects.bpf.h"
#include "snapshot_rec.h"

char LICENSE[] SEC("license") = "GPL";

/* iommufd_fops is static: its files are known by their release function. */
const volatile __u64 fops_release;

/* A resume pass: the context and the index to go on from; 0: none. */
__u64 cursor_ictx;
__u64 cursor_index;
/* The fd of the owner the pass walks, +1: one fd per context. */
__u32 cursor_fd;

/*
 * Contexts walked, with the tgid << 32 | fd that walked them: another
 * fd on the same file only names its owner.  A call whose output did
 * not fit is run again; the same fd walks again.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u64);
} walked SEC(".maps");

/* xarray entries: see include/linux/xarray.h */
#define XA_ZERO_ENTRY	((257UL << 2) | 2)
#define XA_INTERNAL(e)	(((e) & 3) == 2)
#define XA_NODE(e)	(XA_INTERNAL(e) && (e) > 4096)
/* Node levels above the leaves for ids up to 2^31 - 1 (xa_limit_31b), at 4 bits a level (CONFIG_BASE_SMALL) */
#define XA_MAX_LEVELS	8
/* Leaf nodes looked at per call, empty ones included */
#define LEAVES_PER_CALL	256

struct walk {
	struct seq_file *seq;
	__u64 ictx;
	__u64 head;		/* the xarray's head entry */
	__u64 next;		/* the next index to look at */
	__u64 last;		/* the last index the head covers */
	__u64 leaf;		/* the leaf node of the current scan, its first index */
	__u64 base;
	__u32 from;		/* the first slot of the scan */
	__u32 objects;		/* written so far in this call */
	__u32 reserved;
	bool done;		/* the xarray ended */
	bool full;		/* the budget is spent */
	struct snap_rec rec;
};

static __always_inline __u64 chunk_shift(void)
{
	/* 6, or 4 with CONFIG_BASE_SMALL: from the size of xa_node.slots */
	return bpf_core_field_size(struct xa_node, slots) / sizeof(void *) == 16 ? 4 : 6;
}

static __always_inline __u64 slot_at(__u64 node, __u64 i)
{
	__u64 e = 0;

	bpf_probe_read_kernel(&e, sizeof(e), (void *)(node - 2) +
			      bpf_core_field_offset(struct xa_node, slots) +
			      i * sizeof(void *));
	return e;
}

static __always_inline __u8 node_shift(__u64 node)
{
	return BPF_CORE_READ((struct xa_node *)(node - 2), shift);
}

/*
 * Object @p as a record.  A global function: the verifier checks it once,
 * not at every place a loop reaches it (it holds most of the CO-RE reads).
 */
__noinline int fill_obj(struct snap_rec *r, __u64 p, __u64 index, __u64 ts)
{
	struct iommufd_object *obj = (void *)p;
	struct obj_refs refs;
	int type;

	if (!r)
		return 0;
	type = obj_type_of(obj);
	__builtin_memset(r, 0, sizeof(*r));
	r->kind = SNAP_OBJ;
	r->ts = ts;
	r->obj = p;
	r->id = index;
	r->type = type;
	r->users = BPF_CORE_READ(obj, users.refs.counter);
	obj_refs_of(obj, type, &refs);
	r->parents[0] = refs.p[0];
	r->parents[1] = refs.p[1];
	r->ptype[0] = refs.t[0];
	r->ptype[1] = refs.t[1];
	if (type == OBJ_DEVICE)
		r->dev = (__u64)BPF_CORE_READ((struct iommufd_device *)obj, dev);
	else if (type == OBJ_VDEVICE)
		vdev_ids((void *)obj, refs.p[1], &r->dev, &r->virt_id);
	return 0;
}

static void write_obj(struct walk *w, __u64 p, __u64 index, __u64 ts)
{
	fill_obj(&w->rec, p, index, ts);
	w->rec.ictx = w->ictx;
	bpf_seq_write(w->seq, &w->rec, sizeof(w->rec));
}

/* Slot @i of the current leaf. */
static long scan_slot(__u32 i, struct walk *w)
{
	__u64 e, index = w->base + i;

	if (i < w->from)
		return 0;
	e = slot_at(w->leaf, i);
	/* Index 0 holds one too: ids start at 1 (XA_FLAGS_ALLOC1). */
	if (e == XA_ZERO_ENTRY && index)
		w->reserved++;
	if (!e || (e & 3))	/* empty, internal or a value: no object */
		return 0;
	if (w->objects == SNAP_BUDGET) {
		w->full = true;
		w->next = index;
		return 1;
	}
	write_obj(w, e, index, w->rec.ts);
	w->objects++;
	return 0;
}

/*
 * One step: from the head down to the leaf that holds index w->next, then
 * its slots.  A missing subtree is skipped.  A head that is an object
 * itself is index 0 (never used: ids start at 1).
 */
static long step(__u32 n, struct walk *w)
{
	__u64 e = w->head, index = w->next, shift = 0, size = 1ULL << chunk_shift();
	int level;

	if (w->done || w->full)
		return 1;
	if (index > w->last) {
		w->done = true;
		return 1;
	}
	for (level = 0; level < XA_MAX_LEVELS; level++) {
		if (!XA_NODE(e))
			break;
		shift = node_shift(e);
		if (!shift)
			break;
		e = slot_at(e, (index >> shift) & (size - 1));
		if (!XA_NODE(e)) {
			/* nothing under this slot */
			w->next = ((index >> shift) + 1) << shift;
			if (!w->next)
				w->done = true;
			return 0;
		}
	}
	if (!XA_NODE(e) || shift) {
		w->done = true;
		return 1;
	}
	w->leaf = e;
	w->base = index & ~(size - 1);
	w->from = index & (size - 1);
	/* Taken before the reads: an object read is destroyed after it. */
	w->rec.ts = bpf_ktime_get_ns();
	bpf_loop(size, scan_slot, w, 0);
	if (!w->full)
		w->next = w->base + size;
	if (!w->next)
		w->done = true;
	return 0;
}

static void write_head(struct walk *w, enum snap_kind kind,
		       struct task_struct *task, struct file *file, __u32 fd)
{
	struct snap_rec *r = &w->rec;

	__builtin_memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->ts = bpf_ktime_get_ns();
	r->ictx = w->ictx;
	r->obj = (__u64)file;
	r->id = fd;
	r->pid = BPF_CORE_READ(task, tgid);
	BPF_CORE_READ_STR_INTO(&r->comm, task, comm);
	bpf_seq_write(w->seq, r, sizeof(*r));
}

/* Walks the objects of w->ictx from w->next on, then says where it stopped. */
static void walk(struct walk *w)
{
	struct iommufd_ctx *ictx = (void *)w->ictx;
	__u64 shift, size = 1ULL << chunk_shift();
	struct snap_rec *r = &w->rec;

	w->head = (__u64)BPF_CORE_READ(ictx, objects.xa_head);
	w->last = 0;
	if (XA_NODE(w->head)) {
		shift = node_shift(w->head);
		w->last = shift + chunk_shift() >= 64 ? ~0ULL :
			  (size << shift) - 1;
	}
	if (w->head && !XA_INTERNAL(w->head) && !w->next)
		write_obj(w, w->head, 0, bpf_ktime_get_ns());
	if (XA_NODE(w->head))
		bpf_loop(LEAVES_PER_CALL, step, w, 0);
	else
		w->done = true;
	__builtin_memset(r, 0, sizeof(*r));
	r->kind = SNAP_END;
	r->ts = bpf_ktime_get_ns();
	r->ictx = w->ictx;
	r->virt_id = w->done ? 0 : w->next;
	r->id = w->reserved;
	bpf_seq_write(w->seq, r, sizeof(*r));
}

/* The context of @file, if it is an iommufd file; else 0. */
static __always_inline __u64 iommufd_ctx_of(struct file *file)
{
	const struct file_operations *fops;

	if (!file)
		return 0;
	fops = BPF_CORE_READ(file, f_op);
	if (!fops || (__u64)BPF_CORE_READ(fops, release) != fops_release)
		return 0;
	return (__u64)BPF_CORE_READ(file, private_data);
}

/*
 * The first pass walks every context it finds; a resume pass (cursor_ictx
 * set, a link on the owner's files) goes on with one context.  One
 * program for both: the verifier's time is spent once.
 */
SEC("iter/task_file")
int snapshot(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct walk w = {};
	__u64 owner, *prev;

	w.ictx = iommufd_ctx_of(ctx->file);
	if (!w.ictx || !task)
		return 0;
	w.seq = ctx->meta->seq;
	if (cursor_ictx) {
		if (w.ictx != cursor_ictx ||
		    (cursor_fd && cursor_fd != ctx->fd + 1))
			return 0;
		cursor_fd = ctx->fd + 1;
		w.next = cursor_index;
	} else {
		owner = (__u64)BPF_CORE_READ(task, tgid) << 32 | ctx->fd;
		prev = bpf_map_lookup_elem(&walked, &w.ictx);
		if (prev && *prev != owner) {
			write_head(&w, SNAP_OWNER, task, ctx->file, ctx->fd);
			return 0;
		}
		bpf_map_update_elem(&walked, &w.ictx, &owner, BPF_ANY);
		write_head(&w, SNAP_CTX, task, ctx->file, ctx->fd);
	}
	/* One call: each call of a subprogram is verified on its own. */
	walk(&w);
	return 0;
}
