#!/bin/sh
# Runs in the test VM, from guest-plan.sh while its neighbour keeps making
# orphans of its own (virt_id 0x4e) on fresh contexts: check judges its
# command alone, ends promptly after it whatever the rest of the system
# does, and names the test of each finding; live mode takes --pid and
# --comm.  (The plan's selftest runs are the rest of it.)
# Usage: guest-scope.sh
# Prints guest-check.sh's records (@@RUN NAME trace=STATUS, lines, @@JSON
# NAME, the JSON report, @@END NAME), with lines of their own among the
# lines:
#   after_exit=SECONDS   from the command's exit to the end of the tool
#   ktap: LINE           a --ktap report
#   out: same|differs    the command's stdout through the tool, byte for byte
#   NAME=VALUE           pids the judge needs
# judge_scope.py judges them.
run=/opt/guest-check.sh
tomb=iommufd_viommu.mock_viommu.vdevice_tombstone

up() {
	cut -d' ' -f1 /proc/uptime
}

# until_true SECONDS CMD...: CMD until it succeeds, SECONDS at most
until_true() {
	n=$(($1 * 10))
	shift
	while ! "$@" && [ $n -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
}

# note NAME LINE: LINE goes among the lines of NAME's record
note() {
	echo "$2" >> "/tmp/$1.notes"
}

# emit NAME: the record of NAME in /tmp/NAME.rec, with its notes
emit() {
	touch "/tmp/$1.notes"
	awk -v n="$1" -v notes="/tmp/$1.notes" '
		$0 == "@@JSON " n { while ((getline l < notes) > 0) print l }
		{ print }' "/tmp/$1.rec"
}

# record NAME STATUS: a record of a run made here, its report in /tmp/NAME.jsonl
record() {
	{
		echo "@@RUN $1 trace=$2"
		sed 's/^/stderr: /' "/tmp/$1.err"
		echo "@@JSON $1"
		cat "/tmp/$1.jsonl" 2> /dev/null
		echo "@@END $1"
	} > "/tmp/$1.rec"
	emit "$1"
}

# The command's output passes through unchanged: NUL, CR, a long line, no last newline.
passthrough() {
	cmd='printf "KTAP version 1\n1..1\r\na\000b\n"; seq -s x 1 20000; printf "ok 1 end"'
	sh -c "$cmd" > /tmp/want.out
	iommufd-trace check --json -o /tmp/passthrough.jsonl -- sh -c "$cmd" \
		> /tmp/got.out 2> /tmp/passthrough.err
	st=$?
	if cmp -s /tmp/want.out /tmp/got.out; then
		note passthrough "out: same"
	else
		note passthrough "out: differs"
	fi
	record passthrough $st
}

# Ignored SIGCHLD in the parent: the command is still reaped and its status told.
sigchld() {
	timeout 120 sh -c 'trap "" CHLD; exec iommufd-trace check --json -o /tmp/sigchld.jsonl -- sh -c "exit 3"' \
		> /dev/null 2> /tmp/sigchld.err
	record sigchld $?
}

# SIGTERM while the tool starts: the command never runs, or it gets the signal.
sig_startup() {
	start=$(up)
	iommufd-trace check --json -o /tmp/sig_startup.jsonl -- sleep 600 \
		> /dev/null 2> /tmp/sig_startup.err &
	p=$!
	sleep 1
	kill -TERM $p
	wait $p
	st=$?
	note sig_startup "seconds=$(awk -v a="$start" -v b="$(up)" 'BEGIN { print b - a }')"
	note sig_startup "sleeping=$(pidof sleep | wc -w)"
	record sig_startup $st
}

# SIGTERM while the command runs: passed on, and the run judged.
sig_forward() {
	iommufd-trace check --json -o /tmp/sig_forward.jsonl -- sleep 600 \
		> /dev/null 2> /tmp/sig_forward.err &
	p=$!
	until_true 120 pidof sleep > /dev/null
	kill -TERM $p
	start=$(up)
	wait $p
	st=$?
	note sig_forward "after_kill=$(awk -v a="$start" -v b="$(up)" 'BEGIN { print b - a }')"
	record sig_forward $st
}

# The context is the command's; another process makes the orphan in it.
handover() {
	/opt/handover serve /tmp/handover.sock > /tmp/serve.out 2>&1 &
	srv=$!
	until_true 30 grep -q ready /tmp/serve.out
	note handover "server_pid=$srv"
	sh $run -t handover -- /opt/handover send /tmp/handover.sock > /tmp/handover.rec
	emit handover
	wait $srv
}

# held CMD...: CMD in the background, held until live() lets it go;
# $target is the shell that runs it as a child
held() {
	rm -f /tmp/go
	mkfifo /tmp/go
	sh -c 'read x < /tmp/go; "$@"; true' sh "$@" > /dev/null 2>&1 &
	target=$!
}

# live NAME TRACE-OPTIONS...: live tracing from before the held command
# starts to after it has ended
live() {
	name=$1
	shift
	iommufd-trace --json -o "/tmp/$name.jsonl" "$@" 2> "/tmp/$name.err" &
	tracer=$!
	until_true 120 grep -q "probes attached" "/tmp/$name.err"
	echo go > /tmp/go
	wait $target
	# SIGTERM: a background job of a shell ignores SIGINT, and so does the tool
	kill -TERM $tracer
	wait $tracer
	record "$name" $?
}

# --pid: the process and what it forks after the start
live_pid() {
	held /opt/neighbour -n 5 -i 20
	note live_pid "target_pid=$target"
	note live_pid "neighbour_pid=$(pidof neighbour)"
	live live_pid --pid $target
}

# --comm: tasks of that name only
live_comm() {
	cp /opt/neighbour /tmp/nbcomm
	held /tmp/nbcomm -n 5 -i 20
	live live_comm --comm nbcomm
}

ktap() {
	iommufd-trace check --ktap -o /tmp/ktap.ktap -- iommufd -f iommufd_viommu \
		> /tmp/ktap.out 2> /tmp/ktap.err
	st=$?
	grep -E '^(not ok|# Totals)' /tmp/ktap.out > /tmp/ktap.notes
	sed 's/^/ktap: /' /tmp/ktap.ktap >> /tmp/ktap.notes
	record ktap $st
}

# timed NAME [TRACE-OPTIONS] -- CMD...: guest-check.sh -t's run
timed() {
	sh $run -t "$@" > "/tmp/$1.rec"
	emit "$1"
}

timed system_wide --system-wide -- iommufd -r $tomb
timed true_scoped -- true
timed true_system_wide --system-wide -- true
# Output that is not KTAP: no test to name.
timed no_ktap -- sh -c "iommufd -r $tomb > /dev/null"
timed kworker -- /opt/handover gc
handover
sigchld
sig_startup
sig_forward
passthrough
live_pid
live_comm
ktap
