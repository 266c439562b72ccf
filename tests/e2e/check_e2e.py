#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge the output of guest-plan.sh for one kernel variant.

Usage: check_e2e.py VARIANT LOG... (one log per boot). Prints "ok NAME" / "FAIL NAME: why" lines
and ends with "N passed, N failed"; exits 1 if anything failed.
"""
import json
import re
import sys

TOMBSTONE = "iommufd_viommu.mock_viommu.vdevice_tombstone"
VIRT_ID = 0x99


def parse(log):
    """Runs by name: status, kind, result lines and JSON records."""
    runs, cur, in_json = {}, None, False
    for line in log.splitlines():
        m = re.match(r"@@RUN (\S+) (trace|bare)=(\d+)$", line)
        if m:
            cur = runs[m[1]] = {"kind": m[2], "status": int(m[3]),
                                "lines": [], "records": [], "ended": False}
            in_json = False
        elif cur is None:
            continue
        elif line == "@@JSON " + next(k for k, v in runs.items() if v is cur):
            in_json = True
        elif line.startswith("@@END "):
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
    for l in run["lines"]:
        m = re.match(r"# Totals: pass:(\d+) fail:(\d+)", l)
        if m:
            return int(m[1]), int(m[2])
    return None


def summary(run):
    recs = run["records"]
    return recs[-1].get("summary") if recs else None


def findings(run, kind):
    return [r for r in run["records"] if r.get("finding") == kind]


def events(run, ev):
    return [r for r in run["records"] if r.get("ev") == ev]


def judge_selftests(j, v, runs):
    bare = runs["iommufd_bare"]
    want_fail = [TOMBSTONE] if v == "unfixed" else []
    j.check(f"{v}: iommufd fails exactly {want_fail or 'nothing'}",
            totals(bare) and failing_cases(bare) == want_fail,
            f"failing {failing_cases(bare)}, totals {totals(bare)}")
    j.check(f"{v}: iommufd_fail_nth passes",
            totals(runs["fail_nth_bare"]) == (8, 0),
            f"totals {totals(runs['fail_nth_bare'])}")
    for traced, bare_name in (("iommufd_traced", "iommufd_bare"),
                              ("fail_nth_traced", "fail_nth_bare")):
        j.check(f"{v}: {traced}: the tracer changes no selftest result",
                failing_cases(runs[traced]) == failing_cases(runs[bare_name])
                and totals(runs[traced]) == totals(runs[bare_name]),
                f"{totals(runs[traced])} vs {totals(runs[bare_name])}")


def judge_full_runs(j, v, runs):
    for name in ("iommufd_traced", "fail_nth_traced"):
        run, s = runs[name], summary(runs[name])
        if not j.check(f"{v}: {name}: a summary record ends the report", s,
                       "no summary"):
            continue
        j.check(f"{v}: {name}: nothing lost, nothing untracked",
                s["lost"] == 0 and s["untracked"] == 0, str(s))
        j.check(f"{v}: {name}: no leaked objects",
                s["leaks"] == 0 and not findings(run, "leaked_object"), str(s))
        if v == "unfixed":
            j.check(f"{v}: {name}: orphans found, exit 1",
                    run["status"] == 1 and s["verdict"] == "findings"
                    and s["orphans"] == len(findings(run, "orphaned_vdevice")) > 0,
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


def main():
    variant, runs = sys.argv[1], {}
    for path in sys.argv[2:]:
        with open(path, errors="replace") as f:
            runs.update(parse(f.read()))
    j = Judge()
    names = ["iommufd_bare", "fail_nth_bare", "iommufd_traced",
             "fail_nth_traced", "tomb_fentry", "tomb_kprobe", "lossy", "no_cmd",
             "no_btf"]
    missing = [n for n in names if n not in runs or not runs[n]["ended"]]
    if j.check(f"{variant}: every run of the plan finished", not missing,
               f"missing {missing}"):
        judge_selftests(j, variant, runs)
        judge_full_runs(j, variant, runs)
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
        j.check(f"{variant}: a command that cannot run: exit 2 and says so",
                runs["no_cmd"]["status"] == 2
                and any("cannot run /nonexistent/command" in l
                        for l in runs["no_cmd"]["lines"]),
                str(runs["no_cmd"]))
        j.check(f"{variant}: no BTF: exit 2 and says so",
                runs["no_btf"]["status"] == 2
                and any("no BTF" in l for l in runs["no_btf"]["lines"]),
                str(runs["no_btf"]))
    print(f"{j.passed} passed, {j.failed} failed")
    return 1 if j.failed else 0


if __name__ == "__main__":
    sys.exit(main())
