/* SPDX-License-Identifier: GPL-2.0 */
/* Event layout shared by iommufd_trace.bpf.c and user space. */
#ifndef IOMMUFD_TRACE_H
#define IOMMUFD_TRACE_H

#define TASK_COMM_LEN 16
/* Kernel stacks kept: ids of the stacks map, and frames of each. */
#define STACK_IDS 1024
#define STACK_DEPTH 127

/* The iommufd object types the tool follows; 0 is none (or another type). */
enum obj_type {
	OBJ_DEVICE = 1,
	OBJ_VDEVICE,
	OBJ_IOAS,
	OBJ_HWPT_PAGING,
	OBJ_HWPT_NESTED,
	OBJ_VIOMMU,
	OBJ_VEVENTQ,
	OBJ_HW_QUEUE,
	OBJ_FAULT,
	OBJ_ACCESS,
	OBJ_TYPE_MAX,
};

/* An object holds references (users) on at most this many others. */
#define OBJ_PARENTS 2

enum ev_type {
	EV_BIND = 1,		/* idev finalized: ictx, obj=idev, id, dev */
	EV_VDEV_ALLOC,		/* vdev finalized: ictx, obj=vdev, id, virt_id, idev or dev */
	EV_UNBIND,		/* iommufd_device_unbind() entry: ictx, obj=idev, stack_id */
	EV_UNBIND_DONE,		/* iommufd_device_unbind() return: ictx, obj=idev */
	EV_VDEV_DESTROY,	/* iommufd_vdevice_destroy(): ictx, obj=vdev */
	EV_OBJ_REMOVE,		/* iommufd_object_remove() return: ictx, obj, id, ret */
	EV_CTX_RELEASE,		/* iommufd_fops_release() return: ictx */
	EV_OBJ_ABORT,		/* iommufd_object_abort_and_destroy(): ictx, obj, obj_type */
	EV_LOST,		/* user space's: the tracer lost events: count */
	EV_OBJ_NEW,		/* any other type finalized: ictx, obj, id, obj_type, parents */
	EV_OBJ_FREE,		/* its destroy op: obj, obj_type; ictx only where scope keeps it */
	EV_SEEN,		/* user space's: alive in the snapshot at start */
	EV_SNAPSHOT,		/* user space's: the snapshot is complete: its status */
	EV_TYPE_MAX,
};

/* Records that are not iommufd events: where the ring stands, for user space. */
enum mark_type {
	MARK_FENCE = 0x100,	/* user space's fence: all before it is read */
	MARK_CMD_OUTPUT,	/* check's command wrote id bytes to its stdout */
};

/* Which events the programs keep (bpf/scope.bpf.h). */
enum scope_mode {
	SCOPE_ALL,		/* every event, no task or context followed */
	SCOPE_TRACK,		/* every event; the traced tasks' contexts followed */
	SCOPE_FILTER,		/* only events on the traced tasks' contexts */
};

/* Why an event could not be delivered; indexes the loss counters. */
enum loss_kind {
	LOSS_RINGBUF,		/* ring buffer full */
	LOSS_STASH,		/* entry/return stash map full */
	LOSS_SCOPE,		/* traced task or context map full */
	LOSS_KIND_MAX,
};

struct event {
	__u64 ts;		/* bpf_ktime_get_ns() */
	__u64 ictx;		/* struct iommufd_ctx * */
	__u64 obj;		/* struct iommufd_object * (of any type) */
	__u64 idev;		/* EV_VDEV_ALLOC: paired idev, 0 if the kernel has none */
	__u64 parents[OBJ_PARENTS];	/* EV_OBJ_NEW: what it holds; EV_VDEV_ALLOC: [0] its viommu */
	__u64 dev;		/* struct device * of the idev or vdev */
	__u64 virt_id;		/* EV_VDEV_ALLOC: per-vIOMMU virtual ID */
	__u16 type;		/* enum ev_type */
	__u16 obj_type;		/* EV_OBJ_NEW, EV_OBJ_FREE, EV_OBJ_ABORT: enum obj_type */
	__u32 id;		/* object ID in the context */
	__s32 ret;		/* EV_OBJ_REMOVE: return value */
	__s32 stack_id;		/* EV_UNBIND: kernel stack, or -errno */
	__u32 pid;
	__u32 tid;
	__u8 ptype[OBJ_PARENTS];	/* enum obj_type of each of parents[] */
	__u8 pad[6];
	char comm[TASK_COMM_LEN];
};

#endif /* IOMMUFD_TRACE_H */
