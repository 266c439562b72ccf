# SPDX-License-Identifier: GPL-2.0
# The benchmark's programs (tests/bench).  Included by the top Makefile;
# "make bench" runs tests/bench/run.sh, which builds them with
#   make [ARCH=arm64] bench-bins BENCH_KDIR=<test kernel dir> \
#	BENCH_KTREE=<its source tree>
# as the workload needs the kernel's uapi and selftest headers.

BENCH_OUT := $(OUTPUT)/bench

$(BENCH_OUT)/floor.bpf.o: tests/bench/floor.bpf.c $(VMLINUX_H)
	@mkdir -p $(@D)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BENCH_OUT)/floor.skel.h: $(BENCH_OUT)/floor.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name floor_bpf > $@

# Static, as the tool is (LDLIBS).
$(BENCH_OUT)/floor: tests/bench/floor.c $(BENCH_OUT)/floor.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(BENCH_OUT) -o $@ $< $(LDLIBS)

$(BENCH_OUT)/progstat: tests/bench/progstat.c
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LDLIBS)

# Static: they run in the initramfs.
$(BENCH_OUT)/workload $(BENCH_OUT)/ps_scale: $(BENCH_OUT)/%: tests/bench/%.c \
		tests/lib/mockdev.c tests/lib/mockdev.h
	@test -n "$(BENCH_KDIR)" || { echo "BENCH_KDIR is not set: use make bench" >&2; exit 2; }
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -static -isystem $(BENCH_KDIR)/usr/include -Itests/lib \
		-I$(BENCH_KTREE)/drivers/iommu/iommufd -o $@ $(filter %.c,$^)

.PHONY: bench-bins
bench-bins: $(BENCH_OUT)/floor $(BENCH_OUT)/workload $(BENCH_OUT)/ps_scale \
	$(BENCH_OUT)/progstat
