#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs the unit test programs given as arguments and adds up their
# "ok NAME" / "FAIL NAME" lines.  A program that dies without reporting a
# failure counts as one failed test.  Last line: "N passed, N failed".
passed=0
failed=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^FAIL ')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $t (exit status $rc)"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
