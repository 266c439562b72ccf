#!/bin/sh
# Reproducer, no BPF involved: an ftrace-based kprobe registered, hit,
# removed, and registered again.  On our 7.3.4 test kernels without
# kernel/patches/common/0003 the second round crashed (BUG: kernel NULL
# pointer dereference, RIP 0x18, at the function's fentry site): the
# kprobe ops keep the trampoline they allocated, and registering them
# again re-pointed its call at kprobe_ftrace_handler, which sits at an odd
# address in these -Os kernels, with a jmp (kernel/README.md, "Attaching
# under load").  With the patch, both rounds pass.
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
