// SPDX-License-Identifier: GPL-2.0
/*
 * iommufd-trace: follow the lifetimes of iommufd objects: devices (idev)
 * and vdevices (vdev) through their own calls, the other types through
 * iommufd_object_finalize() and their destroy ops.  Each hook exists as
 * fentry/fexit and as kprobe/kretprobe; user space loads one set.  Field
 * accesses are CO-RE only (objects.bpf.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "objects.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);	/* user space may resize */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, STACK_IDS);
	__uint(key_size, sizeof(u32));
	__uint(value_size, STACK_DEPTH * sizeof(u64));
} stacks SEC(".maps");

/* Entry state for the return probes: per thread, nested calls by depth. */
#define REMOVE_DEPTH_MAX 8
enum stash_slot { SLOT_UNBIND, SLOT_RELEASE, SLOT_REMOVE };

struct stash_key {
	u32 tid;
	u32 slot;	/* enum stash_slot, + depth for SLOT_REMOVE */
};

struct stash {
	u64 ictx;
	u64 obj;
	u32 id;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct stash_key);
	__type(value, struct stash);
} stash_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, u32);
	__type(value, u32);
} remove_depth SEC(".maps");

__u64 losses[LOSS_KIND_MAX];

/*
 * Wake the reader only once this much is waiting: it also polls on a
 * timer, and a wake-up per event costs more than the event.  0: always.
 */
const volatile __u64 wakeup_bytes;

/*
 * Set by user space once every program is attached: the programs are
 * attached one after the other, and a lifecycle seen by some of them
 * only (an unbind without the vdevice destroy inside it) would be a
 * wrong finding.  A task sees it change once, from false to true, so
 * each task's events from then on are complete.
 */
bool armed;

/*
 * The enum obj_type bits of the types followed: set with armed, to those
 * whose destroy op is probed.  Without it, every object of a type would
 * look leaked at the release of its context.
 */
__u32 followed;

static __always_inline bool is_followed(int type)
{
	return type && (followed & (1U << type));
}

static __always_inline void count_loss(enum loss_kind kind)
{
	__sync_fetch_and_add(&losses[kind], 1);
}

#include "scope.bpf.h"

/* Two loads, not bpf_get_current_comm()'s copy, which costs more: every event has it. */
static __always_inline void current_comm(char comm[TASK_COMM_LEN])
{
	struct task_struct *task = bpf_get_current_task_btf();

	((u64 *)comm)[0] = *(u64 *)&task->comm[0];
	((u64 *)comm)[1] = *(u64 *)&task->comm[8];
}

static __always_inline struct event *reserve_raw(u32 type, u64 ictx)
{
	struct event *e;
	u64 id = bpf_get_current_pid_tgid();

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_loss(LOSS_RINGBUF);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts = bpf_ktime_get_ns();
	e->type = type;
	e->ictx = ictx;
	e->pid = id >> 32;
	e->tid = (u32)id;
	current_comm(e->comm);
	return e;
}

/* Every event passes here: nothing before all programs are attached, nothing out of scope. */
static __always_inline struct event *reserve(u32 type, u64 ictx)
{
	if (!armed || !in_scope(ictx))
		return NULL;
	return reserve_raw(type, ictx);
}

static __always_inline void submit(struct event *e)
{
	u64 flags = 0;

	if (wakeup_bytes)
		flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ?
			BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	bpf_ringbuf_submit(e, flags);
}

/*
 * SLOT_UNBIND entries put and not yet taken, or more (one put over a
 * stale entry of its thread counts twice): fexit_remove, which runs on
 * every removal, looks for one only when there may be one.  Its thread
 * put it, so it sees its own count.
 */
__u32 unbinds_open;

/* The entry of an event on @ictx: gated like reserve(). */
static __always_inline void stash_put(u32 slot, u64 ictx, u64 obj, u32 id)
{
	struct stash_key key = { .tid = (u32)bpf_get_current_pid_tgid(), .slot = slot };
	struct stash val = { .ictx = ictx, .obj = obj, .id = id };

	if (!armed || !in_scope(ictx))
		return;
	if (bpf_map_update_elem(&stash_map, &key, &val, BPF_ANY))
		count_loss(LOSS_STASH);
	else if (slot == SLOT_UNBIND)
		__sync_fetch_and_add(&unbinds_open, 1);
}

static __always_inline void stash_drop(struct stash_key *key)
{
	if (!bpf_map_delete_elem(&stash_map, key) && key->slot == SLOT_UNBIND)
		__sync_fetch_and_add(&unbinds_open, -1);
}

/* Returns false when the entry was never stashed (lost, or before attach). */
static __always_inline bool stash_take(u32 slot, struct stash *out)
{
	struct stash_key key = { .tid = (u32)bpf_get_current_pid_tgid(), .slot = slot };
	struct stash *val = bpf_map_lookup_elem(&stash_map, &key);

	if (!val)
		return false;
	*out = *val;
	stash_drop(&key);
	return true;
}

/*
 * Here, in on_vdev_destroy() and in on_free(), the object's type and ID
 * come in as arguments: fentry programs load them from the argument they
 * are given, whose type the verifier knows; kprobe programs read them,
 * with a helper call each.
 */
static __always_inline void on_finalize(struct iommufd_ctx *ictx,
					struct iommufd_object *obj, int ktype, u32 id)
{
	int type = obj_type_from(ktype);
	struct obj_refs refs;
	struct event *e;

	if (!is_followed(type)) {
		/* Not reported, but it may be a traced task's first use of the context. */
		if (armed)
			in_scope((u64)ictx);
		return;
	}
	e = reserve(type == OBJ_DEVICE ? EV_BIND :
		    type == OBJ_VDEVICE ? EV_VDEV_ALLOC : EV_OBJ_NEW, (u64)ictx);
	if (!e)
		return;
	e->obj = (u64)obj;
	e->id = id;
	e->obj_type = type;
	if (type == OBJ_DEVICE) {
		e->dev = (u64)BPF_CORE_READ((struct iommufd_device *)obj, dev);
		submit(e);
		return;
	}
	obj_refs_of(obj, type, &refs);
	if (type == OBJ_VDEVICE) {
		/* its idev has a field of its own */
		e->idev = refs.p[1];
		refs.p[1] = 0;
		refs.t[1] = 0;
		vdev_ids((void *)obj, e->idev, &e->dev, &e->virt_id);
	}
	e->parents[0] = refs.p[0];
	e->parents[1] = refs.p[1];
	e->ptype[0] = refs.t[0];
	e->ptype[1] = refs.t[1];
	submit(e);	/* Its destroy op names no context: it is kept for it. */
	if (type != OBJ_VDEVICE)
		scope_obj_put((u64)obj, (u64)ictx);
}

static __always_inline void on_unbind(void *ctx, struct iommufd_device *idev)
{
	u64 ictx = (u64)BPF_CORE_READ(idev, ictx);
	struct event *e;

	stash_put(SLOT_UNBIND, ictx, (u64)idev, 0);
	e = reserve(EV_UNBIND, ictx);
	if (!e)
		return;
	e->obj = (u64)idev;
	e->id = BPF_CORE_READ(idev, obj.id);
	e->stack_id = bpf_get_stackid(ctx, &stacks, 0);
	submit(e);
}

static __always_inline void emit_unbind_done(const struct stash *st)
{
	struct event *e = reserve(EV_UNBIND_DONE, st->ictx);

	if (!e)
		return;
	e->obj = st->obj;
	submit(e);
}

/* The idev is freed by now: only what the entry saw is used. */
static __always_inline void on_unbind_return(void)
{
	struct stash st;

	if (stash_take(SLOT_UNBIND, &st))
		emit_unbind_done(&st);
}

/*
 * fentry mode: the unbind ends with the removal of its idev, the last
 * thing it does.  A second program on iommufd_device_unbind would update
 * its trampoline while other tasks run it, which x86 kernels with the
 * ftrace jmp bug do not survive (kernel/README.md, "Attaching under
 * load"): one program per function.
 */
static __always_inline void on_idev_removed(struct iommufd_object *obj)
{
	struct stash_key key = { .slot = SLOT_UNBIND };
	struct stash *st;

	if (!unbinds_open)
		return;
	key.tid = (u32)bpf_get_current_pid_tgid();
	st = bpf_map_lookup_elem(&stash_map, &key);
	/* Not this task's unbind, or a removal nested inside it. */
	if (!st || st->obj != (u64)container_of(obj, struct iommufd_device, obj))
		return;
	emit_unbind_done(st);
	stash_drop(&key);
}

static __always_inline void on_vdev_destroy(struct iommufd_object *obj, u32 id)
{
	struct iommufd_vdevice *vdev = container_of(obj, struct iommufd_vdevice, obj);
	struct event *e;

	/* vdev->ictx of v6.13-v6.16 is never set: go through the vIOMMU */
	e = reserve(EV_VDEV_DESTROY, (u64)BPF_CORE_READ(vdev, viommu, ictx));
	if (!e)
		return;
	e->obj = (u64)vdev;
	e->id = id;
	submit(e);
}

/* iommufd_object_remove() nests (pre_destroy removes the vdevice). */
static __always_inline void on_remove(struct iommufd_ctx *ictx,
				      struct iommufd_object *obj, u32 id)
{
	u32 tid = (u32)bpf_get_current_pid_tgid();
	u32 *depth = bpf_map_lookup_elem(&remove_depth, &tid);
	u32 d = depth ? *depth : 0;

	if (d < REMOVE_DEPTH_MAX)
		stash_put(SLOT_REMOVE + d, (u64)ictx, (u64)obj, id);
	d++;
	if (depth)
		*depth = d;
	else if (bpf_map_update_elem(&remove_depth, &tid, &d, BPF_ANY))
		count_loss(LOSS_STASH);
}

static __always_inline void emit_remove(u64 ictx, u64 obj, u32 id, long ret)
{
	struct event *e = reserve(EV_OBJ_REMOVE, ictx);

	if (!e)
		return;
	e->obj = obj;
	e->id = id;
	e->ret = ret;
	submit(e);
}

/* kretprobe: the arguments are gone, the entry stashed them. */
static __always_inline void on_remove_return(long ret)
{
	u32 tid = (u32)bpf_get_current_pid_tgid();
	u32 *depth = bpf_map_lookup_elem(&remove_depth, &tid);
	struct stash st;
	u32 d;

	if (!depth || !*depth)
		return;
	d = --*depth;
	if (!d)
		bpf_map_delete_elem(&remove_depth, &tid);
	if (d < REMOVE_DEPTH_MAX && stash_take(SLOT_REMOVE + d, &st))
		emit_remove(st.ictx, st.obj, st.id, ret);
}

static __always_inline void on_release(struct file *filp)
{
	stash_put(SLOT_RELEASE, (u64)BPF_CORE_READ(filp, private_data), 0, 0);
}

static __always_inline void emit_release(u64 ictx)
{
	struct event *e = reserve(EV_CTX_RELEASE, ictx);

	if (e)
		submit(e);
	scope_forget(ictx);
}

static __always_inline void on_release_return(void)
{
	struct stash st;

	if (stash_take(SLOT_RELEASE, &st))
		emit_release(st.ictx);
}

static __always_inline void on_abort(struct iommufd_ctx *ictx,
				     struct iommufd_object *obj)
{
	int type = obj_type_of(obj);
	struct event *e;

	if (!is_followed(type))
		return;
	e = reserve(EV_OBJ_ABORT, (u64)ictx);
	if (!e)
		return;
	e->obj = (u64)obj;
	/* its token is that of its type, as in the events of its end */
	e->obj_type = type;
	submit(e);
}

/*
 * A destroy op of a type other than device and vdevice: its object names
 * no context (an ioas or a hwpt has none), so the event names none, but
 * where scope follows contexts, the one it was finalized in.
 */
static __always_inline void on_free(struct iommufd_object *obj, int type, u32 id)
{
	struct event *e = reserve(EV_OBJ_FREE, scope_obj_take((u64)obj));

	if (!e)
		return;
	e->obj = (u64)obj;
	e->id = id;
	e->obj_type = type;
	submit(e);
}

SEC("fentry/iommufd_object_finalize")
int BPF_PROG(fentry_finalize, struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	on_finalize(ictx, obj, obj->type, obj->id);
	return 0;
}

SEC("kprobe/iommufd_object_finalize")
int BPF_KPROBE(kprobe_finalize, struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	on_finalize(ictx, obj, BPF_CORE_READ(obj, type), BPF_CORE_READ(obj, id));
	return 0;
}

SEC("fentry/iommufd_device_unbind")
int BPF_PROG(fentry_unbind, struct iommufd_device *idev)
{
	on_unbind(ctx, idev);
	return 0;
}

SEC("kprobe/iommufd_device_unbind")
int BPF_KPROBE(kprobe_unbind, struct iommufd_device *idev)
{
	on_unbind(ctx, idev);
	return 0;
}

SEC("kretprobe/iommufd_device_unbind")
int BPF_KRETPROBE(kretprobe_unbind)
{
	on_unbind_return();
	return 0;
}

SEC("fentry/iommufd_vdevice_destroy")
int BPF_PROG(fentry_vdev_destroy, struct iommufd_object *obj)
{
	on_vdev_destroy(obj, obj->id);
	return 0;
}

SEC("kprobe/iommufd_vdevice_destroy")
int BPF_KPROBE(kprobe_vdev_destroy, struct iommufd_object *obj)
{
	on_vdev_destroy(obj, BPF_CORE_READ(obj, id));
	return 0;
}

SEC("kprobe/iommufd_object_remove")
int BPF_KPROBE(kprobe_remove, struct iommufd_ctx *ictx, struct iommufd_object *obj, u32 id)
{
	on_remove(ictx, obj, id);
	return 0;
}

/* fexit sees the arguments: no entry program, no stash, nesting is free. */
SEC("fexit/iommufd_object_remove")
int BPF_PROG(fexit_remove, struct iommufd_ctx *ictx, struct iommufd_object *obj,
	     u32 id, unsigned int flags, int ret)
{
	emit_remove((u64)ictx, (u64)obj, id, ret);
	if (obj)
		on_idev_removed(obj);
	return 0;
}

SEC("kretprobe/iommufd_object_remove")
int BPF_KRETPROBE(kretprobe_remove, int ret)
{
	on_remove_return(ret);
	return 0;
}

SEC("kprobe/iommufd_fops_release")
int BPF_KPROBE(kprobe_release, struct inode *inode, struct file *filp)
{
	on_release(filp);
	return 0;
}

/* The file outlives its release(): private_data still names the ictx. */
SEC("fexit/iommufd_fops_release")
int BPF_PROG(fexit_release, struct inode *inode, struct file *filp)
{
	emit_release((u64)BPF_CORE_READ(filp, private_data));
	return 0;
}

SEC("kretprobe/iommufd_fops_release")
int BPF_KRETPROBE(kretprobe_release)
{
	on_release_return();
	return 0;
}

SEC("fentry/iommufd_object_abort_and_destroy")
int BPF_PROG(fentry_abort, struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	on_abort(ictx, obj);
	return 0;
}

SEC("kprobe/iommufd_object_abort_and_destroy")
int BPF_KPROBE(kprobe_abort, struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	on_abort(ictx, obj);
	return 0;
}

/* The destroy ops of iommufd_object_ops[], by type. */

SEC("fentry/iommufd_ioas_destroy")
int BPF_PROG(fentry_ioas_destroy, struct iommufd_object *obj)
{
	on_free(obj, OBJ_IOAS, obj->id);
	return 0;
}

SEC("kprobe/iommufd_ioas_destroy")
int BPF_KPROBE(kprobe_ioas_destroy, struct iommufd_object *obj)
{
	on_free(obj, OBJ_IOAS, BPF_CORE_READ(obj, id));
	return 0;
}

SEC("fentry/iommufd_hwpt_paging_destroy")
int BPF_PROG(fentry_hwpt_paging_destroy, struct iommufd_object *obj)
{
	on_free(obj, OBJ_HWPT_PAGING, obj->id);
	return 0;
}

SEC("kprobe/iommufd_hwpt_paging_destroy")
int BPF_KPROBE(kprobe_hwpt_paging_destroy, struct iommufd_object *obj)
{
	on_free(obj, OBJ_HWPT_PAGING, BPF_CORE_READ(obj, id));
	return 0;
}

SEC("fentry/iommufd_hwpt_nested_destroy")
int BPF_PROG(fentry_hwpt_nested_destroy, struct iommufd_object *obj)
{
	on_free(obj, OBJ_HWPT_NESTED, obj->id);
	return 0;
}

SEC("kprobe/iommufd_hwpt_nested_destroy")
int BPF_KPROBE(kprobe_hwpt_nested_destroy, struct iommufd_object *obj)
{
	on_free(obj, OBJ_HWPT_NESTED, BPF_CORE_READ(obj, id));
	return 0;
}

SEC("fentry/iommufd_viommu_destroy")
int BPF_PROG(fentry_viommu_destroy, struct iommufd_object *obj)
{
	on_free(obj, OBJ_VIOMMU, obj->id);
	return 0;
}

SEC("kprobe/iommufd_viommu_destroy")
int BPF_KPROBE(kprobe_viommu_destroy, struct iommufd_object *obj)
{
	on_free(obj, OBJ_VIOMMU, BPF_CORE_READ(obj, id));
	return 0;
}

SEC("fentry/iommufd_veventq_destroy")
int BPF_PROG(fentry_veventq_destroy, struct iommufd_object *obj)
{
	on_free(obj, OBJ_VEVENTQ, obj->id);
	return 0;
}

SEC("kprobe/iommufd_veventq_destroy")
int BPF_KPROBE(kprobe_veventq_destroy, struct iommufd_object *obj)
{
	on_free(obj, OBJ_VEVENTQ, BPF_CORE_READ(obj, id));
	return 0;
}

SEC("fentry/iommufd_hw_queue_destroy")
int BPF_PROG(fentry_hw_queue_destroy, struct iommufd_object *obj)
{
	on_free(obj, OBJ_HW_QUEUE, obj->id);
	return 0;
}

SEC("kprobe/iommufd_hw_queue_destroy")
int BPF_KPROBE(kprobe_hw_queue_destroy, struct iommufd_object *obj)
{
	on_free(obj, OBJ_HW_QUEUE, BPF_CORE_READ(obj, id));
	return 0;
}

SEC("fentry/iommufd_fault_destroy")
int BPF_PROG(fentry_fault_destroy, struct iommufd_object *obj)
{
	on_free(obj, OBJ_FAULT, obj->id);
	return 0;
}

SEC("kprobe/iommufd_fault_destroy")
int BPF_KPROBE(kprobe_fault_destroy, struct iommufd_object *obj)
{
	on_free(obj, OBJ_FAULT, BPF_CORE_READ(obj, id));
	return 0;
}

SEC("fentry/iommufd_access_destroy_object")
int BPF_PROG(fentry_access_destroy, struct iommufd_object *obj)
{
	on_free(obj, OBJ_ACCESS, obj->id);
	return 0;
}

SEC("kprobe/iommufd_access_destroy_object")
int BPF_KPROBE(kprobe_access_destroy, struct iommufd_object *obj)
{
	on_free(obj, OBJ_ACCESS, BPF_CORE_READ(obj, id));
	return 0;
}

#include "cmd.bpf.h"
