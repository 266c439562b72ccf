#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs the replay fuzz target for FUZZ_SECONDS (default 90), seeded with
# the golden traces (a copy: libFuzzer adds to its corpus).  A crash, a
# sanitizer report or a broken oracle fails the test and leaves the input
# next to FUZZER, to reproduce with "FUZZER INPUT".
# Usage: run.sh FUZZER
BIN=${1:?usage: run.sh FUZZER}
TIME=${FUZZ_SECONDS:-90}
OUT=$(dirname "$BIN")
CORPUS=$(mktemp -d) || exit 2
trap 'rm -rf "$CORPUS"' EXIT
cp "$(dirname "$0")"/../replay/*.jsonl "$CORPUS"/ || exit 2

"$BIN" -max_total_time="$TIME" -timeout=10 -print_final_stats=1 \
	-artifact_prefix="$OUT/" "$CORPUS" >"$OUT/libfuzzer.log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/libfuzzer.log")
if [ $rc -eq 0 ]; then
	echo "ok fuzz_replay: ${runs:-?} inputs in $TIME s"
	echo "1 passed, 0 failed"
	exit 0
fi
grep -E '^(oracle:|==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$OUT/libfuzzer.log"
grep -E '^artifact_prefix|Test unit written to' "$OUT/libfuzzer.log"
echo "FAIL fuzz_replay: exit status $rc, see $OUT/libfuzzer.log"
echo "0 passed, 1 failed"
exit 1
