#!/bin/sh
# Reproducer, no BPF involved: on our 7.3.4 test kernel under QEMU TCG,
# registering an ftrace-based kprobe on a function a second time in one
# boot crashes (BUG: kernel NULL pointer dereference, RIP 0x18, at the
# function's fentry site). Seen for iommufd_object_finalize,
# iommufd_fops_release and proc_pid_status.
# It is the registration of kprobe_ftrace_ops after its last kprobe went
# away that crashes: with another ftrace-based kprobe held for the whole
# boot, the same three rounds survive (tests/bench/guest-bench.sh holds
# one for that reason).
#   kernel/vm run upstream --add kernel/repro/kprobe-reregister.sh -- \
#       sh /opt/kprobe-reregister.sh [FUNCTION]
func=${1:-proc_pid_status}
cd /sys/kernel/tracing || exit 2
for round in 1 2; do
	echo "p:repro $func" > kprobe_events || exit 2
	echo 1 > events/kprobes/repro/enable
	cat /proc/self/status > /dev/null
	iommufd -r iommufd_viommu.mock_viommu.vdevice_tombstone > /dev/null 2>&1
	echo "round $round: $(grep -c 'repro:' trace) hits on $func"
	echo 0 > events/kprobes/repro/enable
	echo > kprobe_events
	echo > trace
done
echo "survived: this kernel re-registers kprobes fine"
