# SPDX-License-Identifier: GPL-2.0
# Host benchmarks of the checker (no VM): a trace generator and the model
# alone on binary events.  Included by the top Makefile; "make bench-host"
# builds them and runs tests/bench/host/run.sh.

BENCH_HOST_OUT ?= build/bench/host
BENCH_HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g -Isrc -Itests/bench/host
BENCH_HOST_HDRS := $(wildcard src/*.h) tests/bench/host/trace_mix.h

BENCH_HOST_BINS := $(BENCH_HOST_OUT)/gen_trace $(BENCH_HOST_OUT)/model_bench

$(BENCH_HOST_OUT)/gen_trace: tests/bench/host/gen_trace.c tests/bench/host/trace_mix.c \
			     src/report.c src/vocab.c src/model.c src/store.c \
			     $(BENCH_HOST_HDRS)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_HOST_CFLAGS) -o $@ $(filter %.c,$^)

$(BENCH_HOST_OUT)/model_bench: tests/bench/host/model_bench.c tests/bench/host/trace_mix.c \
			       src/model.c src/store.c $(BENCH_HOST_HDRS)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(BENCH_HOST_CFLAGS) -o $@ $(filter %.c,$^)

.PHONY: bench-host-bins bench-host
bench-host-bins: $(TOOL) $(BENCH_HOST_BINS)

# Results in $(BENCH_HOST_OUT)/host.json.
bench-host: bench-host-bins
	tests/bench/host/run.sh $(BENCH_HOST_OUT)
