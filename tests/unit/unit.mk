# SPDX-License-Identifier: GPL-2.0
# Unit tests of the user-space checker (no kernel needed).  Included by the
# top Makefile; "make unit" builds and runs them.  Paths are relative to the
# top of the checkout.

UNIT_OUT ?= build/unit
UNIT_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g -Isrc
UNIT_HDRS := $(wildcard src/*.h) tests/unit/test.h

UNIT_TESTS := $(UNIT_OUT)/test_model $(UNIT_OUT)/test_intern \
	      $(UNIT_OUT)/test_vocab $(UNIT_OUT)/test_replay \
	      $(UNIT_OUT)/test_preflight \
	      $(UNIT_OUT)/test_ksyms $(UNIT_OUT)/test_ktap \
	      $(UNIT_OUT)/test_numfmt

$(UNIT_OUT)/test_model: tests/unit/test_model.c src/model.c src/store.c $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^)

$(UNIT_OUT)/test_intern: tests/unit/test_intern.c src/intern.c $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^)

$(UNIT_OUT)/test_vocab: tests/unit/test_vocab.c src/vocab.c $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^)

$(UNIT_OUT)/test_ksyms: tests/unit/test_ksyms.c src/ksyms.c $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^)

$(UNIT_OUT)/test_replay: tests/unit/test_replay.c src/replay.c \
			 src/report.c src/vocab.c src/outfile.c \
			 src/model.c src/store.c src/intern.c $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) -ljansson

$(UNIT_OUT)/test_preflight: tests/unit/test_preflight.c src/preflight.c src/ksyms.c \
			    $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) -static -l:libbpf.a -l:libelf.a -lz

$(UNIT_OUT)/test_ktap: tests/unit/test_ktap.c src/attrib.c src/ktap.c \
		       src/report.c src/vocab.c src/model.c src/store.c $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^)

$(UNIT_OUT)/test_numfmt: tests/unit/test_numfmt.c src/token.c src/vocab.c $(UNIT_HDRS)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^)

.PHONY: unit
unit: $(UNIT_TESTS)
	tests/unit/run.sh $(UNIT_TESTS) tests/unit/ktap-kunit.sh
