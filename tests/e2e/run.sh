#!/usr/bin/env bash
# End-to-end tests: boots each kernel variant of an architecture once in
# QEMU, runs guest-plan.sh there (ps and the snapshot, the selftests under
# iommufd-trace next to a noisy neighbour, small runs that pin down single
# findings, check's scope and end, the tracer started and stopped under
# load) and judges the output with check_e2e.py.
# Usage: tests/e2e/run.sh [--arch x86_64|arm64] [VARIANT...]; the last
# line sums up all variants.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. kernel/lib/common.sh
arch=x86_64
if [ "${1:-}" = --arch ]; then
	arch=$2
	shift 2
fi
set_arch "$arch"
. kernel/lib/build.sh
. tests/lib/tally.sh
[ $# -gt 0 ] || set -- $VARIANTS
out=build/e2e/$arch
mkdir -p "$out"
passed=0
failed=0

# All kernels first: the other architecture's run waits for them, not for
# one kernel at a time.  The test programs need the uapi and selftest
# headers of one.
kernel/vm build --arch "$arch" "$@" > /dev/null &&
	kdir=$(kernel/vm build --arch "$arch" upstream | cut -f2) &&
	make -s ARCH="$arch" all repro e2e-bins E2E_KDIR="$kdir" E2E_KTREE="$TREE" || {
	echo "FAIL $arch: cannot build the tools or the test programs"
	echo "e2e $arch: 0 passed, 1 failed"
	exit 1
}
bins=build
# judge_scope.py parses the --ktap report with the kernel's own parser.
export KUNIT_PY="$TREE/tools/testing/kunit/kunit.py"
[ "$arch" = x86_64 ] || bins=build/$arch

for v in "$@"; do
	echo "== $arch $v"
	log=$out/$v.log
	SECONDS=0
	if ! kernel/vm run --arch "$arch" "$v" --timeout 3600 \
		--add tests/e2e/guest-check.sh --add tests/e2e/guest-load.sh \
		--add tests/e2e/guest-plan.sh --add tests/e2e/plan.txt \
		--add tests/e2e/guest-graph.sh \
		--add tests/e2e/guest-scope.sh --add "$bins/e2e/neighbour" \
		--add "$bins/e2e/handover" \
		--add "$bins/repro/attach-load" \
		--add kernel/repro/attach-under-load.sh \
		--add kernel/repro/kprobe-reregister.sh \
		-- sh /opt/guest-plan.sh "$v" > "$log" 2>&1; then
		# A VM that fails to boot, times out or splats fails the variant.
		tail -40 "$log"
		echo "FAIL $arch $v: kernel/vm exited with an error (log: $log)"
		failed=$((failed + 1))
		continue
	fi
	echo "(the VM ran ${SECONDS}s)"
	python3 tests/e2e/check_e2e.py "$arch" "$v" "$log" > "$out/$v.result" 2>&1
	status=$?
	cat "$out/$v.result"
	tally "$out/$v.result" $status
done
echo "e2e $arch: $passed passed, $failed failed"
[ $failed -eq 0 ]
