// SPDX-License-Identifier: GPL-2.0
/*
 * Reproducer without iommufd: BPF trampolines attached and detached on a
 * function that other tasks keep entering (kernel/README.md, "Attaching
 * under load").
 *
 *   attach-load busy [-n TASKS] [-u USEC]
 *	TASKS processes (default 2) loop on nanosleep(USEC) (default 100):
 *	they keep entering, and sleeping in, hrtimer_nanosleep().  Runs
 *	until killed.
 *   attach-load attach [-f FUNC] [-o ORDER] [-r ROUNDS] [-g MS] [-s MS]
 *	ROUNDS times (default 10): load, then attach the programs in ORDER,
 *	GAP ms apart (default 0), hold them MS ms (default 500), detach.
 *	ORDER is up to three of e (an fentry program), f (another fentry
 *	program) and x (an fexit program), default "ex": each attach after
 *	the first updates the function's trampoline.  FUNC defaults to
 *	hrtimer_nanosleep.  Prints the programs' hits after each round.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <bpf/libbpf.h>

#include "attach_load.skel.h"

static void sleep_us(unsigned long us)
{
	struct timespec ts = { us / 1000000, us % 1000000 * 1000 };

	nanosleep(&ts, NULL);
}

static int busy(int argc, char **argv)
{
	unsigned long tasks = 2, usec = 100, i;
	int opt;

	while ((opt = getopt(argc, argv, "n:u:")) != -1) {
		switch (opt) {
		case 'n': tasks = strtoul(optarg, NULL, 0); break;
		case 'u': usec = strtoul(optarg, NULL, 0); break;
		default: return 2;
		}
	}
	/* The others go when the first does: killing it ends the load. */
	for (i = 1; i < tasks; i++)
		if (fork() == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			break;
		}
	for (;;)
		sleep_us(usec);
}

static struct bpf_link *attach_one(struct bpf_program *prog)
{
	struct bpf_link *link = bpf_program__attach(prog);

	if (!link)
		fprintf(stderr, "attach-load: attach %s: %s\n",
			bpf_program__name(prog), strerror(errno));
	return link;
}

static int attach(int argc, char **argv)
{
	unsigned long rounds = 10, gap = 0, hold = 500, r;
	const char *func = "hrtimer_nanosleep", *order = "ex", *c;
	struct bpf_link *links[3];
	struct attach_load_bpf *skel;
	int opt, n;

	while ((opt = getopt(argc, argv, "f:o:r:g:s:")) != -1) {
		switch (opt) {
		case 'f': func = optarg; break;
		case 'o': order = optarg; break;
		case 'r': rounds = strtoul(optarg, NULL, 0); break;
		case 'g': gap = strtoul(optarg, NULL, 0); break;
		case 's': hold = strtoul(optarg, NULL, 0); break;
		default: return 2;
		}
	}
	if (strspn(order, "efx") != strlen(order) || !*order || strlen(order) > 3)
		return 2;
	for (r = 1; r <= rounds; r++) {
		skel = attach_load_bpf__open();
		if (!skel ||
		    bpf_program__set_attach_target(skel->progs.on_entry, 0, func) ||
		    bpf_program__set_attach_target(skel->progs.on_entry2, 0, func) ||
		    bpf_program__set_attach_target(skel->progs.on_exit, 0, func)) {
			fprintf(stderr, "attach-load: open: %s\n", strerror(errno));
			return 2;
		}
		bpf_program__set_autoload(skel->progs.on_entry, !!strchr(order, 'e'));
		bpf_program__set_autoload(skel->progs.on_entry2, !!strchr(order, 'f'));
		bpf_program__set_autoload(skel->progs.on_exit, !!strchr(order, 'x'));
		if (attach_load_bpf__load(skel)) {
			fprintf(stderr, "attach-load: load: %s\n", strerror(errno));
			return 2;
		}
		n = 0;
		for (c = order; *c; c++) {
			if (n)
				sleep_us(gap * 1000);
			links[n] = attach_one(*c == 'e' ? skel->progs.on_entry :
					      *c == 'f' ? skel->progs.on_entry2 :
						  skel->progs.on_exit);
			if (!links[n++])
				return 2;
		}
		sleep_us(hold * 1000);
		while (n)
			bpf_link__destroy(links[--n]);
		printf("round %lu: %s %s: %llu entries, %llu exits\n", r, func, order,
		       (unsigned long long)skel->bss->entries,
		       (unsigned long long)skel->bss->exits);
		fflush(stdout);
		attach_load_bpf__destroy(skel);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "busy"))
		return busy(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "attach"))
		return attach(argc - 1, argv + 1);
	fprintf(stderr, "usage: attach-load busy [-n TASKS] [-u USEC]\n"
		"       attach-load attach [-f FUNC] [-o ORDER] [-r ROUNDS] [-g MS] [-s MS]\n");
	return 2;
}
