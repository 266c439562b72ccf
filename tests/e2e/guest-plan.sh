#!/bin/sh
# Runs in the test VM: the end-to-end plan of one kernel variant, in one
# boot; check_e2e.py judges what it prints.
# Usage: guest-plan.sh VARIANT
# plan.txt says which selftests run traced in which kernel.
# Small runs pin down single findings; guest-graph.sh and guest-scope.sh
# add ps, the snapshot, check's scope and end, and the tests it names.
variant=$1
run=/opt/guest-check.sh
tomb=iommufd_viommu.mock_viommu.vdevice_tombstone

# ps and the snapshot at start, before anything else holds /dev/iommu.
sh /opt/guest-graph.sh

# The selftests create every object type: the runs of plan.txt for this
# kernel.
arch=$(uname -m)
[ "$arch" = aarch64 ] && arch=arm64
while read -r a variants selftest mode <&3; do
	[ "$a" = "$arch" ] || continue
	case ",$variants," in
	*",$variant,"*) ;;
	*) continue ;;
	esac
	case $selftest in
	iommufd) set -- iommufd ;;
	fail_nth) set -- iommufd_fail_nth ;;
	viommu) set -- iommufd -f iommufd_viommu ;;
	*) echo "plan.txt: no selftest $selftest" >&2 && continue ;;
	esac
	sh $run -t "${selftest}_$mode" --probe-mode "$mode" -- "$@"
done 3< /opt/plan.txt

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
