// SPDX-License-Identifier: GPL-2.0
/*
 * The run time of every BPF program loaded, as the kernel counts it while
 * kernel.bpf_stats_enabled is 1: what each of the tool's programs costs
 * per call, apart from the trampoline or kprobe that runs it.  Run by the
 * benchmark inside the traced command, while the programs are attached.
 * One line per program that ran: "prog=NAME runs=N ns_per_run=N".
 *
 * Usage: progstat
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

int main(void)
{
	struct bpf_prog_info info;
	__u32 id = 0, len;
	int fd;

	while (!bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;	/* unloaded meanwhile */
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.run_cnt)
			printf("prog=%s runs=%llu ns_per_run=%llu\n", info.name,
			       (unsigned long long)info.run_cnt,
			       (unsigned long long)(info.run_time_ns / info.run_cnt));
		close(fd);
	}
	if (errno != ENOENT) {
		fprintf(stderr, "progstat: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}
