#!/bin/sh
# Runs in the test VM: every configuration of the benchmark on one kernel,
# interleaved and repeated, then capacity, ps and scale.  Prints "@@"
# records for tests/bench/summarize.py.
# Usage: guest-bench.sh ROUNDS CYCLE_N VDEV_N SCALE_STEPS BARE_SCALE_STEPS
#                       [CONFIGS MODES PARTS PS_STEPS]
# The last four narrow a run (run.sh: BENCH_CONFIGS, ...); by default all.
set -u
B=/opt/bench
rounds=$1 cycle_n=$2 vdev_n=$3 steps=$4 bare_steps=$5
configs=${6:-bare floor_kprobe floor_fentry trace_kprobe trace_fentry bpftrace}
modes=${7:-cycle vdev}
parts=${8:-timing programs capacity ps scale}
ps_steps=${9:-1,10,100,1000,10000,100000}
W=$B/workload

# part NAME: is NAME one of the parts to run?
part() {
	case " $parts " in *" $1 "*) return 0 ;; esac
	return 1
}

# run NAME ROUND CMD...: the workload's lines, tagged, and errors loudly.
run() {
	name=$1 round=$2
	shift 2
	"$@" > /tmp/out 2> /tmp/err
	st=$?
	# Only the workload's lines: bpftrace writes to stdout too.
	grep '^mode=' /tmp/out | sed "s/^/@@ $name round=$round status=$st /"
	if [ $st -ne 0 ] || ! grep -q '^mode=' /tmp/out; then
		echo "@@ERR $name round=$round status=$st"
		tail -5 /tmp/err
	fi
}

config() {
	name=$1 round=$2
	shift 2
	case $name in
	bare)		run $name $round "$@" ;;
	floor_*)	run $name $round $B/floor ${name#floor_} -- "$@" ;;
	trace_*)	run $name $round iommufd-trace check --probe-mode ${name#trace_} \
				-o /tmp/trace.txt -- "$@" ;;
	before_*)	run $name $round $B/iommufd-trace-before check \
				--probe-mode ${name#before_} -o /tmp/trace.txt -- "$@" ;;
	bpftrace)	run $name $round $B/bpftrace-dist/bpftrace -o /tmp/bt.txt \
				-c "$*" $B/pairs.bt ;;
	esac
}

[ -x $B/iommufd-trace-before ] && configs="$configs before_kprobe before_fentry"
reversed=
for c in $configs; do reversed="$c $reversed"; done
r=1
while part timing && [ $r -le $rounds ]; do
	# Forward on odd rounds, backward on even ones: no config always first.
	order=$configs
	[ $((r % 2)) -eq 0 ] && order=$reversed
	for c in $order; do
		for m in $modes; do
			n=$cycle_n
			[ $m = vdev ] && n=$vdev_n
			config $c $r $W -m $m -n $n
		done
	done
	r=$((r + 1))
done
if part timing; then
	grep -c ORPHAN /tmp/bt.txt 2>/dev/null | sed 's/^/@@ bpftrace_orphan_lines /'
	echo "@@ trace_summary $(tail -1 /tmp/trace.txt)"
fi

# Programs: what each program of the tool and of the floor costs per
# run, by the kernel's own count (bpf_stats), in one run per probe mode of
# the vdev cycles: apart from the rounds above, which the counting slows.
# The count is of the time from a program's start to its end, so the
# tracer stays stopped meanwhile, its ring big enough to hold the events
# without waking it: on one vCPU its user space would run inside the
# programs it preempts, and the wake-ups inside those that ask for one.
if part programs; then
	echo 1 > /proc/sys/kernel/bpf_stats_enabled
	for pm in fentry kprobe; do
		for c in trace floor; do
			if [ $c = trace ]; then
				set -- iommufd-trace check --probe-mode $pm -o /tmp/trace.txt \
					--ringbuf-size $((1 << 24))
			else
				set -- $B/floor $pm
			fi
			"$@" -- sh -c "kill -STOP \$PPID; $W -m vdev -n $vdev_n > /dev/null;
				$B/progstat; kill -CONT \$PPID" |
				grep '^prog=' | sed "s/^/@@ progstat config=${c}_$pm /"
		done
	done
	echo 0 > /proc/sys/kernel/bpf_stats_enabled
fi

# "first_ts=N last_ts=N" of the events of a --json trace.
span() {
	printf 'first_ts=%s last_ts=%s' \
		"$(grep -m1 '"ts":' "$1" | sed 's/.*"ts":\([0-9]*\).*/\1/')" \
		"$(grep '"ts":' "$1" | tail -1 | sed 's/.*"ts":\([0-9]*\).*/\1/')"
}

# Capacity: parallel workloads under one tracer, at the default ring.
for p in 1 2 4 8; do
	part capacity || break
	cat > /tmp/par.sh <<PAR
i=0
while [ \$i -lt $p ]; do $W -m vdev -n $vdev_n -w 0 > /dev/null & i=\$((i + 1)); done
wait
PAR
	iommufd-trace check --probe-mode fentry --json -o /tmp/cap.json -- sh /tmp/par.sh
	st=$?
	echo "@@ capacity procs=$p status=$st $(span /tmp/cap.json) $(tail -1 /tmp/cap.json)"
done
# Past it: the tracer is stopped while a burst larger than its ring is made.
if part capacity; then
	iommufd-trace check --probe-mode fentry --json -o /tmp/cap.json -- sh -c \
		"kill -STOP \$PPID; $W -m vdev -n 20000 -w 0 > /dev/null; kill -CONT \$PPID"
	echo "@@ overflow burst_cycles=20000 status=$? $(tail -1 /tmp/cap.json)"
fi

# ps: its time against the objects alive in one context.
if part ps; then
	$B/ps_scale -n "$ps_steps" -r 3 -- iommufd-trace ps --json -o /tmp/ps.json |
		sed 's/^/@@ ps_scale /'
	echo "@@ ps_summary $(tail -1 /tmp/ps.json)"
fi
part scale || exit 0

# Scale: the same cycles with more and more devices (each with a vdevice)
# alive, grown in steps in one context; -M adds the tracer's memory.  The
# traced run goes last and holds its objects (-H) until the VM ends: the
# kernel would take longer to tear them down than to make them.
run scale_bare 1 $W -m vdev -n $vdev_n -r 3 -l "$bare_steps"
iommufd-trace check --probe-mode fentry -o /tmp/trace.txt \
	-- $W -m vdev -n $vdev_n -r 3 -l "$steps" -M -H > /tmp/scale.out 2> /tmp/scale.err &
tracer=$!
while ! grep -q '^held' /tmp/scale.out && kill -0 $tracer 2> /dev/null; do
	sleep 5
done
grep '^mode=' /tmp/scale.out | sed 's/^/@@ scale_trace_fentry round=1 status=0 /'
grep -q '^held' /tmp/scale.out || {
	echo "@@ERR scale_trace_fentry round=1 status=1"
	tail -5 /tmp/scale.err
}
