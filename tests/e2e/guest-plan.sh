#!/bin/sh
# Runs in the test VM: the end-to-end plan of one kernel variant, in one
# boot; check_e2e.py judges what it prints.
# Usage: guest-plan.sh VARIANT
# x86_64 runs the whole iommufd selftest traced on every kernel, and
# iommufd_fail_nth on patched.  arm64, twice as slow under TCG, runs the
# vIOMMU fixture, and the whole selftest where orphans happen (the
# unfixed shape is that of the arm64 hosts the bug reaches) and, in
# kprobe mode, on upstream.
# Small runs pin down single findings; guest-graph.sh and guest-scope.sh
# add ps, the snapshot, check's scope and end, and the tests it names.
variant=$1
run=/opt/guest-check.sh
tomb=iommufd_viommu.mock_viommu.vdevice_tombstone

# ps and the snapshot at start, before anything else holds /dev/iommu.
sh /opt/guest-graph.sh

# The selftests create every object type: iommufd on every kernel in
# fentry mode, and in kprobe mode on arm64's upstream; iommufd_fail_nth
# on x86's patched in both modes (the fixed kernels share these paths).
if [ "$(uname -m)" = x86_64 ]; then
	sh $run -t iommufd_fentry --probe-mode fentry -- iommufd
	if [ "$variant" = patched ]; then
		sh $run -t fail_nth_fentry --probe-mode fentry -- iommufd_fail_nth
		sh $run -t fail_nth_kprobe --probe-mode kprobe -- iommufd_fail_nth
	fi
elif [ "$variant" = unfixed ]; then
	sh $run -t iommufd_fentry --probe-mode fentry -- iommufd
	sh $run -t viommu_kprobe --probe-mode kprobe -- iommufd -f iommufd_viommu
elif [ "$variant" = upstream ]; then
	sh $run -t viommu_fentry --probe-mode fentry -- iommufd -f iommufd_viommu
	sh $run -t iommufd_kprobe --probe-mode kprobe -- iommufd
else
	sh $run -t viommu_fentry --probe-mode fentry -- iommufd -f iommufd_viommu
	sh $run -t viommu_kprobe --probe-mode kprobe -- iommufd -f iommufd_viommu
fi

# From here to the load test, a neighbour makes orphans of its own
# (virt_id 0x4e) on fresh contexts every 20 ms: check must judge its
# command alone, and end on time.
/opt/neighbour -i 20 > /tmp/neighbour.out 2>&1 &
neighbour=$!
sh $run -t tomb_fentry --probe-mode fentry -- iommufd -r $tomb
sh $run -t tomb_kprobe --probe-mode kprobe -- iommufd -r $tomb
# The rest of check's scope and end is the same on every kernel: where
# orphans happen, it has findings to scope and name.
[ "$variant" = unfixed ] && sh /opt/guest-scope.sh
kill $neighbour
wait $neighbour
echo "@@RUN neighbour trace=0"
cat /tmp/neighbour.out
echo "@@JSON neighbour"
echo "@@END neighbour"

# Events must be lost, not hidden: the command stops the tracer while a
# fixture's worth of events floods a one-page ring buffer.
sh $run lossy --ringbuf-size 4096 -- sh -c \
	'kill -STOP $PPID; iommufd -f iommufd_viommu > /dev/null; kill -CONT $PPID'
# The tracer started and stopped under load, 4 sessions per probe mode
# (check_e2e.py's LOAD_SESSIONS): each takes its snapshot, ~7 s in an x86
# guest, and 20 of them made every boot 3 minutes longer.
sh /opt/guest-load.sh 4

# The kernel bugs of kernel/README.md, "Attaching under load": a BPF
# trampoline updated while busy tasks enter the function, and an
# ftrace-based kprobe registered again.  A crash fails the boot.  The fix
# is the same in every variant: upstream's boot shows it.
repro() {
	name=$1
	shift
	"$@" > "/tmp/$name.out" 2>&1
	echo "@@RUN $name trace=$?"
	cat "/tmp/$name.out"
	echo "@@JSON $name"
	echo "@@END $name"
}
if [ "$variant" = upstream ]; then
	repro repro_trampoline sh /opt/attach-under-load.sh ex 10
	repro repro_kprobe sh /opt/kprobe-reregister.sh
fi

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
