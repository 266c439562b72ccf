#!/bin/sh
# In the test VM, no BPF: the function tracer (or an ftrace-based kprobe)
# switched on and off ROUNDS times on a function that busy tasks keep
# entering.  Live text patching of that kind crashes x86 guests under
# QEMU's multi-threaded TCG (kernel/README.md, "Attaching under load").
#   ... --add build/repro/attach-load --add kernel/repro/ftrace-toggle.sh \
#       -- sh /opt/ftrace-toggle.sh [function|kprobe [ROUNDS [FUNC]]]
mode=${1:-function} rounds=${2:-100} func=${3:-hrtimer_nanosleep}
cd /sys/kernel/tracing || exit 2
/opt/attach-load busy -n 2 -u 100 &
busy=$!
sleep 1
echo "$func" > set_ftrace_filter || exit 2
i=1
while [ $i -le "$rounds" ]; do
	case $mode in
	function)
		echo function > current_tracer
		sleep 0.1
		echo nop > current_tracer ;;
	kprobe)
		echo "p:toggle $func" > kprobe_events
		echo 1 > events/kprobes/toggle/enable
		sleep 0.1
		echo 0 > events/kprobes/toggle/enable
		echo > kprobe_events ;;
	*)
		echo "usage: ftrace-toggle.sh [function|kprobe [ROUNDS [FUNC]]]" >&2
		exit 2 ;;
	esac
	i=$((i + 1))
done
kill $busy
echo "survived $rounds rounds of $mode on $func"
