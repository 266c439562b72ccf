# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# result NAME OK WHY: "ok NAME" if OK is 0, else "FAIL NAME: WHY", counted
# in $passed and $failed for the script's closing line.
result() {
	if [ "$2" -eq 0 ]; then
		echo "ok $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1: $3"
		failed=$((failed + 1))
	fi
}
