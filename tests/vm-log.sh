#!/bin/bash
# kernel/vm's reading of kernel logs: which splats fail a run at once, and
# which (before userspace starts) get one more boot.
cd "$(dirname "$0")/.." || exit 2
. kernel/lib/qemu.sh
. tests/lib/result.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# case NAME WANT(early|late|clean) LOG-LINES...
case_() {
	name=$1 want=$2 got=clean
	shift 2
	printf '%s\n' "$@" > "$tmp/log"
	if grep -Eq "$SPLAT_RE" "$tmp/log"; then
		got=late
		splat_before_init "$tmp/log" && got=early
	fi
	[ "$got" = "$want" ]
	result "$name" $? "$got, want $want"
}

case_ "clean boot" clean "Booting" "$INIT_LINE" "hello"
case_ "KASAN before /init: one more boot" early \
	"BUG: KASAN: wild-memory-access in rcu_is_watching+0x1d/0x3a" "$INIT_LINE"
case_ "WARNING after /init fails" late "$INIT_LINE" "WARNING: CPU: 0 PID: 1 at x"
case_ "lockdep after /init fails" late "$INIT_LINE" \
	"WARNING: possible circular locking dependency detected"
case_ "refcount after /init fails" late "$INIT_LINE" "refcount_t: underflow; use-after-free."
case_ "arm64's stack dump fails" late "$INIT_LINE" "Call trace:"
case_ "hung task fails" late "$INIT_LINE" "INFO: task iommufd:42 blocked for more than 60 seconds."
case_ "early splat, then a late one: fails" late \
	"BUG: early" "$INIT_LINE" "BUG: late"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
