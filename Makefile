# SPDX-License-Identifier: GPL-2.0
# iommufd-trace: a static binary from bpf/ and src/, plus the tests.
#
#   make           build build/iommufd-trace (and build/guest/ for the VM)
#   make test      unit tests, replay tests, end-to-end tests in test VMs
#   make demo      the tracer over the selftests on the unfixed and upstream kernels
#   make bench     what the tracer costs (tests/bench/README.md), not part of test

OUTPUT := build
CLANG ?= clang
BPFTOOL ?= bpftool

CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Isrc -I$(OUTPUT)
# -fms-extensions: the 7.x bpf/vmlinux.h has members that are a tagged
# struct or union without a member name ("struct ns_tree;" in struct
# ns_common), a Microsoft extension the kernel is built with; clang still
# warns about each one, hence -Wno-microsoft-anon-tag.
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror \
	-fms-extensions -Wno-microsoft-anon-tag -Ibpf -Isrc
# One fully static binary: it runs as it is in the test VM's initramfs.
LDLIBS := -static -l:libbpf.a -l:libelf.a -l:libjansson.a -lz

TOOL_SRCS := main.c live.c probes.c preflight.c ksyms.c \
	model.c store.c vocab.c report.c replay.c intern.c
TOOL_OBJS := $(addprefix $(OUTPUT)/,$(TOOL_SRCS:.c=.o))
TOOL := $(OUTPUT)/iommufd-trace
SKEL := $(OUTPUT)/iommufd_trace.skel.h

# "make V=1" shows the commands; "make -s" prints nothing.
ifeq ($(V),1)
	Q =
	msg =
else
	Q = @
	msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif
ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
	msg =
endif

# A generator that fails (bpftool, a redirect) leaves no output that make
# would then call up to date; intermediates are kept.
.DELETE_ON_ERROR:
.SECONDARY:

.PHONY: all deps test unit replay-test e2e demo bench clean
all: $(TOOL) $(OUTPUT)/guest/iommufd-trace

$(OUTPUT)/iommufd_trace.bpf.o: bpf/iommufd_trace.bpf.c bpf/vmlinux.h src/iommufd_trace.h
	@mkdir -p $(@D)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(SKEL): $(OUTPUT)/iommufd_trace.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name iommufd_trace_bpf > $@

# The skeleton is only needed by the files that load the programs.
$(OUTPUT)/live.o $(OUTPUT)/probes.o: $(SKEL)

$(OUTPUT)/%.o: src/%.c $(wildcard src/*.h)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(TOOL): $(TOOL_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(OUTPUT)/guest/iommufd-trace: $(TOOL)
	@mkdir -p $(@D)
	$(call msg,CP,$@)
	$(Q)cp $< $@

include tests/unit/unit.mk
include tests/bench/bench.mk
include tests/bench/host/host.mk
include tests/e2e/e2e.mk

replay-test: $(TOOL)
	tests/replay/run.sh $(TOOL)

# Installs missing Debian packages when run as root, else says which.
deps:
	tests/install-deps.sh

e2e: all
	tests/e2e/run.sh

test: deps
	$(MAKE) all
	tests/run-all.sh

demo: deps
	$(MAKE) all
	tests/e2e/demo.sh

bench:
	tests/install-deps.sh --bench
	$(MAKE) all
	tests/bench/run.sh

clean:
	rm -rf $(OUTPUT)
