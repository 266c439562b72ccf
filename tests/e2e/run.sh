#!/bin/sh
# End-to-end tests: boots each kernel variant in QEMU, three times (see
# guest-plan.sh), runs the selftests there bare and under iommufd-trace,
# and judges the output.
# Usage: tests/e2e/run.sh [VARIANT...]; the last line sums up all variants.
cd "$(dirname "$0")/../.." || exit 2
[ $# -gt 0 ] || set -- upstream unfixed patched
out=build/e2e
mkdir -p "$out"
passed=0
failed=0
for v in "$@"; do
	echo "== $v"
	logs=
	for mode in fentry kprobe-fail-nth kprobe-tombstone; do
		log="$out/$v-$mode.log"
		logs="$logs $log"
		kernel/vm run "$v" --add tests/e2e/guest-check.sh \
			--add tests/e2e/guest-plan.sh -- sh /opt/guest-plan.sh "$mode" \
			> "$log" 2>&1 && continue
		# A VM that fails to boot, times out or splats fails the variant.
		tail -40 "$log"
		echo "FAIL $v ($mode): kernel/vm exited with an error (log: $log)"
		failed=$((failed + 1))
		continue 2
	done
	# shellcheck disable=SC2086 # one word per log
	python3 tests/e2e/check_e2e.py "$v" $logs > "$out/$v.result"
	cat "$out/$v.result"
	passed=$((passed + $(tail -1 "$out/$v.result" | cut -d' ' -f1)))
	failed=$((failed + $(tail -1 "$out/$v.result" | cut -d' ' -f3)))
done
echo "e2e: $passed passed, $failed failed"
[ $failed -eq 0 ]
