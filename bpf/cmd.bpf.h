/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Check mode's marks in the ring, between the events: how many bytes the
 * command had written to its stdout pipe before each event (so that user
 * space knows which of its output lines came first, whatever the delay of
 * its reads), and the fence after which nothing is pending.
 *
 * Included by iommufd_trace.bpf.c after reserve_raw().
 */
#ifndef CMD_BPF_H
#define CMD_BPF_H

#define PIPEFS_MAGIC 0x50495045

/* The pipe's inode number, set by user space before the command runs. */
__u64 out_pipe_ino;

static __always_inline bool is_out_pipe(struct kiocb *iocb)
{
	struct inode *inode = BPF_CORE_READ(iocb, ki_filp, f_inode);

	return out_pipe_ino && BPF_CORE_READ(inode, i_ino) == out_pipe_ino &&
	       BPF_CORE_READ(inode, i_sb, s_magic) == PIPEFS_MAGIC;
}

static __always_inline void mark_output(long bytes)
{
	struct event *e;

	if (bytes <= 0)
		return;
	e = reserve_raw(MARK_CMD_OUTPUT, 0);
	if (!e)
		return;
	e->id = bytes;
	submit(e);
}

/*
 * anon_pipe_write(), or pipe_write() before v6.15: probes.c picks one.
 * fexit counts what was written.  A kretprobe could miss returns: every
 * pipe write of the system holds one of its few instances while it
 * blocks.  So kprobe mode counts at entry what is to be written: a write
 * cut short by a signal would count whole.
 */
SEC("fexit/anon_pipe_write")
int BPF_PROG(fexit_out_write, struct kiocb *iocb, struct iov_iter *from, long ret)
{
	if (is_out_pipe(iocb))
		mark_output(ret);
	return 0;
}

SEC("kprobe/anon_pipe_write")
int BPF_KPROBE(kprobe_out_write, struct kiocb *iocb, struct iov_iter *from)
{
	if (is_out_pipe(iocb))
		mark_output(BPF_CORE_READ(from, count));
	return 0;
}

/*
 * Run by user space (BPF_PROG_TEST_RUN) when it stops: once it has read
 * the fence, it has read every event reserved before the call.  Returns
 * 0 when the ring was full (user space reads and tries again).
 */
SEC("syscall")
int fence(void *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->type = MARK_FENCE;
	bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
	return 1;
}

#endif /* CMD_BPF_H */
