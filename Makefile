# SPDX-License-Identifier: GPL-2.0
# iommufd-trace: a static binary from bpf/ and src/, plus the tests.
#
#   make           build build/iommufd-trace (and build/guest/ for the VM)
#   make ARCH=arm64   the same for arm64: build/arm64/iommufd-trace (and
#                  build/arm64/guest/), cross-built with Debian's aarch64
#                  toolchain and arm64 multiarch libraries
#   make test      unit tests, replay tests, fuzzing, end-to-end tests in test VMs
#   make fuzz      the replay fuzz target for FUZZ_SECONDS (90), part of test
#   make demo      the tracer over the selftests on the unfixed and upstream kernels
#   make bench     what the tracer costs (tests/bench/README.md), not part of test;
#                  with ARCH=arm64, the timing part in the arm64 test kernel

# The architecture the tool is built for, as the kernel names it. Per
# architecture: the output directory, the name of bpf/ARCH/vmlinux.h and of
# libbpf's __TARGET_ARCH_ (which selects the pt_regs layout of kprobe
# arguments), and the cross compiler.
ARCH ?= x86_64
OUTPUT_x86_64 := build
BPF_ARCH_x86_64 := x86
OUTPUT_arm64 := build/arm64
BPF_ARCH_arm64 := arm64
CROSS_COMPILE_arm64 := aarch64-linux-gnu-
ifeq ($(BPF_ARCH_$(ARCH)),)
$(error ARCH=$(ARCH): use x86_64 (the default) or arm64)
endif
OUTPUT := $(OUTPUT_$(ARCH))
BPF_ARCH := $(BPF_ARCH_$(ARCH))
ifneq ($(CROSS_COMPILE_$(ARCH)),)
# Finds Debian's multiarch libraries in /usr/lib/aarch64-linux-gnu itself.
CC := $(CROSS_COMPILE_$(ARCH))gcc
endif
VMLINUX_H := bpf/$(BPF_ARCH)/vmlinux.h
CLANG ?= clang
BPFTOOL ?= bpftool

CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Isrc -I$(OUTPUT)
# -fms-extensions: the 7.x vmlinux.h has members that are a tagged struct
# or union without a member name ("struct ns_tree;" in struct ns_common),
# a Microsoft extension the kernel is built with; clang still warns about
# each one, hence -Wno-microsoft-anon-tag.
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Werror \
	-fms-extensions -Wno-microsoft-anon-tag -Ibpf/$(BPF_ARCH) -Ibpf -Isrc
# One fully static binary: it runs as it is in the test VM's initramfs.
LDLIBS := -static -l:libbpf.a -l:libelf.a -l:libjansson.a -lz

TOOL_SRCS := main.c live.c ps.c probes.c snapshot.c preflight.c ksyms.c \
	scope.c cmd.c cmdout.c attrib.c ktap.c token.c model.c store.c vocab.c \
	report.c replay.c intern.c outfile.c
TOOL_OBJS := $(addprefix $(OUTPUT)/,$(TOOL_SRCS:.c=.o))
TOOL := $(OUTPUT)/iommufd-trace
BPF_HDRS := $(VMLINUX_H) $(wildcard bpf/*.bpf.h) src/iommufd_trace.h src/snapshot_rec.h

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

.PHONY: all deps test unit replay-test e2e demo bench clean vmlinux-h
all: $(TOOL) $(OUTPUT)/guest/iommufd-trace

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS)
	@mkdir -p $(@D)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

# A skeleton is only needed by the files that load its programs.
$(OUTPUT)/live.o $(OUTPUT)/probes.o $(OUTPUT)/scope.o: $(OUTPUT)/iommufd_trace.skel.h
$(OUTPUT)/snapshot.o: $(OUTPUT)/ps.skel.h

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

# Regenerates the committed $(VMLINUX_H) from the BTF of the upstream test
# kernel of $(ARCH) (built if need be). Where iommufd is a module (arm64),
# its types are in the module's split BTF: dumped on top of the kernel's,
# it gives one header with both.
vmlinux-h:
	mkdir -p $(dir $(VMLINUX_H)) && \
	kdir=$$(kernel/vm build --arch $(ARCH) upstream | cut -f2) && \
	mod=$$(find "$$kdir/modules" -name iommufd.ko 2>/dev/null || true) && \
	if [ -n "$$mod" ]; then \
		$(BPFTOOL) btf dump file "$$mod" --base-btf "$$kdir/btf/vmlinux" \
			format c > $(VMLINUX_H).tmp; \
	else \
		$(BPFTOOL) btf dump file "$$kdir/btf/vmlinux" format c > $(VMLINUX_H).tmp; \
	fi && \
	grep -q '^struct iommufd_vdevice {' $(VMLINUX_H).tmp && \
	mv $(VMLINUX_H).tmp $(VMLINUX_H)

include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
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
	tests/bench/run.sh --arch $(ARCH)

clean:
	rm -rf $(OUTPUT)
include kernel/repro/repro.mk
