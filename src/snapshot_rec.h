/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records of the snapshot iterator (bpf/ps.bpf.c), read by snapshot.c.
 * Per context: SNAP_CTX, its objects in id order, SNAP_END; a context
 * that another process holds too gets a SNAP_OWNER instead.  A SNAP_END
 * with a next index says the walk stopped there: a resume pass goes on.
 */
#ifndef SNAPSHOT_REC_H
#define SNAPSHOT_REC_H

#include "iommufd_trace.h"

enum snap_kind {
	SNAP_CTX = 1,		/* ictx, obj = its file, id = fd, pid, comm */
	SNAP_OWNER,		/* another fd or process on a context seen before */
	SNAP_OBJ,		/* an object: all fields */
	SNAP_END,		/* ictx, next (0: the walk is complete), reserved */
};

/*
 * Objects per iterator call: a call's records must fit the 32 KiB of
 * the iterator's buffer, or its output is dropped.
 */
#define SNAP_BUDGET	256

struct snap_rec {
	__u64 ts;		/* bpf_ktime_get_ns() before the read */
	__u64 ictx;
	__u64 obj;		/* SNAP_OBJ: the object; SNAP_CTX, SNAP_OWNER: the file */
	__u64 parents[OBJ_PARENTS];	/* what it holds, see objects.bpf.h */
	__u64 dev;		/* device: its struct device; vdevice: the same before v6.17 */
	__u64 virt_id;		/* vdevice; SNAP_END: the next index, 0 when done */
	__u32 kind;		/* enum snap_kind */
	__u32 id;		/* SNAP_OBJ: object id; SNAP_CTX, SNAP_OWNER: fd;
				 * SNAP_END: ids reserved (tombstones, objects being made) */
	__u32 users;		/* the object's users refcount */
	__u32 pid;		/* SNAP_CTX, SNAP_OWNER: the tgid holding the file */
	__u8 type;		/* enum obj_type, 0 for another type */
	__u8 ptype[OBJ_PARENTS];
	__u8 pad[5];
	char comm[TASK_COMM_LEN];	/* SNAP_CTX, SNAP_OWNER */
};

#endif /* SNAPSHOT_REC_H */
