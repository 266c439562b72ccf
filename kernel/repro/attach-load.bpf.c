// SPDX-License-Identifier: GPL-2.0
/* Empty fentry and fexit programs; user space picks their target. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 entries, exits;

SEC("fentry")
int BPF_PROG(on_entry)
{
	__sync_fetch_and_add(&entries, 1);
	return 0;
}

SEC("fentry")
int BPF_PROG(on_entry2)
{
	__sync_fetch_and_add(&entries, 1);
	return 0;
}

SEC("fexit")
int BPF_PROG(on_exit)
{
	__sync_fetch_and_add(&exits, 1);
	return 0;
}
