#!/bin/sh
# tests/lib/tally.sh, which adds up every test run's closing line: a
# failure anywhere in a log's closing line, a crash, or no closing line
# must count as failed.
# shellcheck disable=SC2030,SC2031 # tallied() counts in a subshell
cd "$(dirname "$0")/.." || exit 2
. tests/lib/tally.sh
. tests/lib/result.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# tallied NAME LOG STATUS WANT: tally LOG STATUS from zero, WANT "P F"; it
# counts in a subshell, so $passed and $failed stay this script's own
tallied() {
	got=$(passed=0 failed=0; tally "$2" "$3" > /dev/null 2>&1; echo "$passed $failed")
	[ "$got" = "$4" ]
	result "$1" $? "$got, want $4"
}

# case NAME STATUS WANT-PASSED WANT-FAILED LOG-LINES...
case_() {
	name=$1 status=$2 want="$3 $4"
	shift 4
	printf '%s\n' "$@" > "$tmp/log"
	tallied "$name" "$tmp/log" "$status" "$want"
}

case_ "a plain closing line" 0 5 0 "ok a" "5 passed, 0 failed"
case_ "failures in the closing line" 1 4 1 "FAIL a" "4 passed, 1 failed"
case_ "the last closing line counts" 1 51 1 \
	"74 passed, 0 failed" "FAIL x" "51 passed, 1 failed"
case_ "a prefix with an underscore: e2e x86_64" 1 209 1 \
	"74 passed, 0 failed" "e2e x86_64: 209 passed, 1 failed"
case_ "a prefix: e2e arm64" 0 189 0 "e2e arm64: 189 passed, 0 failed"
case_ "no closing line" 0 0 1 "ok a" "Traceback (most recent call last):"
case_ "a crash after the closing line" 1 3 1 "3 passed, 0 failed" \
	"Segmentation fault"
case_ "a non-zero exit without a failure counted" 2 3 1 "3 passed, 0 failed"
case_ "an empty log" 0 0 1
tallied "a missing log" "$tmp/missing" 0 "0 1"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
