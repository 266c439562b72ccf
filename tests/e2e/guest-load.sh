#!/bin/sh
# Runs in the test VM: the tracer started and stopped SESSIONS times per
# probe mode while the neighbour keeps binding, orphaning (on v6.13-v6.16
# kernels) and unbinding devices: attaching and detaching under load.
# Usage: guest-load.sh SESSIONS
# Prints, per session, @@RUN load_MODE_N trace=STATUS, @@JSON load_MODE_N,
# its findings and summary, @@END load_MODE_N; then the neighbour's count.
sessions=${1:-10}
/opt/neighbour -i 20 > /tmp/neighbour.out 2>&1 &
neighbour=$!
sleep 1
for mode in fentry kprobe; do
	i=1
	while [ "$i" -le "$sessions" ]; do
		name=load_${mode}_$i
		iommufd-trace --probe-mode "$mode" --json --no-events \
			-o "/tmp/$name.jsonl" 2> "/tmp/$name.err" &
		tracer=$!
		# Stop it two seconds into its tracing, whatever the attach took.
		n=0
		while ! grep -q 'probes attached' "/tmp/$name.err" &&
		      kill -0 $tracer 2> /dev/null && [ $n -lt 600 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		sleep 2
		kill -INT $tracer
		wait $tracer
		echo "@@RUN $name trace=$?"
		sed 's/^/stderr: /' "/tmp/$name.err"
		echo "@@JSON $name"
		cat "/tmp/$name.jsonl"
		echo "@@END $name"
		i=$((i + 1))
	done
done
kill $neighbour
wait $neighbour
cat /tmp/neighbour.out
