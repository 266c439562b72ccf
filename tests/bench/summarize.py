#!/usr/bin/env python3
"""Turns the benchmark's records into a plain-text table and a JSON file.

Usage: summarize.py VM_LOG HOST_JSON OUT_TXT OUT_JSON KEY=VALUE...
VM_LOG holds the "@@" records of guest-bench.sh, HOST_JSON the figures of
tests/bench/host/run.sh ("-" for none); the KEY=VALUE pairs (date, machine,
kernel...; configs, modes and parts of a narrowed run) head both outputs.
Exits 1 if a record is missing or a run failed.
"""
import json
import re
import statistics
import sys

CONFIGS = ["bare", "floor_kprobe", "floor_fentry", "trace_kprobe",
           "trace_fentry", "bpftrace", "before_kprobe", "before_fentry"]
MODES = ["cycle", "vdev"]
RECORD = re.compile(r"^@@ (\S+) (.*)$")
PAIR = re.compile(r"(\w+)=(\S+)")


def fields(text):
    return {k: v for k, v in PAIR.findall(text)}


def summary_of(text):
    """The {"summary":{...}} JSON at the end of a record, or None."""
    start = text.find('{"summary"')
    return json.loads(text[start:])["summary"] if start >= 0 else None


def parse(path):
    runs, errors, other = [], [], []
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("@@ERR"):
            # The record and what the command said, up to the next record.
            said = []
            for nxt in lines[i + 1:i + 6]:
                if nxt.startswith("@@"):
                    break
                said.append(nxt.strip())
            errors.append(line[6:] + (": " + " | ".join(said) if said else ""))
            continue
        m = RECORD.match(line)
        if not m:
            continue
        name, rest = m.groups()
        if name in CONFIGS or name.startswith("scale_"):
            rec = fields(rest)
            if "ns_per_cycle" in rec:
                rec["config"] = name
                runs.append(rec)
        else:
            other.append((name, rest))
    return runs, errors, other


# What each record of the timing part measures per cycle: the wall time,
# the workload's own CPU time (its syscalls run the BPF programs), and the
# CPU time of its parent: the tracer, floor loader or bpftrace (or the
# shell, for bare), whose user space a host with CPUs to spare runs beside
# the workload, but the guest's one vCPU between its cycles.
METRICS = {"wall": "ns_per_cycle", "cpu": "cpu_ns_per_cycle",
           "tracer_cpu": "parent_cpu_ns_per_cycle"}


def timing_rows(runs, mode, key):
    """Per config of @mode: min, median, and overhead against bare of @key."""
    rows = {}
    by_round = {}
    for r in runs:
        if r.get("mode") == mode and r["config"] in CONFIGS and r["status"] == "0" \
                and key in r:
            by_round.setdefault(r["config"], {})[r["round"]] = int(r[key])
    bare = by_round.get("bare", {})
    for cfg in CONFIGS:
        vals = by_round.get(cfg)
        if not vals:
            continue
        v = sorted(vals.values())
        med = statistics.median(v)
        row = {"runs": len(v), "min_ns": v[0], "median_ns": int(med),
               "spread_pct": round(100.0 * (v[-1] - v[0]) / med, 2) if med else 0.0}
        if cfg != "bare" and bare:
            # Paired by round: drift of the emulator cancels out.
            diffs = [v - bare[k] for k, v in vals.items() if k in bare]
            row["overhead_median_ns"] = int(statistics.median(diffs))
            row["overhead_range_ns"] = [min(diffs), max(diffs)]
            row["overhead_min_ns"] = row["min_ns"] - min(bare.values())
            bare_med = statistics.median(bare.values())
            row["overhead_pct"] = (round(100.0 * row["overhead_median_ns"] / bare_med, 2)
                                   if bare_med else None)
        rows[cfg] = row
    return rows


def timing_table(runs):
    """Per metric and mode, the rows of each config."""
    return {metric: {mode: timing_rows(runs, mode, key) for mode in MODES}
            for metric, key in METRICS.items()}


def ratio(rows, a, b):
    if a not in rows or b not in rows:
        return None
    num, den = rows[a].get("overhead_median_ns"), rows[b].get("overhead_median_ns")
    if num is None or not den or den <= 0:
        return None
    return round(num / den, 3)


def ratios(table):
    out = {}
    for mode, rows in table.items():
        r = {
            "kprobe_vs_floor": ratio(rows, "trace_kprobe", "floor_kprobe"),
            "fentry_vs_floor": ratio(rows, "trace_fentry", "floor_fentry"),
            "kprobe_vs_bpftrace": ratio(rows, "trace_kprobe", "bpftrace"),
            "fentry_vs_bpftrace": ratio(rows, "trace_fentry", "bpftrace"),
            "before_kprobe_vs_floor": ratio(rows, "before_kprobe", "floor_kprobe"),
            "before_fentry_vs_floor": ratio(rows, "before_fentry", "floor_fentry"),
        }
        best = min((c for c in ("trace_kprobe", "trace_fentry") if c in rows
                    and "overhead_median_ns" in rows[c]),
                   key=lambda c: rows[c]["overhead_median_ns"], default=None)
        r["best_mode"] = best and best[len("trace_"):]
        if best:
            r["best_vs_floor"] = ratio(rows, best, "floor_" + r["best_mode"])
            r["best_vs_bpftrace"] = ratio(rows, best, "bpftrace")
        out[mode] = {k: v for k, v in r.items() if v is not None}
    return out


def progstat(other):
    """The kernel's run time of each program, per configuration."""
    out = {}
    for name, rest in other:
        if name == "progstat":
            f = fields(rest)
            out.setdefault(f["config"], {})[f["prog"]] = {
                "runs": int(f["runs"]), "ns_per_run": int(f["ns_per_run"])}
    return out


def capacity(other):
    rows = []
    for name, rest in other:
        if name not in ("capacity", "overflow"):
            continue
        f = fields(rest.split('{"summary"')[0])
        s = summary_of(rest) or {}
        row = {"kind": name, "status": int(f["status"]), "events": s.get("events"),
               "lost": s.get("lost"), "verdict": s.get("verdict")}
        if name == "capacity":
            row["procs"] = int(f["procs"])
            if f.get("first_ts", "").isdigit() and f.get("last_ts", "").isdigit():
                span = (int(f["last_ts"]) - int(f["first_ts"])) / 1e9
                row["events_per_s"] = int(s.get("events", 0) / span) if span > 0 else None
        else:
            row["burst_cycles"] = int(f["burst_cycles"])
        rows.append(row)
    return rows


def scale(runs):
    out = {}
    for cfg in ("scale_bare", "scale_trace_fentry"):
        steps = {}
        for r in runs:
            if r["config"] != cfg or r["status"] != "0":
                continue
            st = steps.setdefault(int(r["live"]), {"ns": []})
            st["ns"].append(int(r["ns_per_cycle"]))
            for k in ("parent_rss_kb", "parent_bpf_memlock"):
                if k in r:
                    st[k] = int(r[k])
        out[cfg] = {live: {"min_ns": min(v["ns"]), "median_ns": int(statistics.median(v["ns"])),
                           **{k: v[k] for k in v if k != "ns"}}
                    for live, v in sorted(steps.items())}
    res = {"steps": out}
    tr, bare = out.get("scale_trace_fentry", {}), out.get("scale_bare", {})
    lives = sorted(tr)
    if len(lives) >= 2:
        lo, hi = lives[0], lives[-1]
        res["trace_cost_change_pct"] = round(100.0 * (tr[hi]["min_ns"] - tr[lo]["min_ns"]) /
                                             tr[lo]["min_ns"], 2)
        if lo in bare and hi in bare:
            o_lo = tr[lo]["min_ns"] - bare[lo]["min_ns"]
            o_hi = tr[hi]["min_ns"] - bare[hi]["min_ns"]
            res["overhead_ns"] = {"low": o_lo, "high": o_hi}
        if "parent_rss_kb" in tr[hi] and "parent_rss_kb" in tr[lo] and hi > lo:
            # Devices and vdevices: two live objects per step of the workload.
            objs = 2 * (hi - lo)
            res["user_bytes_per_object"] = round(
                (tr[hi]["parent_rss_kb"] - tr[lo]["parent_rss_kb"]) * 1024 / objs, 1)
            res["bpf_bytes_per_object"] = round(
                (tr[hi]["parent_bpf_memlock"] - tr[lo]["parent_bpf_memlock"]) / objs, 1)
            res["bpf_memlock_bytes"] = tr[hi]["parent_bpf_memlock"]
    return res


def ps_scale(other):
    """ps time by objects alive: min and median, per object added, and a
    least-squares line through every run: a fixed cost (loading and
    verifying the iterator, seconds under TCG) plus a cost per object."""
    steps = {}
    for name, rest in other:
        f = fields(rest)
        if name == "ps_scale" and f.get("status") == "0":
            steps.setdefault(int(f["objects"]), []).append(int(f["ns"]))
    out = {n: {"runs": len(v), "min_ns": min(v),
               "median_ns": int(statistics.median(v))}
           for n, v in sorted(steps.items())}
    res = {"steps": out}
    big = [n for n in out if n >= 1000]
    if len(big) >= 2:
        # Linear: the time per object added stays the same.
        res["ns_per_object_added"] = {
            f"{a}-{b}": int((out[b]["min_ns"] - out[a]["min_ns"]) / (b - a))
            for a, b in zip(big, big[1:])}
    pts = [(n, t) for n, v in steps.items() for t in v]
    if len(out) >= 2:
        xm = statistics.mean(x for x, _ in pts)
        ym = statistics.mean(y for _, y in pts)
        slope = (sum((x - xm) * (y - ym) for x, y in pts) /
                 sum((x - xm) ** 2 for x, _ in pts))
        fixed = ym - slope * xm
        res["fit"] = {"fixed_ns": int(fixed), "ns_per_object": round(slope, 1)}
        for n, s in out.items():
            s["fit_ns"] = int(fixed + slope * n)
    return res


def fmt_ns(v):
    return "-" if v is None else f"{v / 1000:.1f}"


METRIC_TITLES = {
    "cpu": "the workload's CPU time, with the BPF programs in its syscalls "
           "(what the targets judge)",
    "tracer_cpu": "its parent's CPU time: the tracer's user space",
    "wall": "wall time: both, on the guest's one vCPU",
}


def text_report(meta, table, rat, progs, cap, sc, ps, host, errors):
    out = [f"iommufd-trace benchmark, {meta.get('date', '?')}",
           f"machine: {meta.get('machine', '?')}",
           f"kernel:  {meta.get('kernel', '?')}",
           "TCG timings are emulated: only ratios within this one run compare.",
           f"guest clock: {meta['clock']} (a guest ns is an emulated instruction)"
           if meta.get("clock") else "guest clock: real time", ""]
    for mode in MODES:
        for metric, title in METRIC_TITLES.items():
            rows = table[metric].get(mode, {})
            if not rows:
                continue
            out.append(f"workload -m {mode}, {title}: us per cycle (runs, min, median, "
                       "spread), overhead vs bare (median and range of paired rounds)")
            for cfg in CONFIGS:
                r = rows.get(cfg)
                if not r:
                    continue
                extra = ""
                if "overhead_median_ns" in r:
                    lo, hi = r["overhead_range_ns"]
                    pct = r["overhead_pct"]
                    extra = (f"  +{fmt_ns(r['overhead_median_ns'])} us"
                             f"{'' if pct is None else f' ({pct}%)'}"
                             f" [{fmt_ns(lo)}, {fmt_ns(hi)}]")
                out.append(f"  {cfg:14} {r['runs']:3} {fmt_ns(r['min_ns']):>9} "
                           f"{fmt_ns(r['median_ns']):>9} {r['spread_pct']:5.1f}%{extra}")
            if metric != "tracer_cpu":
                out.append("  ratios: " + ", ".join(
                    f"{k} {v}" for k, v in rat[metric].get(mode, {}).items()))
            out.append("")
    for cfg, progs_of in progs.items():
        out.append(f"programs of {cfg} (bpf_stats, one run of workload -m vdev): "
                   "runs, ns per run")
        for name, p in sorted(progs_of.items()):
            out.append(f"  {name:28} {p['runs']:7} {p['ns_per_run']:9}")
        out.append("")
    if cap:
        out.append("capacity (fentry, default ring; workloads in parallel):")
        for c in cap:
            what = (f"{c['procs']} procs: {c.get('events_per_s')} events/s"
                    if c["kind"] == "capacity" else
                    f"tracer stopped over {c['burst_cycles']} cycles")
            out.append(f"  {what}, {c['events']} events, {c['lost']} lost, "
                       f"verdict {c['verdict']}, exit {c['status']}")
        out.append("")
    if any(sc.get("steps", {}).values()):
        out.append("scale (workload -m vdev, live devices each with a vdevice):")
        for cfg, steps in sc["steps"].items():
            for live, s in steps.items():
                mem = (f"  tracer RSS {s['parent_rss_kb']} kB, BPF maps {s['parent_bpf_memlock']} B"
                       if "parent_rss_kb" in s else "")
                out.append(f"  {cfg:19} live {live:>7}: min {fmt_ns(s['min_ns'])} us, "
                           f"median {fmt_ns(s['median_ns'])} us{mem}")
        for k in ("trace_cost_change_pct", "overhead_ns", "user_bytes_per_object",
                  "bpf_bytes_per_object"):
            if k in sc:
                out.append(f"  {k}: {sc[k]}")
        out.append("")
    if ps.get("steps"):
        out.append("ps (one context of ioas objects): ms per run (runs, min, median, "
                   "least-squares line)")
        for n, s in ps["steps"].items():
            fit = f" {s['fit_ns'] / 1e6:9.1f}" if "fit_ns" in s else ""
            out.append(f"  objects {n:>7}: {s['runs']} {s['min_ns'] / 1e6:9.1f} "
                       f"{s['median_ns'] / 1e6:9.1f}{fit}")
        if "fit" in ps:
            out.append(f"  line: {ps['fit']['fixed_ns'] / 1e6:.1f} ms fixed + "
                       f"{ps['fit']['ns_per_object']} ns per object")
        if "ns_per_object_added" in ps:
            out.append(f"  ns_per_object_added: {ps['ns_per_object_added']}")
        out.append("")
    if host:
        out.append("checker alone on the host (no VM):")
        for k, v in host.items():
            if not isinstance(v, dict):
                out.append(f"  {k}: {v}")
            else:
                # Each run's figures are in the JSON; the table has the best.
                out.append(f"  {k}: " + ", ".join(f"{a} {b}" for a, b in v.items()
                                                  if a not in ("runs", "command")))
        out.append("")
    for e in errors:
        out.append(f"error: {e}")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    vm_log, host_json, out_txt, out_json = sys.argv[1:5]
    meta = dict(a.split("=", 1) for a in sys.argv[5:])
    runs, errors, other = parse(vm_log)
    host = {}
    try:
        if host_json != "-":	# "-": the run had no host part
            with open(host_json) as f:
                host = json.load(f)
    except (OSError, ValueError) as e:
        errors.append(f"host figures: {e}")
    table = timing_table(runs)
    # What the last traced runs concluded: the rows traced a working kernel.
    last_runs = {name: rest for name, rest in other
                 if name in ("trace_summary", "bpftrace_orphan_lines",
                             "ps_summary")}
    result = {"meta": meta, "timing": table,
              "ratios": {m: ratios(t) for m, t in table.items() if m != "tracer_cpu"},
              "programs": progstat(other),
              "last_runs": last_runs,
              "capacity": capacity(other), "scale": scale(runs),
              "ps": ps_scale(other), "host": host, "errors": errors}
    with open(out_json, "w") as f:
        json.dump(result, f, indent=1)
    text = text_report(meta, table, result["ratios"], result["programs"], result["capacity"],
                       result["scale"], result["ps"], host, errors)
    text += "".join(f"last run: {k} {v}\n" for k, v in last_runs.items())
    with open(out_txt, "w") as f:
        f.write(text)
    sys.stdout.write(text)
    # What ran: all of it, unless the run was narrowed (run.sh).
    configs = meta.get("configs", "bare floor_kprobe floor_fentry "
                       "trace_kprobe trace_fentry").split()
    modes = meta.get("modes", " ".join(MODES)).split()
    parts = meta.get("parts", "timing capacity ps scale").split()
    complete = ("timing" not in parts or
                all(table["wall"].get(m, {}).get(c) for m in modes for c in configs
                    if c != "bpftrace"))
    complete &= "programs" not in parts or bool(result["programs"])
    complete &= "capacity" not in parts or bool(result["capacity"])
    complete &= "ps" not in parts or bool(result["ps"]["steps"])
    sys.exit(0 if complete and not errors else 1)


if __name__ == "__main__":
    main()
