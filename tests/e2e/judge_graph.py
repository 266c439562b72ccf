#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge the object graph in a log of guest-plan.sh: the runs of
guest-graph.sh (ps, the snapshot at start) and every object type in the
plan's selftest runs.

check_e2e.py calls judge(j, variant, runs), with j its Judge and runs its
parse()'s; it judges the runs that are there (check_e2e.py makes sure the
plan's are) and returns their names.
"""
import json

from check_e2e import findings, events, summary, totals

ORPHAN_VIRT_ID, PAIR_VIRT_ID = 0x51, 0x52
# What the selftests make: every type but device and vdevice goes through
# obj_new/obj_free (fail_nth makes fewer).
NEW_TYPES = ["ioas", "hwpt_paging", "hwpt_nested", "viommu", "veventq",
             "hw_queue", "fault", "access"]
FAIL_NTH_TYPES = ["ioas", "hwpt_paging", "access"]
# (pass, fail): on unfixed, vdevice_tombstone fails by design
SELFTEST_TOTALS = {"iommufd": (241, 0), "fail_nth": (8, 0)}
UNFIXED_TOTALS = {"iommufd": (240, 1), "fail_nth": (8, 0)}
FINDINGS = ("orphaned_vdevice", "outlived_parent", "leaked_object")


def objects(run, kind=None):
    return [r for r in run["records"] if "object" in r
            and (kind is None or r["object"] == kind)]


def judge_ps_empty(j, v, run):
    s = summary(run)
    j.check(f"{v}: ps with no iommufd open: clean, exit 0, no objects",
            run["status"] == 0 and s and s["verdict"] == "clean"
            and s["contexts"] == 0 and not objects(run),
            f"status {run['status']}, {s}")


def judge_ps_held(j, v, run):
    s = summary(run)
    orphans = findings(run, "orphaned_vdevice")
    vdevs = objects(run, "vdevice")
    pair = [o for o in vdevs if o.get("virt_id") == PAIR_VIRT_ID]
    devs = objects(run, "device")
    if not j.check(f"{v}: ps: two contexts, the snapshot taken",
                   s and s["contexts"] == 2 and s["snapshot"] == "taken",
                   str(s)):
        return
    j.check(f"{v}: ps: the healthy pair, its vdevice and device share a dev",
            len(pair) == 1 and any(d.get("dev") == pair[0].get("dev")
                                   for d in devs), json.dumps(vdevs + devs))
    j.check(f"{v}: ps: every object names its context's owner",
            all(o.get("comm") == "neighbour" and o.get("pid", 0) > 0
                for o in objects(run)), json.dumps(objects(run)[:2]))
    if v == "unfixed":
        o = orphans[0] if len(orphans) == 1 else {}
        j.check(f"{v}: ps: the orphan and only it, exit 1",
                run["status"] == 1 and s["orphans"] == 1
                and o.get("virt_id") == ORPHAN_VIRT_ID
                and o.get("in_snapshot") == 1 and "idev" not in o
                and o.get("comm") == "neighbour",
                f"status {run['status']}, {json.dumps(orphans)}")
    else:
        # The fix destroyed the orphan's vdevice with its device.
        j.check(f"{v}: ps: no orphan, exit 0, one vdevice left",
                run["status"] == 0 and s["verdict"] == "clean"
                and not orphans and len(vdevs) == 1,
                f"status {run['status']}, {s}, {json.dumps(vdevs)}")


def judge_ps_text(j, v, run):
    lines = run["lines"]
    heads = [l for l in lines if l.startswith("ictx ")]
    found = [l for l in lines if l.startswith("FINDING orphaned_vdevice")]
    want = 1 if v == "unfixed" else 0
    j.check(f"{v}: ps (text): two context trees, {want} orphan, exit {want}",
            run["status"] == want and len(heads) == 2 and len(found) == want
            and any(l.startswith("verdict: ") for l in lines),
            "\n".join(lines))


def judge_trace_held(j, v, run):
    s = summary(run)
    if not j.check(f"{v}: a tracer started after: a summary ends it",
                   s, "no summary"):
        return
    seen = events(run, "seen")
    j.check(f"{v}: a tracer started after: 0 untracked, the snapshot taken",
            s["untracked"] == 0 and s["snapshot"] == "taken"
            and s["at_start"] == len(seen) > 0 and s["lost"] == 0
            and s["unexpected"] == 0 and s["stale"] == 0, str(s))
    j.check(f"{v}: a tracer started after: what it found all ended",
            s["live"] == 0 and s["leaks"] == 0 and s["outlived"] == 0,
            str(s))
    at_start = [f for f in findings(run, "orphaned_vdevice")
                if f.get("in_snapshot")]
    if v == "unfixed":
        j.check(f"{v}: a tracer started after: the orphan from before it",
                len(at_start) == 1
                and at_start[0].get("virt_id") == ORPHAN_VIRT_ID
                and run["status"] == 1, json.dumps(at_start))
    else:
        j.check(f"{v}: a tracer started after: clean, exit 0",
                run["status"] == 0 and s["verdict"] == "clean", str(s))


def count_by_type(run, ev):
    n = {}
    for r in events(run, ev):
        n[r["type"]] = n.get(r["type"], 0) + 1
    return n


def judge_selftest(j, v, name, run, types, want_totals):
    s = summary(run)
    if not j.check(f"{v}: {name}: a summary ends the report", s, "no summary"):
        return
    new, free = count_by_type(run, "obj_new"), count_by_type(run, "obj_free")
    j.check(f"{v}: {name}: obj_new and obj_free of {', '.join(types)}",
            all(new.get(t, 0) > 0 and free.get(t, 0) >= new[t] for t in types),
            f"new {new}, free {free}")
    j.check(f"{v}: {name}: every object seen ends, each event makes sense",
            s["untracked"] == 0 and s["lost"] == 0 and s["unexpected"] == 0
            and s["stale"] == 0 and s["live"] == 0, str(s))
    j.check(f"{v}: {name}: selftest results as without the tracer",
            totals(run) == want_totals, str(totals(run)))
    j.check(f"{v}: {name}: no outlived parent, no leak",
            s["outlived"] == 0 and s["leaks"] == 0
            and not findings(run, "outlived_parent")
            and not findings(run, "leaked_object"), str(s))
    if v == "unfixed":
        j.check(f"{v}: {name}: orphans only, exit 1 (or none in fail_nth)",
                run["status"] == (1 if s["orphans"] else 0), str(s))
    else:
        j.check(f"{v}: {name}: clean, exit 0",
                run["status"] == 0 and s["verdict"] == "clean"
                and not any(findings(run, f) for f in FINDINGS),
                f"status {run['status']}, {s}")


def judge(j, variant, runs):
    judged = []
    one = {"graph_ps_empty": judge_ps_empty, "graph_ps_held": judge_ps_held,
           "graph_ps_text": judge_ps_text,
           "graph_trace_held": judge_trace_held}
    for name, fn in one.items():
        if name in runs and j.check(f"{variant}: {name} finished",
                                    runs[name]["ended"], "no @@END"):
            fn(j, variant, runs[name])
            judged.append(name)
    # The plan's selftest runs, where it makes them (plan.txt).
    for mode in ("fentry", "kprobe"):
        for test, types in (("iommufd", NEW_TYPES),
                            ("fail_nth", FAIL_NTH_TYPES)):
            name = f"{test}_{mode}"
            if name in runs and j.check(f"{variant}: {name} finished",
                                        runs[name]["ended"], "no @@END"):
                want = (UNFIXED_TOTALS if variant == "unfixed"
                        else SELFTEST_TOTALS)[test]
                judge_selftest(j, variant, name, runs[name], types, want)
                judged.append(name)
    return judged
