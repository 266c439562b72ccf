#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge the output of guest-plan.sh for one kernel variant.

Usage: check_e2e.py ARCH VARIANT LOG (the log of its one boot), with
judge_graph.py and judge_scope.py for the runs of guest-graph.sh and
guest-scope.sh. Prints
"ok NAME" / "FAIL NAME: why" lines and ends with "N passed, N failed";
exits 1 if anything failed.
"""
import json
import os
import re
import sys

TOMBSTONE = "iommufd_viommu.mock_viommu.vdevice_tombstone"
VIRT_ID = 0x99
NEIGHBOUR_VIRT_ID = 0x4e
LOAD_SESSIONS = 4  # guest-plan.sh runs guest-load.sh with this count

# What the selftests give on each kernel (kernel/README.md): failing cases,
# and passed cases where the whole selftest runs.
EXPECTED = {
    ("iommufd", "fixed"): ([], 241),
    ("iommufd", "unfixed"): ([TOMBSTONE], 240),
    ("fail_nth", "fixed"): ([], 8),
    ("fail_nth", "unfixed"): ([], 8),
    ("viommu", "fixed"): ([], None),
    ("viommu", "unfixed"): ([TOMBSTONE], None),
}


def plan(arch, variant):
    """The traced selftest runs guest-plan.sh makes (plan.txt): name ->
    selftest."""
    runs = {}
    with open(os.path.join(os.path.dirname(__file__), "plan.txt")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            a, variants, selftest, mode = line.split()
            if a == arch and variant in variants.split(","):
                runs[f"{selftest}_{mode}"] = selftest
    return runs


def parse(log):
    """Runs by name: status, result lines and JSON records."""
    runs, cur, name, in_json = {}, None, None, False
    for line in log.splitlines():
        m = re.match(r"@@RUN (\S+) trace=(\d+)( seconds=\d+)?$", line)
        if m:
            name = m[1]
            cur = runs[name] = {"status": int(m[2]), "lines": [],
                                "records": [], "ended": False}
            in_json = False
        elif cur is None:
            continue
        elif line == "@@JSON " + name:
            in_json = True
        elif line == "@@END " + name:
            cur["ended"], cur, in_json = True, None, False
        elif in_json:
            cur["records"].append(json.loads(line))
        else:
            cur["lines"].append(line)
    return runs


class Judge:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, cond, why=""):
        if cond:
            self.passed += 1
            print(f"ok {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}: {why}")
        return cond


def failing_cases(run):
    return [l.split()[3] for l in run["lines"] if l.startswith("not ok")]


def totals(run):
    """(passed, failed) of the selftest's "# Totals" line, or None."""
    for l in run["lines"]:
        m = re.match(r"# Totals: pass:(\d+) fail:(\d+)", l)
        if m:
            return int(m[1]), int(m[2])
    return None


def passed_cases(run):
    t = totals(run)
    return t[0] if t else None


def summary(run):
    recs = run["records"]
    return recs[-1].get("summary") if recs else None


def findings(run, kind):
    return [r for r in run["records"] if r.get("finding") == kind]


def events(run, ev):
    return [r for r in run["records"] if r.get("ev") == ev]


def judge_selftests(j, v, runs, selftests):
    shape = "unfixed" if v == "unfixed" else "fixed"
    for name, selftest in selftests.items():
        want_fail, want_pass = EXPECTED[(selftest, shape)]
        run = runs[name]
        got = (failing_cases(run), passed_cases(run))
        j.check(f"{v}: {name}: the selftest fails exactly "
                f"{want_fail or 'nothing'}, as without the tracer",
                got[0] == want_fail and got[1] is not None
                and want_pass in (None, got[1]),
                f"failing {got[0]}, {got[1]} passed (want {want_pass})")


def judge_traced(j, v, runs, selftests):
    for name in selftests:
        run, s = runs[name], summary(runs[name])
        if not j.check(f"{v}: {name}: a summary record ends the report", s,
                       "no summary"):
            continue
        j.check(f"{v}: {name}: nothing lost, nothing untracked",
                s["lost"] == 0 and s["untracked"] == 0, str(s))
        j.check(f"{v}: {name}: no leaked objects",
                s["leaks"] == 0 and not findings(run, "leaked_object"), str(s))
        orphans = findings(run, "orphaned_vdevice")
        if v == "unfixed":
            j.check(f"{v}: {name}: orphans found, exit 1",
                    run["status"] == 1 and s["verdict"] == "findings"
                    and s["orphans"] == len(orphans) > 0,
                    f"status {run['status']}, {s}")
        else:
            j.check(f"{v}: {name}: clean, exit 0",
                    run["status"] == 0 and s["verdict"] == "clean"
                    and s["orphans"] == 0, f"status {run['status']}, {s}")


def judge_orphan(j, name, run):
    binds, allocs = events(run, "bind"), events(run, "vdev_alloc")
    orphans = findings(run, "orphaned_vdevice")
    if not j.check(f"{name}: exactly one orphan, one bind, one vdevice, exit 1",
                   run["status"] == 1 and len(orphans) == len(binds)
                   == len(allocs) == 1,
                   f"status {run['status']}, {len(orphans)} orphans, "
                   f"{len(binds)} binds, {len(allocs)} vdevs"):
        return
    o, b, a = orphans[0], binds[0], allocs[0]
    j.check(f"{name}: the orphan names the vdevice and its device",
            o["vdev"] == a["vdev"] and o["vdev_id"] == a["id"]
            and o["idev"] == b["idev"] and o["idev_id"] == b["id"]
            and o["ictx"] == b["ictx"] == a["ictx"], json.dumps(o))
    j.check(f"{name}: virt_id is 0x99", o.get("virt_id") == VIRT_ID
            and a["virt_id"] == VIRT_ID, json.dumps(o))
    j.check(f"{name}: paired by the struct device (no idev on this kernel)",
            "idev" not in a and a.get("dev") == b.get("dev"), json.dumps(a))
    j.check(f"{name}: the unbind's task and kernel stack",
            o.get("comm") == "iommufd" and o.get("pid", 0) > 0
            and any("iommufd_" in f for f in o.get("stack", [])),
            json.dumps(o))
    later = [e for e in events(run, "vdev_destroy") if e["vdev"] == a["vdev"]]
    j.check(f"{name}: the orphan's later death says how long it was orphaned",
            len(later) == 1 and later[0].get("orphaned_ns", 0) > 0,
            json.dumps(later))


def judge_fixed_order(j, name, run):
    """The fix destroys the vdevice inside the unbind: no orphan."""
    recs = [r for r in run["records"] if "ev" in r]
    order = [r["ev"] for r in recs
             if r["ev"] in ("unbind", "vdev_destroy", "unbind_done")]
    j.check(f"{name}: clean, exit 0", run["status"] == 0
            and summary(run)["verdict"] == "clean",
            f"status {run['status']}, {summary(run)}")
    j.check(f"{name}: the vdevice dies inside the unbind",
            order == ["unbind", "vdev_destroy", "unbind_done"], str(order))
    allocs = events(run, "vdev_alloc")
    j.check(f"{name}: paired by idev (this kernel has vdev->idev)",
            len(allocs) == 1 and allocs[0].get("idev") ==
            events(run, "bind")[0]["idev"], json.dumps(allocs))


def judge_load(j, v, runs):
    """Started and stopped under the neighbour: right each time."""
    for mode in ("fentry", "kprobe"):
        bad = []
        for i in range(1, LOAD_SESSIONS + 1):
            run, s = runs[f"load_{mode}_{i}"], summary(runs[f"load_{mode}_{i}"])
            virt_ids = {o.get("virt_id")
                        for o in findings(run, "orphaned_vdevice")}
            if v == "unfixed":
                right = (run["status"] == 1 and s and s["lost"] == 0
                         and s["orphans"] > 0
                         and virt_ids == {NEIGHBOUR_VIRT_ID})
            else:
                right = (run["status"] == 0 and s and s["lost"] == 0
                         and s["verdict"] == "clean")
            if not right:
                bad.append(f"session {i}: status {run['status']}, {s}, "
                           f"virt_ids {virt_ids}")
        want = "the neighbour's orphans, exit 1" if v == "unfixed" else \
            "clean, exit 0"
        j.check(f"{v}: {LOAD_SESSIONS} {mode} sessions started and stopped "
                f"under load: {want} each time", not bad, "; ".join(bad))


def main():
    # They judge the runs of guest-graph.sh and guest-scope.sh, and use ours.
    import judge_graph
    import judge_scope

    arch, variant = sys.argv[1], sys.argv[2]
    with open(sys.argv[3], errors="replace") as f:
        runs = parse(f.read())
    j = Judge()
    selftests = plan(arch, variant)
    names = list(selftests) + ["tomb_fentry", "tomb_kprobe", "lossy",
                               "no_cmd", "no_btf"]
    # The kernel fix's reproducers run in upstream's boot (guest-plan.sh).
    repros = variant == "upstream"
    if repros:
        names += ["repro_trampoline", "repro_kprobe"]
    names += [f"load_{m}_{i}" for m in ("fentry", "kprobe")
              for i in range(1, LOAD_SESSIONS + 1)]
    if arch == "arm64":
        names.append("not_loaded")
    names += ["neighbour", "graph_ps_empty", "graph_ps_held", "graph_ps_text",
              "graph_trace_held"]
    missing = [n for n in names if n not in runs or not runs[n]["ended"]]
    if j.check(f"{variant}: every run of the plan finished", not missing,
               f"missing {missing}"):
        judge_selftests(j, variant, runs, selftests)
        judge_traced(j, variant, runs, selftests)
        for name in ("tomb_fentry", "tomb_kprobe"):
            if variant == "unfixed":
                judge_orphan(j, f"{variant}: {name}", runs[name])
            else:
                judge_fixed_order(j, f"{variant}: {name}", runs[name])
        s = summary(runs["lossy"])
        j.check(f"{variant}: a flooded one-page ring buffer: losses counted, exit 3",
                runs["lossy"]["status"] == 3 and s and s["lost"] > 0
                and s["verdict"] == "inconclusive",
                f"status {runs['lossy']['status']}, {s}")
        judge_load(j, variant, runs)
        if repros:
            j.check(f"{variant}: BPF trampolines updated 10 times while busy "
                    "tasks enter the function (kernel/repro/attach-load)",
                    runs["repro_trampoline"]["status"] == 0,
                    str(runs["repro_trampoline"]))
            j.check(f"{variant}: an ftrace-based kprobe registered again "
                    "(kernel/repro/kprobe-reregister.sh)",
                    runs["repro_kprobe"]["status"] == 0
                    and any(l.startswith("survived")
                            for l in runs["repro_kprobe"]["lines"]),
                    str(runs["repro_kprobe"]))
        j.check(f"{variant}: a command that cannot run: exit 2 and says so",
                runs["no_cmd"]["status"] == 2
                and any("cannot run /nonexistent/command" in l
                        for l in runs["no_cmd"]["lines"]),
                str(runs["no_cmd"]))
        j.check(f"{variant}: no BTF: exit 2 and says so",
                runs["no_btf"]["status"] == 2
                and any("no BTF" in l for l in runs["no_btf"]["lines"]),
                str(runs["no_btf"]))
        if arch == "arm64":
            j.check(f"{variant}: iommufd module not loaded: exit 2, says "
                    "'modprobe iommufd'", runs["not_loaded"]["status"] == 2
                    and any("modprobe iommufd" in l
                            for l in runs["not_loaded"]["lines"]),
                    str(runs["not_loaded"]))
        judge_graph.judge(j, variant, runs)
        judge_scope.judge(j, variant, runs)
    print(f"{j.passed} passed, {j.failed} failed")
    return 1 if j.failed else 0


if __name__ == "__main__":
    sys.exit(main())
