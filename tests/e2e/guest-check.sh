#!/bin/sh
# Runs in the test VM: a selftest under iommufd-trace check --json.
# Usage: guest-check.sh NAME [TRACE-OPTIONS] -- SELFTEST [ARGS]
# Prints, for the host to parse:
#   @@RUN NAME trace=STATUS seconds=N then the selftest's result lines,
#   @@JSON NAME                      then the report, then @@END NAME.
name=$1
shift
opts=
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	opts="$opts $1"
	shift
done
shift
start=$(date +%s)
# shellcheck disable=SC2086 # opts are separate words
iommufd-trace check --json -o "/tmp/$name.jsonl" $opts -- "$@" \
	> "/tmp/$name.out" 2> "/tmp/$name.err"
echo "@@RUN $name trace=$? seconds=$(($(date +%s) - start))"
grep -E '^(not ok|# Totals|# FAILED|# PASSED)' "/tmp/$name.out"
sed 's/^/stderr: /' "/tmp/$name.err"
echo "@@JSON $name"
cat "/tmp/$name.jsonl"
echo "@@END $name"
