// SPDX-License-Identifier: GPL-2.0
/*
 * iommufd-trace: trace iommufd device and vdevice lifetimes and report
 * orphaned vdevices and leaked objects.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "live.h"
#include "ps.h"
#include "replay.h"
#include "status.h"

#define DEFAULT_RINGBUF_BYTES (1 << 20)

static const char usage[] =
"usage: iommufd-trace [OPTIONS]                 trace until SIGINT/SIGTERM\n"
"       iommufd-trace check [OPTIONS] -- CMD...  trace while CMD runs\n"
"       iommufd-trace replay [--json] FILE|-     check a recorded --json trace\n"
"       iommufd-trace ps [--json]                the open iommufd contexts, now\n"
"\n"
"Follows the lifetimes of iommufd objects of every type and reports\n"
"orphaned vdevices (alive after the unbind of their device, or found so),\n"
"objects alive after one they hold was destroyed, and objects leaked past\n"
"the close of their iommufd.  Objects that exist when it starts are taken\n"
"from a snapshot; ps shows such a snapshot as trees.\n"
"\n"
"  --json                JSON lines: events (ps: objects), findings, one\n"
"                        summary record\n"
"  --no-events           print findings and the summary only\n"
"  -o, --output FILE     write the report to FILE, not stdout (check mode\n"
"                        leaves stdout to CMD)\n"
"  --system-wide         check: judge every context, not only CMD's\n"
"  --ktap                check: the report as KTAP, a result per test of CMD\n"
"  --pid PID             trace only the contexts of process PID and of the\n"
"                        processes it forks from then on\n"
"  --comm NAME           trace only the contexts of tasks called NAME\n"
"  --probe-mode MODE     auto (fentry if the kernel can, else kprobe),\n"
"                        kprobe or fentry (default auto)\n"
"  --ringbuf-size BYTES  ring buffer size, a power of 2 >= 4096 (default 1 MiB)\n"
"  --raw-pointers        print kernel pointers instead of per-run tokens\n"
"  --verbose             show libbpf's messages\n"
"\n"
"Exit status: 0 clean, 1 findings, 2 usage or environment error,\n"
"3 inconclusive (events lost or a mandatory probe missing).\n";

enum {
	OPT_JSON = 256, OPT_NO_EVENTS, OPT_PROBE_MODE, OPT_RINGBUF, OPT_RAW,
	OPT_VERBOSE, OPT_SYSTEM_WIDE, OPT_KTAP, OPT_PID, OPT_COMM,
};

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "no-events", no_argument, NULL, OPT_NO_EVENTS },
	{ "probe-mode", required_argument, NULL, OPT_PROBE_MODE },
	{ "ringbuf-size", required_argument, NULL, OPT_RINGBUF },
	{ "raw-pointers", no_argument, NULL, OPT_RAW },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "system-wide", no_argument, NULL, OPT_SYSTEM_WIDE },
	{ "ktap", no_argument, NULL, OPT_KTAP },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "comm", required_argument, NULL, OPT_COMM },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{}
};

static bool verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return verbose ? vfprintf(stderr, fmt, ap) : 0;
}

static enum status bad_usage(const char *what, const char *arg)
{
	fprintf(stderr, "iommufd-trace: %s%s%s\n%s", what, arg ? ": " : "",
		arg ? arg : "", usage);
	return STATUS_ERROR;
}

static int parse_ringbuf(const char *arg, size_t *bytes)
{
	char *end;
	unsigned long long v = strtoull(arg, &end, 0);

	if (*end || v < 4096 || v > (1ULL << 30) || (v & (v - 1)))
		return -1;
	*bytes = v;
	return 0;
}

static int parse_pid(const char *arg, pid_t *pid)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (!*arg || *end || !v || v > INT32_MAX)
		return -1;
	*pid = v;
	return 0;
}

static int parse_options(int argc, char **argv, struct live_opts *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "+ho:", long_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case OPT_JSON:
			o->report.format = REPORT_JSON;
			break;
		case OPT_NO_EVENTS:
			o->report.no_events = true;
			break;
		case OPT_PROBE_MODE:
			if (!strcmp(optarg, "auto"))
				o->probe.mode = PROBE_AUTO;
			else if (!strcmp(optarg, "kprobe"))
				o->probe.mode = PROBE_KPROBE;
			else if (!strcmp(optarg, "fentry"))
				o->probe.mode = PROBE_FENTRY;
			else
				return bad_usage("--probe-mode takes auto, kprobe or fentry", optarg);
			break;
		case OPT_RINGBUF:
			if (parse_ringbuf(optarg, &o->probe.ringbuf_bytes))
				return bad_usage("--ringbuf-size must be a power of 2 from 4096 to 1 GiB", optarg);
			break;
		case OPT_RAW:
			o->raw_pointers = true;
			break;
		case OPT_VERBOSE:
			verbose = o->probe.verbose = true;
			break;
		case OPT_SYSTEM_WIDE:
			o->system_wide = true;
			break;
		case OPT_KTAP:
			o->ktap = true;
			break;
		case OPT_PID:
			if (parse_pid(optarg, &o->probe.pid))
				return bad_usage("--pid takes a process id", optarg);
			break;
		case OPT_COMM:
			o->probe.comm = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:
			return bad_usage("bad option", NULL);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct live_opts opts = { .probe.ringbuf_bytes = DEFAULT_RINGBUF_BYTES };
	const char *mode = argc > 1 ? argv[1] : "";
	bool check = !strcmp(mode, "check"), replay = !strcmp(mode, "replay");
	bool ps = !strcmp(mode, "ps");

	if (check || replay || ps) {
		argc--;
		argv++;
	}
	if (parse_options(argc, argv, &opts))
		return STATUS_ERROR;
	libbpf_set_print(libbpf_print);
	/* Each mode opens the -o file once its own checks have passed. */
	if (replay) {
		if (optind != argc - 1)
			return bad_usage("replay takes one FILE (or - for stdin)", NULL);
		return replay_run(argv[optind], opts.output, &opts.report);
	}
	if (ps) {
		const struct ps_opts ps_opts = {
			.report = opts.report, .raw_pointers = opts.raw_pointers,
			.verbose = opts.probe.verbose, .output = opts.output,
		};

		if (optind < argc)
			return bad_usage("unexpected argument", argv[optind]);
		if (opts.probe.pid || opts.probe.comm || opts.system_wide || opts.ktap)
			return bad_usage("ps shows every context: --pid, --comm, --system-wide and --ktap are for tracing", NULL);
		return ps_run(&ps_opts);
	}
	if (check) {
		if (optind >= argc)
			return bad_usage("check needs a command: check [OPTIONS] -- CMD...", NULL);
		if (opts.probe.pid || opts.probe.comm)
			return bad_usage("check traces its command: --pid and --comm are for live tracing", NULL);
		if (opts.ktap && opts.report.format == REPORT_JSON)
			return bad_usage("--ktap and --json are two formats: choose one", NULL);
		opts.cmd = &argv[optind];
	} else if (optind < argc) {
		return bad_usage("unexpected argument", argv[optind]);
	} else if (opts.system_wide || opts.ktap) {
		return bad_usage("--system-wide and --ktap are for check", NULL);
	}
	return live_run(&opts);
}
