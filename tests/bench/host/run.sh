#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The checker alone on this machine, no VM: replay of a generated trace
# (events/s, peak RSS, verdict) and the model on binary events (events/s,
# bytes per live object), from a v6.17+ kernel and, for the model, from an
# older one too.  Throughput is the best of $BENCH_RUNS runs.
# Writes OUTDIR/host.json and prints a table; the trace (about 1.7 GB at the
# default size) is made in OUTDIR and deleted at the end.
#
# Usage: run.sh OUTDIR
#	BENCH_EVENTS (10000000), BENCH_PEAK (3000000), BENCH_RUNS (3)
OUT=${1:?usage: run.sh OUTDIR}
EVENTS=${BENCH_EVENTS:-10000000}
PEAK=${BENCH_PEAK:-3000000}
RUNS=${BENCH_RUNS:-3}
TOP=$(cd "$(dirname "$0")/../../.." && pwd) || exit 2
BIN=$TOP/build
HOST=$BIN/bench/host
TRACE=$OUT/trace.jsonl

die() {
	echo "bench-host: $*" >&2
	exit 2
}

[ -x /usr/bin/time ] || die "GNU time is missing: run tests/install-deps.sh"
${MAKE:-make} -s -C "$TOP" bench-host-bins || die "build failed"
mkdir -p "$OUT" || exit 2
trap 'rm -f "$TRACE"' EXIT

# About 170 bytes a line; ask for 200.
avail=$(df -Pk "$OUT" | awk 'NR == 2 { print $4 }')
[ "$avail" -gt $((EVENTS / 5)) ] ||
	die "$OUT: $((avail / 1024)) MiB free, the trace needs about $((EVENTS / 5 / 1024)) MiB"

echo "generating $EVENTS events, $PEAK live at the peak"
"$HOST/gen_trace" -n "$EVENTS" -l "$PEAK" -o "$TRACE" || die "gen_trace failed"
trace_bytes=$(stat -c %s "$TRACE")

# Replay: GNU time gives wall time, CPU time and the peak RSS.
i=1
while [ "$i" -le "$RUNS" ]; do
	/usr/bin/time -f '{"elapsed":%e,"user":%U,"sys":%S,"max_rss_kb":%M}' \
		-o "$OUT/replay.time.$i" \
		"$BIN/iommufd-trace" replay --json --no-events "$TRACE" \
		>"$OUT/replay.out.$i"
	echo "replay run $i: exit status $? $(cat "$OUT/replay.time.$i")"
	i=$((i + 1))
done

# -k: vdevices name their device, not their idev, as before v6.17.
i=1
while [ "$i" -le "$RUNS" ]; do
	for k in "" -k; do
		"$HOST/model_bench" -n "$EVENTS" -l "$PEAK" $k >"$OUT/model$k.$i" ||
			die "model_bench $k failed"
		echo "model run $i: $(cat "$OUT/model$k.$i")"
	done
	i=$((i + 1))
done

python3 - "$OUT" "$RUNS" "$EVENTS" "$PEAK" "$trace_bytes" \
	"$(git -C "$TOP" describe --always --dirty)" <<'PY'
import json, os, sys
out, runs, events, peak, trace_bytes, commit = sys.argv[1:]
runs, events, peak = int(runs), int(events), int(peak)

def load(name):
	return json.load(open(os.path.join(out, name)))

replays = []
for i in range(1, runs + 1):
	t = load(f"replay.time.{i}")
	lines = open(os.path.join(out, f"replay.out.{i}")).read().splitlines()
	s = json.loads(lines[-1])["summary"] if lines else {}
	t.update(verdict=s.get("verdict"), events=s.get("events"),
		 events_per_s=round(events / t["elapsed"]) if t["elapsed"] else 0)
	replays.append(t)

def model(suffix):
	runs_ = [load(f"model{suffix}.{i}") for i in range(1, runs + 1)]
	best = max(runs_, key=lambda m: m["events_per_s"])
	return {"command": f"model_bench -n {events} -l {peak} {suffix}".strip(),
		"kernel": best["kernel"], "best_of": runs,
		"events_per_s": best["events_per_s"], "seconds": best["seconds"],
		"peak_live": best["peak_live"],
		"bytes_per_object": best["bytes_per_object"],
		"bytes_measure": "RSS growth at the peak / live objects",
		"malloc_bytes_per_object": best["malloc_bytes_per_object"],
		"verdict": best["verdict"], "runs": runs_}

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
	    if l.startswith("model name")), "?")
best_r = max(replays, key=lambda r: r["events_per_s"])
res = {
	"machine": {"cpu": cpu, "nproc": os.cpu_count(),
		    "kernel": os.uname().release,
		    "loadavg_at_end": open("/proc/loadavg").read().split()[:3]},
	"commit": commit,
	"trace": {"events": events, "peak_live": peak, "bytes": int(trace_bytes)},
	"replay": {"command": "iommufd-trace replay --json --no-events TRACE",
		   "best_of": runs, "events_per_s": best_r["events_per_s"],
		   "elapsed_s": best_r["elapsed"],
		   "cpu_s": round(best_r["user"] + best_r["sys"], 2),
		   "max_rss_bytes": max(r["max_rss_kb"] for r in replays) * 1024,
		   "rss_bytes_per_live_object":
			round(max(r["max_rss_kb"] for r in replays) * 1024 / peak, 1),
		   "verdict": best_r["verdict"], "runs": replays},
	"model": model(""),
	"model_before_v6_17": model("-k"),
}
json.dump(res, open(os.path.join(out, "host.json"), "w"), indent=1)
r = res["replay"]
print(f"\n{cpu}, {os.cpu_count()} CPUs; {events} events, {peak} live at the peak; best of {runs}")
print(f"{'':11} {'events/s':>12} {'B/live object':>14}  verdict")
print(f"{'replay':11} {r['events_per_s']:>12,} {r['rss_bytes_per_live_object']:>14}  {r['verdict']}"
      "   (peak RSS of the process)")
for name, key in (("model", "model"), ("model <6.17", "model_before_v6_17")):
	m = res[key]
	print(f"{name:11} {round(m['events_per_s']):>12,} {m['bytes_per_object']:>14}  {m['verdict']}"
	      "   (RSS growth at the peak)")
ok = all(x["verdict"] == "clean" and x["events"] == events for x in replays)
ok = ok and all(res[k]["verdict"] == "clean" for k in ("model", "model_before_v6_17"))
sys.exit(0 if ok else 1)
PY
