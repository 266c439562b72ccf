// SPDX-License-Identifier: GPL-2.0
/*
 * A noisy neighbour for the end-to-end tests, run in the test VM.
 *
 * Default: every INTERVAL ms (-i, default 20) a round on a fresh context:
 * open /dev/iommu, bind a mock device, allocate a nesting parent, a vIOMMU
 * and a vdevice (virt_id 0x4e), destroy the mock device (so that
 * iommufd_device_unbind() runs: on a v6.13-v6.16 kernel the vdevice is
 * orphaned) and close.  Until SIGINT/SIGTERM, or -n ROUNDS; then prints
 * "neighbour: N rounds".
 *
 * -H: hold two contexts open until killed, after printing "held": one
 * whose device was destroyed under its vdevice (virt_id 0x51: an orphan
 * on v6.13-v6.16 kernels), one with a healthy device and vdevice pair
 * (virt_id 0x52).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mockdev.h"

#define NEIGHBOUR_VIRT_ID	0x4e
#define HELD_ORPHAN_VIRT_ID	0x51
#define HELD_PAIR_VIRT_ID	0x52

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "neighbour: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* A context with a device and its vdevice; the device's stdev id in *@stdev. */
static int pair(__u64 virt_id, __u32 *stdev)
{
	int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	const char *what;

	if (fd < 0)
		die("/dev/iommu");
	if (mock_pair(fd, virt_id, stdev, &what))
		die(what);
	return fd;
}

static void hold(void)
{
	__u32 stdev;
	int fd = pair(HELD_ORPHAN_VIRT_ID, &stdev);

	if (mock_destroy(fd, stdev))
		die("IOMMU_DESTROY of the mock device");
	pair(HELD_PAIR_VIRT_ID, &stdev);
	printf("held\n");
	fflush(stdout);
	while (!stop)
		pause();
}

static void sleep_ms(unsigned long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long interval = 20, rounds = 0, done = 0;
	int opt, fd;
	__u32 stdev;

	while ((opt = getopt(argc, argv, "i:n:H")) != -1) {
		switch (opt) {
		case 'i':
			interval = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			rounds = strtoul(optarg, NULL, 0);
			break;
		case 'H':
			sigaction(SIGINT, &sa, NULL);
			sigaction(SIGTERM, &sa, NULL);
			hold();
			return 0;
		default:
			fprintf(stderr, "usage: neighbour [-i MS] [-n ROUNDS] | -H\n");
			return 2;
		}
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop && (!rounds || done < rounds)) {
		fd = pair(NEIGHBOUR_VIRT_ID, &stdev);
		if (mock_destroy(fd, stdev))
			die("IOMMU_DESTROY of the mock device");
		close(fd);
		done++;
		sleep_ms(interval);
	}
	printf("neighbour: %lu rounds\n", done);
	return 0;
}
