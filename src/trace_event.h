/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event the model consumes.  Live mode builds it from the BPF struct
 * event, replay from a JSON line.  Identifiers are opaque u64 keys
 * (kernel pointers live, interned strings in replay); 0 means absent.
 */
#ifndef TRACE_EVENT_H
#define TRACE_EVENT_H

#include <stdbool.h>
#include <linux/types.h>

#include "iommufd_trace.h"

/* The task an event came from, when known. */
struct task {
	__u64 stack;		/* opaque stack handle for the output layer, 0 = none */
	__u32 pid;
	bool has_pid;		/* pid and comm are known */
	char comm[TASK_COMM_LEN];
};

struct trace_event {
	enum ev_type type;
	__u64 ts;		/* ns */
	__u64 ictx;
	__u64 obj;		/* idev (bind, unbind*), vdev (vdev_*), any (abort) */
	enum obj_type obj_type;	/* EV_OBJ_ABORT: of obj; 0 if not known */
	__u64 idev;		/* EV_VDEV_ALLOC: paired idev, 0 on v6.13-v6.16 */
	__u64 dev;		/* struct device of the idev or vdev */
	__u64 virt_id;
	__u32 id;		/* bind: idev id; vdev_alloc: vdev id; obj_remove */
	__s32 ret;		/* EV_OBJ_REMOVE */
	__u64 count;		/* EV_LOST: events lost */
	struct task task;
};

/*
 * Counts of events add up saturating: a sum of lost counts that wrapped
 * would say that fewer, or none, were lost.
 */
static inline __u64 count_add(__u64 a, __u64 b)
{
	return a + b < a ? ~0ULL : a + b;
}

#endif /* TRACE_EVENT_H */
