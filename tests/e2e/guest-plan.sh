#!/bin/sh
# Runs in the test VM: part of the end-to-end plan of one kernel variant.
# Usage: guest-plan.sh fentry|kprobe-fail-nth|kprobe-tombstone
# Bare selftests show the kernel's behaviour, traced ones the tool's; the
# small runs pin down single findings. Each kprobe session gets a boot of
# its own: re-registering an ftrace-based kprobe crashes our 7.3.4 test
# kernel under TCG (kernel/repro/kprobe-reregister.sh shows it without BPF).
run=/opt/guest-check.sh
tomb=iommufd_viommu.mock_viommu.vdevice_tombstone

case "$1" in
kprobe-fail-nth)
	sh $run fail_nth_traced --probe-mode kprobe -- iommufd_fail_nth
	exit 0 ;;
kprobe-tombstone)
	sh $run tomb_kprobe --probe-mode kprobe -- iommufd -r $tomb
	exit 0 ;;
esac
sh $run iommufd_bare --bare -- iommufd
sh $run fail_nth_bare --bare -- iommufd_fail_nth
sh $run iommufd_traced --probe-mode fentry -- iommufd
sh $run tomb_fentry --probe-mode fentry -- iommufd -r $tomb
# Events must be lost, not hidden: the command stops the tracer (its
# parent) while a fixture's worth of events floods a one-page ring buffer.
sh $run lossy --ringbuf-size 4096 -- sh -c \
	'kill -STOP $PPID; iommufd -f iommufd_viommu > /dev/null; kill -CONT $PPID'

# A command that cannot run is an error, not a clean run.
sh $run no_cmd -- /nonexistent/command
# Without BTF the tool must refuse, not guess.
mount -o bind /dev/null /sys/kernel/btf/vmlinux
iommufd-trace check -- true > /tmp/nobtf.out 2>&1
echo "@@RUN no_btf trace=$?"
cat /tmp/nobtf.out
echo "@@JSON no_btf"
echo "@@END no_btf"
