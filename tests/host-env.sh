#!/bin/sh
# The tool on a machine it cannot trace must say why and exit 2. Run here,
# on the build host: a kernel without iommufd (and kprobes), and no root.
# Usage: host-env.sh BINARY
BIN=${1:?usage: host-env.sh BINARY}
DIR=$(cd "$(dirname "$0")" && pwd) || exit 2
TMP=$(mktemp -d) || exit 2
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

. "$DIR/lib/result.sh"

# expect NAME PATTERN CMD...: CMD exits 2 and says PATTERN on stderr
expect() {
	name=$1 pattern=$2
	shift 2
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ $rc -eq 2 ] && printf '%s\n' "$err" | grep -q "$pattern"
	result "$name" $? "exit status $rc, stderr: $err"
}

# kept NAME FILE: FILE still holds what it held at the start
kept() {
	cmp -s "$2" "$TMP/orig"
	result "$1" $? "$2 was changed"
}

# mode NAME FILE OCTAL: FILE has permissions OCTAL
mode() {
	[ "$(stat -c %a "$2")" = "$3" ]
	result "$1" $? "mode $(stat -c %a "$2"), want $3"
}

# -o FILE: a link planted where the report goes, to a file anyone can write.
chmod 755 "$TMP"
cp "$DIR/replay/orphan.jsonl" "$TMP/orig"
cp "$TMP/orig" "$TMP/target"
chmod 666 "$TMP/target"
ln -s target "$TMP/link"

nobody="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"
expect "not root: says to use sudo" "run it with sudo" $nobody "$BIN" check -- true
expect "not root: -o is not opened" "run it with sudo" $nobody "$BIN" -o "$TMP/link"
kept "not root: the file behind the link is kept" "$TMP/target"
if grep -q ' iommufd_object_finalize$' /proc/kallsyms; then
	echo "skipped 'no iommufd': this host's kernel has iommufd (not counted)"
else
	expect "no iommufd: says how to get it" "has no iommufd" "$BIN"
	expect "no iommufd: check mode too" "has no iommufd" "$BIN" check -- true
	expect "no iommufd: -o is not opened" "has no iommufd" "$BIN" -o "$TMP/link"
	kept "no iommufd: the file behind the link is kept" "$TMP/target"
	expect "no iommufd: ps too" "has no iommufd" "$BIN" ps
fi

# replay -o: never the input, never through a link, private if its input is.
cp "$TMP/orig" "$TMP/in.jsonl"
expect "replay -o IN IN: refused" "is the input" "$BIN" replay -o "$TMP/in.jsonl" "$TMP/in.jsonl"
kept "replay -o IN IN: IN is kept" "$TMP/in.jsonl"
expect "replay -o IN - <IN: refused" "is the input" sh -c '"$1" replay -o "$2" - <"$2"' sh "$BIN" "$TMP/in.jsonl"
kept "replay -o IN - <IN: IN is kept" "$TMP/in.jsonl"
expect "replay -o LINK: refused" "symbolic link" "$BIN" replay -o "$TMP/link" "$TMP/in.jsonl"
kept "replay -o LINK: the file behind the link is kept" "$TMP/target"
chmod 600 "$TMP/in.jsonl"
"$BIN" replay -o "$TMP/new.txt" "$TMP/in.jsonl"
mode "replay of a private recording: a private report" "$TMP/new.txt" 600
cp "$TMP/orig" "$TMP/old.txt"
chmod 644 "$TMP/old.txt"
"$BIN" replay -o "$TMP/old.txt" "$TMP/in.jsonl"
mode "replay of a private recording: an existing report made private" "$TMP/old.txt" 600
cp "$TMP/orig" "$TMP/theirs.txt"
chown 65534 "$TMP/theirs.txt"
expect "a private report into another user's file: refused" "another user" "$BIN" replay -o "$TMP/theirs.txt" "$TMP/in.jsonl"
kept "a private report into another user's file: the file is kept" "$TMP/theirs.txt"
expect "bad probe mode" "takes auto, kprobe or fentry" "$BIN" --probe-mode x
expect "bad ring buffer size" "power of 2" "$BIN" --ringbuf-size 1000
expect "check without a command" "needs a command" "$BIN" check
expect "ps takes no command" "unexpected argument" "$BIN" ps -- true
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
