# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# tally LOG STATUS: add the closing "[WHAT: ]N passed, N failed" line of a
# test run's LOG to $passed and $failed.  A log without one, or a run that
# exited STATUS non-zero with no failure counted, is one failure: a test
# that crashed is not a pass.
tally() {
	last=$(grep -E '(^|[^0-9])[0-9]+ passed, [0-9]+ failed$' "$1" | tail -1 |
		sed -E 's/(.*[^0-9])?([0-9]+) passed, ([0-9]+) failed$/\2 \3/')
	if [ -z "$last" ]; then
		echo "FAIL $1: no result line"
		failed=$((failed + 1))
		return
	fi
	passed=$((passed + ${last% *}))
	if [ "$2" -ne 0 ] && [ "${last#* }" -eq 0 ]; then
		echo "FAIL $1: exit status $2, no failure counted"
		failed=$((failed + 1))
		return
	fi
	failed=$((failed + ${last#* }))
}
