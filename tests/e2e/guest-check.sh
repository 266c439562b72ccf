#!/bin/sh
# Runs in the test VM: a command under iommufd-trace check --json.
# Usage: guest-check.sh [-t] NAME [TRACE-OPTIONS] -- CMD [ARGS]
#   -t  also note how long the tool ran on after CMD exited (CMD then runs
#       under a shell that notes its exit: not for a CMD that must fail to
#       start, or that signals its parent)
# Prints, for the host to parse:
#   @@RUN NAME trace=STATUS seconds=N then CMD's result lines (KTAP and
#   kselftest), "stderr: " the tool's messages, with -t after_exit=SECONDS,
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
rm -f /tmp/exit
if [ -n "$timed" ]; then
	set -- sh -c '"$@"; s=$?; cut -d" " -f1 /proc/uptime > /tmp/exit; exit $s' sh "$@"
fi
# shellcheck disable=SC2086 # opts are separate words
iommufd-trace check --json -o "/tmp/$name.jsonl" $opts -- "$@" \
	> "/tmp/$name.out" 2> "/tmp/$name.err"
status=$?
end=$(up)
echo "@@RUN $name trace=$status seconds=$(($(date +%s) - start))"
grep -E '^(not ok|# Totals|# FAILED|# PASSED)' "/tmp/$name.out"
sed 's/^/stderr: /' "/tmp/$name.err"
[ -s /tmp/exit ] &&
	awk -v e="$end" -v x="$(cat /tmp/exit)" 'BEGIN { printf "after_exit=%.2f\n", e - x }'
echo "@@JSON $name"
cat "/tmp/$name.jsonl"
echo "@@END $name"
