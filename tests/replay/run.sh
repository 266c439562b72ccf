#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Replays the golden traces next to this script with BINARY and checks
# exit statuses, summaries and findings.  Usage: run.sh BINARY
BIN=${1:?usage: run.sh BINARY}
DIR=$(dirname "$0")
TMP=$(mktemp -d) || exit 2
trap 'rm -rf "$TMP"' EXIT
failed=0
passed=0

pass() {
	echo "ok $*"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL $*"
	failed=$((failed + 1))
}

# check TRACE STATUS KEY=VALUE...: the --json replay of TRACE exits with
# STATUS, is valid JSON lines ending with a summary holding KEY=VALUE, and
# has as many finding lines as the summary counts; text mode agrees.
check() {
	name=$1
	trace=$DIR/$1
	want=$2
	shift 2
	"$BIN" replay --json "$trace" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq "$want" ] || { fail "$trace: exit status $rc, want $want"; cat "$TMP/err"; return; }
	python3 - "$TMP/out" "$@" <<'PY' || { fail "$trace: output"; return; }
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
summary = lines[-1]["summary"]
found = [l["finding"] for l in lines if "finding" in l]
ok = found.count("orphaned_vdevice") == summary["orphans"] and \
     found.count("leaked_object") == summary["leaks"] and \
     found.count("outlived_parent") == summary["outlived"]
for kv in sys.argv[2:]:
	k, v = kv.split("=", 1)
	if str(summary.get(k)) != v:
		print(f"summary {k}={summary.get(k)}, want {v}")
		ok = False
sys.exit(0 if ok else 1)
PY
	"$BIN" replay "$trace" >"$TMP/text" 2>&1
	rc=$?
	[ "$rc" -eq "$want" ] || fail "$trace: text mode exit status $rc, want $want"
	verdict=$(sed -n 's/^verdict: //p' "$TMP/text")
	grep -q "\"verdict\":\"$verdict\"" "$TMP/out" || fail "$trace: text verdict '$verdict'"
	# The JSON output replays to itself (unknown events are not in it).
	"$BIN" replay --json - <"$TMP/out" >"$TMP/again" 2>"$TMP/err"
	rc=$?
	grep -v '^{"summary"' "$TMP/out" >"$TMP/a"
	grep -v '^{"summary"' "$TMP/again" >"$TMP/b"
	[ "$rc" -eq "$want" ] && cmp -s "$TMP/a" "$TMP/b" ||
		fail "$trace: replay of the --json output differs"
	pass "$name"
}

check clean.jsonl 0 verdict=clean events=7 live=0
check fixed_kernel.jsonl 0 verdict=clean orphans=0
check untracked.jsonl 0 verdict=clean untracked=2 unknown_events=1
check orphan.jsonl 1 verdict=findings orphans=1 leaks=0
check leak.jsonl 1 verdict=findings orphans=0 leaks=2
check lost.jsonl 3 verdict=inconclusive lost=5
check stale.jsonl 3 verdict=inconclusive stale=1 orphans=0 live=0
check recording.jsonl 1 verdict=findings events=11 orphans=1 leaks=2

# A --json recording (events, findings, the summary last) replays to itself.
"$BIN" replay --json "$DIR/recording.jsonl" | cmp -s - "$DIR/recording.jsonl" &&
	pass "recording.jsonl replays to itself" ||
	fail "recording.jsonl: replay --json differs from the recording"
check graph_clean.jsonl 0 verdict=clean outlived=0 leaks=0 untracked=0 live=0
check graph_findings.jsonl 1 verdict=findings outlived=1 leaks=1 orphans=0
check snapshot.jsonl 1 verdict=findings orphans=1 untracked=0 at_start=7 leaks=0
# Live mode merges the snapshot with the events by time: an address freed
# and reused before the walk read it is the later object's, no anomaly.
check snapshot_reuse.jsonl 0 verdict=clean stale=0 untracked=0 at_start=1

# has_lines TRACE LINE...: the --json replay of TRACE prints each LINE exactly
has_lines() {
	trace=$1
	shift
	out=$("$BIN" replay --json "$DIR/$trace")
	for want in "$@"; do
		printf '%s\n' "$out" | grep -qxF "$want" || fail "$trace: missing $want"
	done
}

has_lines orphan.jsonl \
	'{"finding":"orphaned_vdevice","ts":4000,"ictx":"c1","vdev":"v1","vdev_id":3,"virt_id":153,"idev":"d1","idev_id":1,"pid":42,"comm":"iommufd","stack":["iommufd_device_unbind+0x0/0x30","iommufd_selftest_destroy+0x1c/0x40"]}' \
	'{"ev":"vdev_destroy","ts":1500004000,"ictx":"c1","vdev":"v1","orphaned_ns":1500000000}'
has_lines leak.jsonl \
	'{"finding":"leaked_object","ts":9000,"ictx":"c1","type":"device","id":1,"obj":"d1"}' \
	'{"finding":"leaked_object","ts":9000,"ictx":"c1","type":"vdevice","id":3,"obj":"v1","virt_id":153}'

has_lines graph_findings.jsonl \
	'{"finding":"outlived_parent","ts":4000,"ictx":"c1","type":"viommu","id":3,"obj":"o3","parent_type":"hwpt_paging","parent_id":2,"parent":"o2"}' \
	'{"finding":"leaked_object","ts":9000,"ictx":"c1","type":"ioas","id":1,"obj":"o1"}' \
	'{"ev":"obj_free","ts":4000,"ictx":"c1","obj":"o2","type":"hwpt_paging"}'
has_lines snapshot.jsonl \
	'{"finding":"orphaned_vdevice","ts":200,"ictx":"c1","vdev":"v7","vdev_id":7,"virt_id":81,"in_snapshot":1,"pid":52,"comm":"neighbour"}'

# malformed TRACE MESSAGE: exit status 2 and exactly MESSAGE on stderr.
malformed() {
	before=$failed
	"$BIN" replay --json "$DIR/$1" >/dev/null 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "$1: exit status $rc, want 2"
	printf '%s\n' "$DIR/$2" | cmp -s - "$TMP/err" || { fail "$1: stderr"; cat "$TMP/err"; }
	[ "$failed" -eq "$before" ] && pass "$1"
}
malformed malformed.jsonl 'malformed.jsonl:3: event "unbind" needs "idev"'
malformed invalid_json.jsonl "invalid_json.jsonl:2: invalid JSON: '}' expected near end of file"
# a recording made with --json --no-events: findings and the summary only
malformed no_events.jsonl 'no_events.jsonl:2: recorded with --no-events: the events are not in the file; record without --no-events to replay'

"$BIN" replay "$DIR/no-such-trace.jsonl" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "missing file: exit status $rc, want 2"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
