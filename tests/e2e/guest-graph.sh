#!/bin/sh
# Runs in the test VM: the object graph (ps, the snapshot at
# start, every object type), in records like guest-check.sh's:
#   @@RUN NAME trace=STATUS, its result lines, @@JSON NAME, the report,
#   @@END NAME; tests/e2e/judge_graph.py judges them.
# Usage: guest-graph.sh, before anything else holds /dev/iommu: ps with
# no context open; then, while /opt/neighbour -H holds an orphan (virt_id
# 0x51) and a healthy pair (0x52): ps (JSON and text), and a tracer
# started after it, running when it is killed.  (The plan's selftest runs
# under check --json show every object type.)

# report NAME STATUS OUT JSON: a record of a run that is not guest-check.sh's
report() {
	echo "@@RUN $1 trace=$2"
	sed 's/^/stderr: /' "$3"
	echo "@@JSON $1"
	cat "$4"
	echo "@@END $1"
}

# ps_run NAME [OPTIONS]: ps, its report as JSON (or text with --text)
ps_run() {
	name=$1
	shift
	iommufd-trace ps "$@" > "/tmp/$name.out" 2> "/tmp/$name.err"
	report "$name" $? "/tmp/$name.err" "/tmp/$name.out"
}

# wait_for FILE PATTERN: until a line of FILE matches (30 s at most)
wait_for() {
	i=0
	while ! grep -q "$2" "$1" 2> /dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

held() {
	ps_run graph_ps_empty --json
	/opt/neighbour -H > /tmp/neighbour.out 2>&1 &
	nb=$!
	wait_for /tmp/neighbour.out '^held'
	ps_run graph_ps_held --json
	# text: its lines are result lines, its JSON part empty
	iommufd-trace ps > /tmp/graph_ps_text.out 2>&1
	echo "@@RUN graph_ps_text trace=$?"
	cat /tmp/graph_ps_text.out
	echo "@@JSON graph_ps_text"
	echo "@@END graph_ps_text"
	# A tracer started after it: what was alive is known, not untracked.
	iommufd-trace --json -o /tmp/graph_trace_held.jsonl 2> /tmp/graph_trace_held.err &
	tracer=$!
	wait_for /tmp/graph_trace_held.err 'snapshot'
	kill $nb
	wait $nb
	sleep 2
	kill -INT $tracer
	wait $tracer
	report graph_trace_held $? /tmp/graph_trace_held.err /tmp/graph_trace_held.jsonl
}

held
