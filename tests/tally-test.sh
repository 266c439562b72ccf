#!/bin/sh
# tests/lib/tally.sh, which adds up every test run's closing line: a
# failure anywhere in a log's closing line, a crash, or no closing line
# must count as failed.
cd "$(dirname "$0")/.." || exit 2
. tests/lib/tally.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok=0
bad=0

# case NAME STATUS WANT-PASSED WANT-FAILED LOG-LINES...
case_() {
	name=$1 status=$2 want="$3 $4"
	shift 4
	printf '%s\n' "$@" > "$tmp/log"
	passed=0 failed=0
	tally "$tmp/log" "$status" > /dev/null
	if [ "$passed $failed" = "$want" ]; then
		echo "ok $name"
		ok=$((ok + 1))
	else
		echo "FAIL $name: $passed passed, $failed failed, want $want"
		bad=$((bad + 1))
	fi
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

rm -f "$tmp/log"
passed=0 failed=0
tally "$tmp/log" 0 > /dev/null 2>&1
if [ "$failed" -eq 1 ]; then
	echo "ok a missing log"
	ok=$((ok + 1))
else
	echo "FAIL a missing log: $passed passed, $failed failed"
	bad=$((bad + 1))
fi
echo "$ok passed, $bad failed"
[ "$bad" -eq 0 ]
