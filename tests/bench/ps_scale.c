// SPDX-License-Identifier: GPL-2.0
/*
 * The cost of iommufd-trace ps against the number of live objects, run in
 * the test VM: grows one context to each count of live objects in turn
 * (ioas objects: cheap to make, unlike mock devices), and at each runs
 * CMD REPEATS times, timing each run.  A line of key=value pairs per run:
 *   objects=N repeat=R status=S ns=T
 *
 * Usage: ps_scale [-n COUNT,...] [-r REPEATS] -- CMD [ARGS...]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "mockdev.h"

static void die(const char *what)
{
	fprintf(stderr, "ps_scale: %s: %s\n", what, strerror(errno));
	exit(2);
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* CMD's exit status, or -1 if it could not run. */
static int run(char **cmd)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	const char *steps = "1,10,100,1000,10000,100000";
	unsigned long repeats = 3, target, live = 0, r;
	unsigned long long t0;
	int opt, fd, status;
	__u32 ioas;
	char *end;

	while ((opt = getopt(argc, argv, "n:r:")) != -1) {
		switch (opt) {
		case 'n': steps = optarg; break;
		case 'r': repeats = strtoul(optarg, NULL, 0); break;
		default: goto usage;
		}
	}
	if (optind >= argc || !repeats)
		goto usage;
	fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("/dev/iommu");
	for (;;) {
		target = strtoul(steps, &end, 0);
		if (end == steps || (*end && *end != ','))
			goto usage;
		for (; live < target; live++)
			if (mock_ioas(fd, &ioas))
				die("IOMMU_IOAS_ALLOC");
		for (r = 1; r <= repeats; r++) {
			t0 = now_ns();
			status = run(&argv[optind]);
			printf("objects=%lu repeat=%lu status=%d ns=%llu\n", live, r,
			       status, now_ns() - t0);
			fflush(stdout);
		}
		if (!*end)
			break;
		steps = end + 1;
	}
	return 0;
usage:
	fprintf(stderr, "usage: ps_scale [-n COUNT,...] [-r REPEATS] -- CMD [ARGS...]\n");
	return 2;
}
