#!/bin/sh
# Every test of the project; the last line adds them all up.
cd "$(dirname "$0")/.." || exit 2
out=build/test
mkdir -p "$out"
passed=0
failed=0

. tests/lib/tally.sh

# shown NAME STATUS: $out/NAME.log, of a run that exited STATUS, shown and tallied
shown() {
	cat "$out/$1.log"
	tally "$out/$1.log" "$2"
}

# step NAME CMD...: CMD's output in $out/NAME.log, shown and tallied
step() {
	name=$1
	shift
	"$@" > "$out/$name.log" 2>&1
	shown "$name" $?
}

step unit make -s unit
step replay tests/replay/run.sh build/iommufd-trace
step host-env tests/host-env.sh build/iommufd-trace
step vm-log tests/vm-log.sh
step tally tests/tally-test.sh

# The two architectures' end-to-end runs side by side: an x86 guest runs on
# one host thread (kernel/lib/common.sh), and one architecture's kernel
# builds use the cores while the other's VMs wait or run.  The fuzzer too.
# The x86_64 kernels are built first, whatever takes the build lock: its
# boots, one after the other on one thread, are the run's longest path,
# and arm64's kernels build while they run.  A failure shows in its e2e log.
kernel/vm build --arch x86_64 > "$out/kernels-x86_64.log" 2>&1
tests/e2e/run.sh --arch x86_64 > "$out/e2e-x86_64.log" 2>&1 &
x86=$!
tests/e2e/run.sh --arch arm64 > "$out/e2e-arm64.log" 2>&1 &
arm64=$!
step fuzz make -s fuzz
wait $x86
shown e2e-x86_64 $?
wait $arm64
shown e2e-arm64 $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
