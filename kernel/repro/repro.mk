# SPDX-License-Identifier: GPL-2.0
# kernel/repro's BPF reproducer: "make repro" builds build/repro/attach-load
# (static, for the test VM).  Included by the top Makefile.

REPRO_OUT := $(OUTPUT)/repro

$(REPRO_OUT)/attach_load.bpf.o: kernel/repro/attach-load.bpf.c $(VMLINUX_H)
	@mkdir -p $(@D)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(REPRO_OUT)/attach_load.skel.h: $(REPRO_OUT)/attach_load.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name attach_load_bpf > $@

$(REPRO_OUT)/attach-load: kernel/repro/attach-load.c $(REPRO_OUT)/attach_load.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(REPRO_OUT) -o $@ $< $(LDLIBS)

.PHONY: repro
repro: $(REPRO_OUT)/attach-load
