#!/bin/sh
# Runs in the test VM: a selftest under iommufd-trace check --json, or
# bare with --bare.
# Usage: guest-check.sh NAME [--bare | TRACE-OPTIONS] -- SELFTEST [ARGS]
# Prints, for the host to parse:
#   @@RUN NAME trace=STATUS          then the selftest's result lines,
#   @@JSON NAME                      then the report, then @@END NAME.
# A bare run prints "@@RUN NAME bare=STATUS" and an empty report.
name=$1
shift
opts=
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	opts="$opts $1"
	shift
done
shift
if [ "$opts" = " --bare" ]; then
	"$@" > "/tmp/$name.out" 2> "/tmp/$name.err"
	echo "@@RUN $name bare=$?"
	: > "/tmp/$name.jsonl"
else
	# shellcheck disable=SC2086 # opts are separate words
	iommufd-trace check --json -o "/tmp/$name.jsonl" $opts -- "$@" \
		> "/tmp/$name.out" 2> "/tmp/$name.err"
	echo "@@RUN $name trace=$?"
fi
grep -E '^(not ok|# Totals|# FAILED|# PASSED)' "/tmp/$name.out"
sed 's/^/stderr: /' "/tmp/$name.err"
echo "@@JSON $name"
cat "/tmp/$name.jsonl"
echo "@@END $name"
