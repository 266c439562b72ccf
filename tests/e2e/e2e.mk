# SPDX-License-Identifier: GPL-2.0
# Test programs that run in the test VM next to iommufd-trace.  Included by
# the top Makefile; tests/e2e/run.sh builds them with
#   make e2e-bins E2E_KDIR=<test kernel dir> E2E_KTREE=<its source tree>
# as they need the kernel's uapi and selftest headers.

E2E_OUT := $(OUTPUT)/e2e

E2E_BINS := $(E2E_OUT)/neighbour $(E2E_OUT)/handover

# Static: they run in the initramfs.
$(E2E_BINS): $(E2E_OUT)/%: tests/e2e/%.c tests/lib/mockdev.c tests/lib/mockdev.h
	@test -n "$(E2E_KDIR)" || { echo "E2E_KDIR is not set: use tests/e2e/run.sh" >&2; exit 2; }
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -static -isystem $(E2E_KDIR)/usr/include -Itests/lib \
		-I$(E2E_KTREE)/drivers/iommu/iommufd -o $@ $(filter %.c,$^)

.PHONY: e2e-bins
e2e-bins: $(E2E_BINS)
