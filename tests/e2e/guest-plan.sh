#!/bin/sh
# Runs in the test VM: the end-to-end plan of one kernel variant, in one
# boot; check_e2e.py judges what it prints.
# Usage: guest-plan.sh VARIANT
# The whole iommufd selftest runs traced in fentry mode everywhere, and in
# kprobe mode too on the fixed x86 kernels, with iommufd_fail_nth, which
# between them create every object type; arm64 (slower under TCG) runs the
# vIOMMU fixture in kprobe mode.  Small runs pin down single findings.
variant=$1
run=/opt/guest-check.sh
tomb=iommufd_viommu.mock_viommu.vdevice_tombstone

sh $run iommufd_fentry --probe-mode fentry -- iommufd
if [ "$(uname -m)" = x86_64 ]; then
	[ "$variant" = unfixed ] ||
		sh $run iommufd_kprobe --probe-mode kprobe -- iommufd
	sh $run fail_nth_fentry --probe-mode fentry -- iommufd_fail_nth
	sh $run fail_nth_kprobe --probe-mode kprobe -- iommufd_fail_nth
else
	sh $run viommu_kprobe --probe-mode kprobe -- iommufd -f iommufd_viommu
fi
sh $run tomb_fentry --probe-mode fentry -- iommufd -r $tomb
sh $run tomb_kprobe --probe-mode kprobe -- iommufd -r $tomb
# Events must be lost, not hidden: the command stops the tracer (its
# parent) while a fixture's worth of events floods a one-page ring buffer.
sh $run lossy --ringbuf-size 4096 -- sh -c \
	'kill -STOP $PPID; iommufd -f iommufd_viommu > /dev/null; kill -CONT $PPID'
sh /opt/guest-load.sh 10

# A command that cannot run is an error, not a clean run.
sh $run no_cmd -- /nonexistent/command
# Where iommufd is a module that is not loaded, the tool says to load it.
if [ -d /sys/module/iommufd ] && rmmod iommufd; then
	iommufd-trace check -- true > /tmp/unloaded.out 2>&1
	echo "@@RUN not_loaded trace=$?"
	cat /tmp/unloaded.out
	echo "@@JSON not_loaded"
	echo "@@END not_loaded"
	modprobe iommufd
fi
# Without BTF the tool must refuse, not guess.
mount -o bind /dev/null /sys/kernel/btf/vmlinux
iommufd-trace check -- true > /tmp/nobtf.out 2>&1
echo "@@RUN no_btf trace=$?"
cat /tmp/nobtf.out
echo "@@JSON no_btf"
echo "@@END no_btf"
