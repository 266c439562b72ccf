/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Marks in the ring for user space, between the events: the fence after
 * which nothing is pending.
 *
 * Included by iommufd_trace.bpf.c after the ring buffer.
 */
#ifndef CMD_BPF_H
#define CMD_BPF_H

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
