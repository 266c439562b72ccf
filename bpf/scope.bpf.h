/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scope: whose events are kept.  A task is traced when its process is in
 * scope_tasks (check's command, --pid, and every process they fork from
 * then on) or has the --comm name.  A context enters scope_ctxs with the
 * first event a traced task causes on it (the finalize of any object type
 * counts) and leaves it at its release; while it is there every event on
 * it is kept, whichever task causes it (a kworker's delayed fput, a process
 * the fd was handed to).  SCOPE_FILTER keeps nothing else; SCOPE_TRACK
 * keeps everything but still follows the traced tasks' contexts, so that
 * user space knows when they are all released.
 *
 * Not an LRU: an evicted context would drop its later events unseen.  A
 * full map is a counted loss, and the verdict is inconclusive.
 *
 * Included by iommufd_trace.bpf.c after count_loss().
 */
#ifndef SCOPE_BPF_H
#define SCOPE_BPF_H

/* Set before load; SCOPE_ALL leaves the maps at one entry. */
const volatile __u8 scope = SCOPE_ALL;
const volatile char scope_comm[TASK_COMM_LEN];

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);	/* live processes at once */
	__type(key, u32);		/* tgid */
	__type(value, u8);
} scope_tasks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);	/* open contexts at once */
	__type(key, u64);		/* struct iommufd_ctx * */
	__type(value, u8);
} scope_ctxs SEC(".maps");

/* The context of each object in scope whose destroy op names none. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 262144);	/* such objects alive at once */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, u64);		/* struct iommufd_object * */
	__type(value, u64);		/* struct iommufd_ctx * */
} scope_objs SEC(".maps");

/*
 * The contexts last found in scope_ctxs, looked at first.  On a lockdep
 * kernel a hash lookup costs some 700 instructions and a scan of these
 * 30, and a traced program's events fall on a few contexts.  Filled on
 * a hit in scope_ctxs, so a context is here only while it is there, but
 * for a fill racing its release: an event on a context while its last
 * reference goes, which no task can cause.  Writers that race lose an
 * entry, which costs a lookup.
 */
#define SCOPE_RECENT 4
__u64 scope_recent[SCOPE_RECENT];
__u32 scope_recent_next;

static __always_inline bool scope_recent_has(u64 ictx)
{
	int i;

	for (i = 0; i < SCOPE_RECENT; i++)
		if (scope_recent[i] == ictx)
			return true;
	return false;
}

static __always_inline void scope_recent_add(u64 ictx)
{
	scope_recent[scope_recent_next++ % SCOPE_RECENT] = ictx;
}

static __always_inline void scope_recent_drop(u64 ictx)
{
	int i;

	for (i = 0; i < SCOPE_RECENT; i++)
		if (scope_recent[i] == ictx)
			scope_recent[i] = 0;
}

static __always_inline bool comm_is_scope_comm(void)
{
	char comm[TASK_COMM_LEN];
	int i;

	if (!scope_comm[0])
		return false;
	bpf_get_current_comm(comm, sizeof(comm));
	for (i = 0; i < TASK_COMM_LEN; i++) {
		if (comm[i] != scope_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

static __always_inline bool task_traced(void)
{
	u32 tgid = bpf_get_current_pid_tgid() >> 32;

	return bpf_map_lookup_elem(&scope_tasks, &tgid) || comm_is_scope_comm();
}

/* Is an event on @ictx kept?  A traced task's brings the context in. */
static __always_inline bool in_scope(u64 ictx)
{
	u8 yes = 1;

	if (scope == SCOPE_ALL)
		return true;
	if (ictx && scope_recent_has(ictx))
		return true;
	if (ictx && bpf_map_lookup_elem(&scope_ctxs, &ictx)) {
		scope_recent_add(ictx);
		return true;
	}
	if (!task_traced())
		return scope != SCOPE_FILTER;
	if (ictx && bpf_map_update_elem(&scope_ctxs, &ictx, &yes, BPF_ANY))
		count_loss(LOSS_SCOPE);
	return true;
}

/*
 * At the return of its release: the events of the release itself are
 * kept.  A context allocated at the same address by another CPU between
 * the kfree() inside the release and this return would have its first
 * event kept too; it would need an open and an ioctl in that window.
 */
static __always_inline void scope_forget(u64 ictx)
{
	if (scope == SCOPE_ALL)
		return;
	bpf_map_delete_elem(&scope_ctxs, &ictx);
	scope_recent_drop(ictx);
}

/* Only where events are dropped by context: elsewhere the model finds the object by key. */
static __always_inline void scope_obj_put(u64 obj, u64 ictx)
{
	if (scope == SCOPE_FILTER && bpf_map_update_elem(&scope_objs, &obj, &ictx, BPF_ANY))
		count_loss(LOSS_SCOPE);
}

/* The context of @obj, forgotten: 0 when not in scope or not followed. */
static __always_inline u64 scope_obj_take(u64 obj)
{
	u64 *ictx, v;

	if (scope != SCOPE_FILTER)
		return 0;
	ictx = bpf_map_lookup_elem(&scope_objs, &obj);
	if (!ictx)
		return 0;
	v = *ictx;
	bpf_map_delete_elem(&scope_objs, &obj);
	return v;
}

/* The kernel's fork: no process of a traced one is missed, however short. */
SEC("raw_tp/sched_process_fork")
int BPF_PROG(scope_fork, struct task_struct *parent, struct task_struct *child)
{
	u32 ptgid = BPF_CORE_READ(parent, tgid), ctgid = BPF_CORE_READ(child, tgid);
	u8 yes = 1;

	/* A thread is already traced with its process. */
	if (ptgid == ctgid || !bpf_map_lookup_elem(&scope_tasks, &ptgid))
		return 0;
	if (bpf_map_update_elem(&scope_tasks, &ctgid, &yes, BPF_ANY))
		count_loss(LOSS_SCOPE);
	return 0;
}

/*
 * The process is gone with its last thread (signal->live is down to 0
 * before the tracepoint): its tgid may be reused.  Its files are closed
 * after this; the contexts among them are in scope_ctxs already.
 */
SEC("raw_tp/sched_process_exit")
int BPF_PROG(scope_exit, struct task_struct *task)
{
	u32 tgid;

	if (BPF_CORE_READ(task, signal, live.counter))
		return 0;
	tgid = BPF_CORE_READ(task, tgid);
	bpf_map_delete_elem(&scope_tasks, &tgid);
	return 0;
}

/*
 * Run by user space (BPF_PROG_TEST_RUN) before it forks the command: the
 * tool's own process, by the kernel's pid (a pid namespace does not
 * matter), whose child the command then is.
 */
SEC("syscall")
int scope_self(void *ctx)
{
	u32 tgid = bpf_get_current_pid_tgid() >> 32;
	u8 yes = 1;

	return bpf_map_update_elem(&scope_tasks, &tgid, &yes, BPF_ANY);
}

#endif /* SCOPE_BPF_H */
