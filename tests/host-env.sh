#!/bin/sh
# The tool on a machine it cannot trace must say why and exit 2. Run here,
# on the build host: a kernel without iommufd (and kprobes), and no root.
# Usage: host-env.sh BINARY
BIN=${1:?usage: host-env.sh BINARY}
passed=0
failed=0

# expect NAME PATTERN CMD...: CMD exits 2 and says PATTERN on stderr
expect() {
	name=$1 pattern=$2
	shift 2
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ $rc -eq 2 ] && printf '%s\n' "$err" | grep -q "$pattern"; then
		echo "ok $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name: exit status $rc, stderr: $err"
		failed=$((failed + 1))
	fi
}

nobody="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"
expect "not root: says to use sudo" "run it with sudo" $nobody "$BIN" check -- true
if grep -q ' iommufd_object_finalize$' /proc/kallsyms; then
	echo "skipped 'no iommufd': this host's kernel has iommufd (not counted)"
else
	expect "no iommufd: says how to get it" "has no iommufd" "$BIN"
	expect "no iommufd: check mode too" "has no iommufd" "$BIN" check -- true
	expect "no iommufd: ps too" "has no iommufd" "$BIN" ps
fi
expect "bad probe mode" "takes auto, kprobe or fentry" "$BIN" --probe-mode x
expect "bad ring buffer size" "power of 2" "$BIN" --ringbuf-size 1000
expect "check without a command" "needs a command" "$BIN" check
expect "ps takes no command" "unexpected argument" "$BIN" ps -- true
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
