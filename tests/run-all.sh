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

make -s fuzz > "$out/fuzz.log" 2>&1
cat "$out/fuzz.log"
count "$out/fuzz.log"

tests/vm-log.sh > "$out/vm-log.log" 2>&1
cat "$out/vm-log.log"
count "$out/vm-log.log"

tests/e2e/run.sh > "$out/e2e.log" 2>&1
cat "$out/e2e.log"
count "$out/e2e.log"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
