#!/bin/sh
# Every test of the project; the last line adds them all up.
cd "$(dirname "$0")/.." || exit 2
out=build/test
mkdir -p "$out"
passed=0
failed=0

# count LOG: add up the "N passed, N failed" closing line of LOG
count() {
	last=$(grep -E '^[a-z0-9: ]*[0-9]+ passed, [0-9]+ failed' "$1" | tail -1 |
		sed 's/.*: //')
	if [ -z "$last" ]; then
		echo "FAIL $1: no result line"
		failed=$((failed + 1))
		return
	fi
	passed=$((passed + $(echo "$last" | cut -d' ' -f1)))
	failed=$((failed + $(echo "$last" | cut -d' ' -f3)))
}

make -s unit > "$out/unit.log" 2>&1
cat "$out/unit.log"
count "$out/unit.log"

tests/replay/run.sh build/iommufd-trace > "$out/replay.log" 2>&1
cat "$out/replay.log"
count "$out/replay.log"

tests/host-env.sh build/iommufd-trace > "$out/host-env.log" 2>&1
cat "$out/host-env.log"
count "$out/host-env.log"

tests/vm-log.sh > "$out/vm-log.log" 2>&1
cat "$out/vm-log.log"
count "$out/vm-log.log"

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
make -s fuzz > "$out/fuzz.log" 2>&1
wait $x86 $arm64
for log in fuzz e2e-x86_64 e2e-arm64; do
	cat "$out/$log.log"
	count "$out/$log.log"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
