# SPDX-License-Identifier: GPL-2.0
# A libFuzzer target over replay: clang's -fsanitize=fuzzer (Debian's
# libclang-rt-dev), with ASan and UBSan; any sanitizer report is fatal, so
# that libFuzzer keeps the input.  Included by the top Makefile; "make
# fuzz" builds it and runs tests/fuzz/run.sh (FUZZ_SECONDS, default 90).

FUZZ_OUT ?= build/fuzz
FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Isrc \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ := $(FUZZ_OUT)/fuzz_replay

$(FUZZ): tests/fuzz/fuzz_replay.c src/replay.c src/report.c src/vocab.c \
	 src/model.c src/store.c src/intern.c src/outfile.c $(wildcard src/*.h)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -ljansson

.PHONY: fuzz
fuzz: $(FUZZ)
	tests/fuzz/run.sh $(FUZZ)
