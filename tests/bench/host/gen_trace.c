// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the benchmark's event mix (trace_mix.h) as a replay trace: the
 * JSON lines of a live --json run, written by the same report code, with
 * per-run tokens for pointers and symbol names for stacks.
 *
 * Usage: gen_trace [-n EVENTS] [-l PEAK] [-s SEED] [-k] [-o FILE]
 *	-k: a kernel before v6.17 (vdev_alloc names the device, not the idev)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iref.h"
#include "report.h"
#include "trace_mix.h"

#define TOKEN_MASK	0xffffffffffffULL

static const char *const stacks[MIX_STACKS][7] = {
	{ "iommufd_device_unbind+0x0/0x80", "vfio_df_iommufd_unbind+0x2c/0x40",
	  "vfio_df_unbind_iommufd+0x51/0x70", "vfio_device_fops_release+0x3a/0x60",
	  "__fput+0x105/0x2c0", "task_work_run+0x5d/0x90", "do_exit+0x2f5/0xa90" },
	{ "iommufd_device_unbind+0x0/0x80", "vfio_df_iommufd_unbind+0x2c/0x40",
	  "vfio_df_unbind_iommufd+0x51/0x70", "vfio_device_fops_release+0x3a/0x60",
	  "__fput+0x105/0x2c0", "task_work_run+0x5d/0x90",
	  "syscall_exit_to_user_mode+0x1c3/0x1e0" },
	{ "iommufd_device_unbind+0x0/0x80", "iommufd_selftest_destroy+0x1c/0x40",
	  "iommufd_object_remove+0x1b0/0x21c", "iommufd_fops_ioctl+0x1ec/0x255",
	  "__x64_sys_ioctl+0x999/0x9ea", "do_syscall_64+0x82/0x254",
	  "entry_SYSCALL_64_after_hwframe+0x4b/0x53" },
	{ "iommufd_device_unbind+0x0/0x80", "vfio_iommufd_physical_unbind+0x3e/0x60",
	  "vfio_device_group_close+0x8f/0xc0", "vfio_device_fops_release+0x3a/0x60",
	  "__fput+0x105/0x2c0", "task_work_run+0x5d/0x90", "do_exit+0x2f5/0xa90" },
};

/*
 * A bijection of the pointer's low 48 bits, so that, unlike live mode's
 * hash, two pointers never share a token and the verdict stays clean.
 */
static __u64 token(__u64 p)
{
	p &= TOKEN_MASK;
	p = (p * 0x9e3779b97f4bULL) & TOKEN_MASK;
	p ^= p >> 24;
	p = (p * 0xbf58476d1ce5ULL) & TOKEN_MASK;
	return p ^ (p >> 23);
}

static const char *fmt_key(void *arg, enum key_kind kind, __u64 key,
			   char *buf, size_t len)
{
	(void)arg;
	snprintf(buf, len, "%c%012llx", key_prefix(kind),
		 (unsigned long long)token(key));
	return buf;
}

static int get_stack(void *arg, __u64 stack, const char **frames, int max)
{
	int i, n = sizeof(stacks[0]) / sizeof(stacks[0][0]);

	(void)arg;
	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		frames[i] = stacks[iref_idx(stack)][i];
	return n;
}

int main(int argc, char **argv)
{
	static const struct report_cbs cbs = { .fmt_key = fmt_key,
					       .get_stack = get_stack };
	const struct report_opts opts = { .format = REPORT_JSON };
	static const struct ev_note none;
	__u64 events = 10000000, peak = 3000000, seed = 1;
	bool by_dev = false;
	struct trace_event ev;
	struct report *r;
	struct mix *m;
	FILE *out = stdout;
	int c, err;

	while ((c = getopt(argc, argv, "n:l:s:o:k")) != -1) {
		switch (c) {
		case 'n':
			events = mix_number("gen_trace", optarg, "event count");
			break;
		case 'l':
			peak = mix_number("gen_trace", optarg, "peak");
			break;
		case 's':
			seed = mix_number("gen_trace", optarg, "seed");
			break;
		case 'k':
			by_dev = true;
			break;
		case 'o':
			out = fopen(optarg, "w");
			if (!out) {
				fprintf(stderr, "gen_trace: %s: %s\n", optarg,
					strerror(errno));
				return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: gen_trace [-n EVENTS] [-l PEAK] [-s SEED] [-k] [-o FILE]\n");
			return 2;
		}
	}
	m = mix_new(events, peak, seed, by_dev);
	r = m ? report_new(out, &opts, &cbs, NULL) : NULL;
	if (!r) {
		fprintf(stderr, "gen_trace: %s\n", errno == EINVAL ?
			"need at least 3 events per live object (and 8 more)" :
			strerror(errno));
		return 2;
	}
	while (mix_next(m, &ev))
		report_event(r, &ev, &none);
	err = report_flush(r);
	if (!err && out != stdout && fclose(out))
		err = -errno;
	if (err)
		fprintf(stderr, "gen_trace: write error: %s\n", strerror(-err));
	report_free(r);
	mix_free(m);
	return err ? 2 : 0;
}
