// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark workload, run in the test VM: cycles of the lifecycle that
 * iommufd-trace follows, through the selftest mock device.
 *
 *   -m cycle	bind a mock device, allocate a nesting parent, a vIOMMU
 *		and a vdevice, destroy the vdevice, the vIOMMU, the parent
 *		and the device (the default)
 *   -m vdev	allocate and destroy a vdevice of a device and vIOMMU kept
 *		for the run: the traced calls without the cost of making a
 *		mock device, so that the probes' share shows
 *
 * -l 1,1000,... measures at each count of live devices (each with a
 * vdevice), grown in steps, in one context.  -M also reports the memory of
 * the parent process (the tracer running this workload): its RSS and the
 * memlock of its BPF maps.  One line of key=value pairs per step.
 *
 * Each line gives the wall time per cycle and, of the same cycles, the CPU
 * time per cycle of the workload itself (the BPF programs run in its
 * syscalls: their cost, whatever else the guest runs) and of its parent
 * (the tracer's user space reading the events, which a real host runs on
 * another CPU, but single-threaded TCG on the workload's host thread).
 *
 * -r REPEATS measures each step that many times, a line each.  -H holds
 * the live objects after the last step ("held" line) until killed: the
 * kernel takes longer to tear 100,000 devices down than to make them.
 *
 * Usage: workload [-m cycle|vdev] [-n CYCLES] [-w WARMUP] [-r REPEATS]
 *                 [-l LIVE,...] [-M] [-H]
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include "mockdev.h"

static int iommufd = -1;

static void die(const char *what)
{
	fprintf(stderr, "workload: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void one_cycle(__u32 ioas_id)
{
	__u32 stdev_id, idev_id, hwpt_id, viommu_id, vdev_id;

	if (mock_bind(iommufd, ioas_id, &stdev_id, &idev_id))
		die("IOMMU_TEST_OP_MOCK_DOMAIN");
	if (mock_nest_parent(iommufd, idev_id, ioas_id, &hwpt_id))
		die("IOMMU_HWPT_ALLOC");
	if (mock_viommu(iommufd, idev_id, hwpt_id, &viommu_id))
		die("IOMMU_VIOMMU_ALLOC");
	if (mock_vdevice(iommufd, viommu_id, idev_id, 1, &vdev_id))
		die("IOMMU_VDEVICE_ALLOC");
	if (mock_destroy(iommufd, vdev_id) || mock_destroy(iommufd, viommu_id) ||
	    mock_destroy(iommufd, hwpt_id) || mock_destroy(iommufd, stdev_id))
		die("IOMMU_DESTROY");
}

/* One vdevice alloc/destroy on a device and vIOMMU made once. */
static void one_vdev_cycle(__u32 viommu_id, __u32 idev_id)
{
	__u32 vdev_id;

	if (mock_vdevice(iommufd, viommu_id, idev_id, 1, &vdev_id))
		die("IOMMU_VDEVICE_ALLOC");
	if (mock_destroy(iommufd, vdev_id))
		die("IOMMU_DESTROY");
}

struct live_set {
	__u32 ioas_id, hwpt_id, viommu_id;
	unsigned long nr;
};

/*
 * Grows @ls to @target devices with a vdevice each, all on one vIOMMU:
 * the kernel keeps no more than the pairs themselves.
 */
static void grow_live(struct live_set *ls, unsigned long target)
{
	__u32 stdev_id, idev_id, vdev_id;

	for (; ls->nr < target; ls->nr++) {
		if (mock_bind(iommufd, ls->ioas_id, &stdev_id, &idev_id))
			die("live IOMMU_TEST_OP_MOCK_DOMAIN");
		if (!ls->viommu_id &&
		    (mock_nest_parent(iommufd, idev_id, ls->ioas_id, &ls->hwpt_id) ||
		     mock_viommu(iommufd, idev_id, ls->hwpt_id, &ls->viommu_id)))
			die("live vIOMMU");
		if (mock_vdevice(iommufd, ls->viommu_id, idev_id, ls->nr + 1, &vdev_id))
			die("live IOMMU_VDEVICE_ALLOC");
	}
}

static __u64 clock_ns(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts))
		return 0;
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static __u64 now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* The times one measurement takes: wall, and CPU of this process and its parent. */
struct times {
	__u64 wall, self, parent;
};

static void times_read(clockid_t parent_clk, struct times *t)
{
	t->wall = now_ns();
	t->self = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	t->parent = clock_ns(parent_clk);
}

/* Sum of the "memlock:" lines of the BPF map fds of process @pid. */
static unsigned long long bpf_memlock(pid_t pid)
{
	unsigned long long sum = 0, v;
	char path[320], line[128];
	struct dirent *d;
	DIR *dir;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo", pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid, d->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "memlock: %llu", &v) == 1)
				sum += v;
		fclose(f);
	}
	closedir(dir);
	return sum;
}

static unsigned long rss_kb(pid_t pid)
{
	char path[64], line[128];
	unsigned long kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void usage(void)
{
	fprintf(stderr, "usage: workload [-m cycle|vdev] [-n CYCLES] [-w WARMUP] [-r REPEATS]\n"
		"                [-l LIVE,...] [-M] [-H]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long cycles = 1000, warmup = 10, repeats = 1, target, grow_ms, i, r;
	__u32 stdev_id, idev_id = 0, hwpt_id, viommu_id = 0;
	const char *steps = "0", *mode = "cycle";
	struct live_set ls = { 0 };
	bool vdev_mode, memory = false, hold = false;
	struct times t0, t1;
	clockid_t parent_clk;
	char *end;
	int opt;

	while ((opt = getopt(argc, argv, "m:n:w:r:l:MH")) != -1) {
		switch (opt) {
		case 'm': mode = optarg; break;
		case 'n': cycles = strtoul(optarg, NULL, 0); break;
		case 'w': warmup = strtoul(optarg, NULL, 0); break;
		case 'r': repeats = strtoul(optarg, NULL, 0); break;
		case 'l': steps = optarg; break;
		case 'M': memory = true; break;
		case 'H': hold = true; break;
		default: usage();
		}
	}
	vdev_mode = !strcmp(mode, "vdev");
	if (clock_getcpuclockid(getppid(), &parent_clk))
		die("the parent's CPU clock");
	if (!cycles || !repeats || (!vdev_mode && strcmp(mode, "cycle")))
		usage();
	iommufd = open("/dev/iommu", O_RDWR);
	if (iommufd < 0)
		die("/dev/iommu");
	if (mock_ioas(iommufd, &ls.ioas_id))
		die("IOMMU_IOAS_ALLOC");
	if (vdev_mode &&
	    (mock_bind(iommufd, ls.ioas_id, &stdev_id, &idev_id) ||
	     mock_nest_parent(iommufd, idev_id, ls.ioas_id, &hwpt_id) ||
	     mock_viommu(iommufd, idev_id, hwpt_id, &viommu_id)))
		die("vdev mode setup");

	for (;;) {
		target = strtoul(steps, &end, 0);
		if (end == steps || (*end && *end != ','))
			usage();
		grow_ms = now_ns();
		grow_live(&ls, target);
		grow_ms = (now_ns() - grow_ms) / 1000000;
		for (i = 0; i < warmup; i++)
			vdev_mode ? one_vdev_cycle(viommu_id, idev_id) : one_cycle(ls.ioas_id);
		for (r = 0; r < repeats; r++) {
			times_read(parent_clk, &t0);
			for (i = 0; i < cycles; i++)
				vdev_mode ? one_vdev_cycle(viommu_id, idev_id) :
					    one_cycle(ls.ioas_id);
			times_read(parent_clk, &t1);
			printf("mode=%s live=%lu grow_ms=%lu repeat=%lu cycles=%lu ns_per_cycle=%llu"
			       " cpu_ns_per_cycle=%llu parent_cpu_ns_per_cycle=%llu",
			       mode, ls.nr, grow_ms, r + 1, cycles,
			       (unsigned long long)(t1.wall - t0.wall) / cycles,
			       (unsigned long long)(t1.self - t0.self) / cycles,
			       (unsigned long long)(t1.parent - t0.parent) / cycles);
			if (memory) {
				/* Let the tracer catch up on the events first. */
				sleep(1);
				printf(" parent_rss_kb=%lu parent_bpf_memlock=%llu",
				       rss_kb(getppid()), bpf_memlock(getppid()));
			}
			printf("\n");
			fflush(stdout);
		}
		if (!*end)
			break;
		steps = end + 1;
	}
	if (hold) {
		printf("held live=%lu\n", ls.nr);
		fflush(stdout);
		for (;;)
			pause();
	}
	/* Closing the context destroys the live pairs. */
	return 0;
}
