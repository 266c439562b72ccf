#!/bin/sh
# Runs in the test VM: a command under iommufd-trace check --json.
# Usage: guest-check.sh [-t] NAME [TRACE-OPTIONS] -- CMD [ARGS]
#   -t  also note how long after CMD exited the tool said CMD's status (its
#       report was then complete) and how long until the tool exited (its
#       probes detached).  CMD then runs under a shell that notes its exit:
#       not for a CMD that must fail to start, or that signals its parent.
# Prints, for the host to parse:
#   @@RUN NAME trace=STATUS seconds=N then CMD's result lines (KTAP and
#   kselftest), "stderr: " the tool's messages, with -t
#   verdict_after_exit=SECONDS and after_exit=SECONDS,
#   @@JSON NAME                      then the report, then @@END NAME.
timed=
[ "$1" = -t ] && timed=1 && shift
name=$1
shift
opts=
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	opts="$opts $1"
	shift
done
shift
up() {
	cut -d' ' -f1 /proc/uptime
}
start=$(date +%s)
rm -f /tmp/exit /tmp/verdict
# After CMD's exit, a watcher (60 s at most) notes when the tool says so.
if [ -n "$timed" ]; then
	# shellcheck disable=SC2016 # expanded by the inner shell
	set -- sh -c '"$@"; s=$?; cut -d" " -f1 /proc/uptime > /tmp/exit
		(n=1200
		until grep -qE "^iommufd-trace: sh (exited|was killed)" "$0.err"; do
			[ $((n -= 1)) -gt 0 ] || exit
			sleep 0.05
		done
		cut -d" " -f1 /proc/uptime > /tmp/verdict) < /dev/null > /dev/null 2>&1 &
		exit $s' "/tmp/$name" "$@"
fi
# shellcheck disable=SC2086 # opts are separate words
iommufd-trace check --json -o "/tmp/$name.jsonl" $opts -- "$@" \
	> "/tmp/$name.out" 2> "/tmp/$name.err"
status=$?
end=$(up)
# The watcher polls every 50 ms: give it a second to see the last message.
n=20
while [ -n "$timed" ] && [ ! -s /tmp/verdict ] && [ $((n -= 1)) -gt 0 ]; do
	sleep 0.05
done
echo "@@RUN $name trace=$status seconds=$(($(date +%s) - start))"
grep -E '^(not ok|# Totals|# FAILED|# PASSED)' "/tmp/$name.out"
sed 's/^/stderr: /' "/tmp/$name.err"
[ -s /tmp/exit ] && [ -s /tmp/verdict ] &&
	awk -v e="$(cat /tmp/verdict)" -v x="$(cat /tmp/exit)" \
		'BEGIN { printf "verdict_after_exit=%.2f\n", e - x }'
[ -s /tmp/exit ] &&
	awk -v e="$end" -v x="$(cat /tmp/exit)" 'BEGIN { printf "after_exit=%.2f\n", e - x }'
echo "@@JSON $name"
cat "/tmp/$name.jsonl"
echo "@@END $name"
