// SPDX-License-Identifier: GPL-2.0
/*
 * floor MODE -- CMD...: attaches the empty programs of floor.bpf.c of one
 * probe mode (fentry or kprobe), runs CMD, detaches, and exits with CMD's
 * status; 2 on an error of its own.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "floor.skel.h"

int main(int argc, char **argv)
{
	struct floor_bpf *skel;
	struct bpf_program *prog;
	const char *prefix;
	int status = 2, err;
	pid_t pid;

	if (argc < 4 || strcmp(argv[2], "--") ||
	    (strcmp(argv[1], "fentry") && strcmp(argv[1], "kprobe"))) {
		fprintf(stderr, "usage: floor fentry|kprobe -- CMD [ARGS...]\n");
		return 2;
	}
	/* fentry_* and fexit_*, or kprobe_* and kretprobe_* */
	prefix = strcmp(argv[1], "fentry") ? "k" : "f";
	skel = floor_bpf__open();
	if (!skel) {
		fprintf(stderr, "floor: cannot open the BPF object\n");
		return 2;
	}
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, !strncmp(bpf_program__name(prog),
							  prefix, 1));
	err = floor_bpf__load(skel) ?: floor_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "floor: cannot load or attach: %s\n", strerror(-err));
		goto out;
	}
	pid = fork();
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		_exit(127);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid)
		status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	else
		perror("floor: fork");
out:
	floor_bpf__destroy(skel);
	return status;
}
