// SPDX-License-Identifier: GPL-2.0
/*
 * The model alone on binary events, as live mode feeds it: the event mix
 * of trace_mix.h, built in batches small enough to stay in cache, and only
 * the model_feed() loop of each batch timed.  Memory is the growth of the
 * RSS when the most objects are alive (the generator's memory is faulted
 * in before); what malloc holds then (mallinfo2) is given too, but the
 * model also maps big tables and chunks itself.
 *
 * Prints one JSON object; exit status 1 if the verdict is not clean.
 * Usage: model_bench [-n EVENTS] [-l PEAK] [-s SEED] [-k]
 *	-k: a kernel before v6.17 (vdev_alloc names the device, not the idev)
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model.h"
#include "trace_mix.h"

#define BATCH	4096

static __u64 findings;

static void on_finding(void *arg, const struct finding *f)
{
	(void)arg;
	(void)f;
	findings++;
}

static const struct model_sink sink = { .finding = on_finding };

static size_t heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static size_t rss_bytes(void)
{
	unsigned long size, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * sysconf(_SC_PAGESIZE);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	__u64 events = 10000000, peak = 3000000, seed = 1, fed = 0;
	size_t heap0, rss0, heap = 0, rss = 0, n, i;
	struct model_summary sum = { 0 };
	__u64 peak_live = 0;
	struct trace_event *batch;
	bool by_dev = false;
	double secs = 0, t;
	struct model *model;
	struct mix *mix;
	int c;

	while ((c = getopt(argc, argv, "n:l:s:k")) != -1) {
		switch (c) {
		case 'n':
			events = mix_number("model_bench", optarg, "event count");
			break;
		case 'l':
			peak = mix_number("model_bench", optarg, "peak");
			break;
		case 's':
			seed = mix_number("model_bench", optarg, "seed");
			break;
		case 'k':
			by_dev = true;
			break;
		default:
			fprintf(stderr, "usage: model_bench [-n EVENTS] [-l PEAK] [-s SEED] [-k]\n");
			return 2;
		}
	}
	mix = mix_new(events, peak, seed, by_dev);
	batch = malloc(BATCH * sizeof(*batch));
	if (!mix || !batch) {
		fprintf(stderr, "model_bench: %s\n", errno == EINVAL ?
			"need at least 3 events per live object (and 8 more)" :
			strerror(errno));
		return 2;
	}
	heap0 = heap_bytes();
	rss0 = rss_bytes();
	model = model_new(&sink, NULL);
	if (!model) {
		fprintf(stderr, "model_bench: out of memory\n");
		return 2;
	}
	do {
		for (n = 0; n < BATCH && mix_next(mix, &batch[n]); n++)
			;
		t = now();
		for (i = 0; i < n; i++)
			if (model_feed(model, &batch[i]))
				break;
		secs += now() - t;
		fed += i;
		model_finish(model, false, &sum);
		if (sum.live > peak_live) {
			peak_live = sum.live;
			heap = heap_bytes() - heap0;
			rss = rss_bytes() - rss0;
		}
	} while (n == BATCH && i == n);

	printf("{\"kernel\":\"%s\",\"events\":%llu,\"seconds\":%.3f,\"events_per_s\":%.0f,"
	       "\"peak_live\":%llu,\"rss_bytes\":%zu,\"bytes_per_object\":%.1f,"
	       "\"malloc_bytes\":%zu,\"malloc_bytes_per_object\":%.1f,"
	       "\"findings\":%llu,\"verdict\":\"%s\"}\n",
	       by_dev ? "before v6.17" : "v6.17+", fed, secs, fed / secs,
	       peak_live, rss, (double)rss / peak_live,
	       heap, (double)heap / peak_live, findings,
	       verdict_name(sum.verdict));
	model_free(model);
	mix_free(mix);
	free(batch);
	if (fed != events || sum.verdict != VERDICT_CLEAN || sum.live) {
		fprintf(stderr, "model_bench: %llu of %llu events fed, verdict %s, %llu live at end\n",
			fed, events, verdict_name(sum.verdict), sum.live);
		return 1;
	}
	return 0;
}
