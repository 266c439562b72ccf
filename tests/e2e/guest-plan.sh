#!/bin/sh
# Runs in the test VM: the end-to-end plan of one kernel variant, in one
# probe mode: guest-plan.sh fentry|kprobe. Each mode gets a boot of its
# own (see tests/e2e/run.sh). Bare selftests show the kernel's behaviour,
# traced ones the tool's; the small runs pin down single findings.
run=/opt/guest-check.sh
tomb=iommufd_viommu.mock_viommu.vdevice_tombstone

if [ "$1" = kprobe ]; then
	sh $run fail_nth_traced --probe-mode kprobe -- iommufd_fail_nth
	sh $run tomb_kprobe --probe-mode kprobe -- iommufd -r $tomb
	exit 0
fi
sh $run iommufd_bare --bare -- iommufd
sh $run fail_nth_bare --bare -- iommufd_fail_nth
sh $run iommufd_traced --probe-mode fentry -- iommufd
sh $run tomb_fentry --probe-mode fentry -- iommufd -r $tomb
# A ring buffer of one page cannot hold the selftest's bursts.
sh $run lossy --ringbuf-size 4096 -- iommufd -f iommufd_viommu
# Without BTF the tool must refuse, not guess.
mount -o bind /dev/null /sys/kernel/btf/vmlinux
iommufd-trace check -- true > /tmp/nobtf.out 2>&1
echo "@@RUN no_btf trace=$?"
cat /tmp/nobtf.out
echo "@@JSON no_btf"
echo "@@END no_btf"
