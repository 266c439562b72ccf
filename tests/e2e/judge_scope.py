#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge check's scope, end and tests in a log of guest-plan.sh: the runs
of guest-scope.sh, and the plan's selftest runs next to the neighbour.

check_e2e.py calls judge(j, variant, runs), with j its Judge and runs its
parse()'s.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from check_e2e import (TOMBSTONE, VIRT_ID, events, findings,  # noqa: E402
                       summary, totals)
from kunit_parse import kunit_parse  # noqa: E402

# The fixture that closes /dev/iommu with a vdevice alive: an orphan at teardown.
NESTED_IOPF = "iommufd_viommu.mock_viommu.viommu_alloc_nested_iopf"
NEIGHBOUR_VIRT_ID = 0x4e
HANDED_VIRT_ID, SERVER_OWN_VIRT_ID, GC_VIRT_ID = 0x48, 0x4f, 0x47
# From the command's exit to the tool's last word on it (its report is
# complete), at most: the tool waits 0.5 s for the contexts and 2 s for the
# ring buffer at most, and takes ~0.1 s when nothing is left to wait for.
PROMPT_S = 10.0
# From the command's exit, or its kill, to the tool's exit, at most: a hang.
# Detaching the probes is the kernel's work, and TCG's: ~1.5 s in the x86
# VM and ~5.5 s in arm64's for the trampolines; 20 kprobes, each of which
# waits for RCU grace periods, once took 8 s in an x86 VM whose host was
# building a kernel on both cores.
END_S = 60.0
# The plan's runs next to the neighbour on every kernel, and guest-scope.sh's,
# which run on unfixed only.
RUNS = ["tomb_fentry", "tomb_kprobe", "neighbour"]
SCOPE_RUNS = ["system_wide", "true_scoped", "true_system_wide", "no_ktap",
              "kworker", "handover", "sigchld", "sig_startup", "sig_forward",
              "passthrough", "live_pid", "live_comm", "ktap"]
# The whole selftest next to the neighbour, where the plan runs it.
FULL = "iommufd_fentry"


def value(run, key):
    """The value of a "key=value" line of the run, or None."""
    for line in run["lines"]:
        if line.startswith(key + "="):
            return line.split("=", 1)[1]
    return None


def traced(run):
    """The events of the kernel: not the snapshot's end, which is the tool's."""
    return [r for r in run["records"] if r.get("ev") not in (None, "snapshot")]


def stderr_has(run, text):
    return any(l.startswith("stderr: ") and text in l for l in run["lines"])


def orphan_ids(run):
    return sorted(f["virt_id"] for f in findings(run, "orphaned_vdevice"))


def alloc_ids(run):
    return {e["virt_id"] for e in events(run, "vdev_alloc")}


def within(j, name, run, key, limit):
    secs = value(run, key)
    j.check(f"{name}: {key} within {limit:.0f} s",
            secs is not None and float(secs) <= limit, f"{key}={secs}")


def prompt(j, name, run, key="after_exit"):
    """The report complete soon after the command, the tool gone in time."""
    if key == "after_exit":
        within(j, name, run, "verdict_after_exit", PROMPT_S)
    within(j, name, run, key, END_S)


def tomb_scoped(j, v, name, run):
    """The command's own orphan (0x99) only, never the neighbour's (0x4e)."""
    s = summary(run)
    j.check(f"{v}: {name}: nothing of the neighbour's kept",
            NEIGHBOUR_VIRT_ID not in alloc_ids(run), str(alloc_ids(run)))
    if v == "unfixed":
        j.check(f"{v}: {name}: exit 1 with the command's orphan alone",
                run["status"] == 1 and orphan_ids(run) == [VIRT_ID],
                f"status {run['status']}, orphans {orphan_ids(run)}")
        j.check(f"{v}: {name}: the orphan names its test",
                [f.get("test") for f in findings(run, "orphaned_vdevice")]
                == [TOMBSTONE], json.dumps(findings(run, "orphaned_vdevice")))
    else:
        j.check(f"{v}: {name}: clean, exit 0", run["status"] == 0 and s
                and s["verdict"] == "clean", f"status {run['status']}, {s}")
    prompt(j, f"{v}: {name}", run)


def judge_system_wide(j, v, runs):
    run = runs["system_wide"]
    j.check(f"{v}: system_wide: sees the neighbour's vdevices",
            NEIGHBOUR_VIRT_ID in alloc_ids(run), str(alloc_ids(run)))
    if v == "unfixed":
        j.check(f"{v}: system_wide: the neighbour's orphans and the command's, exit 1",
                run["status"] == 1 and VIRT_ID in orphan_ids(run)
                and NEIGHBOUR_VIRT_ID in orphan_ids(run), str(orphan_ids(run)))
    prompt(j, f"{v}: system_wide", run)
    run = runs["true_scoped"]
    j.check(f"{v}: true_scoped: no event but the snapshot's end, exit 0",
            run["status"] == 0 and summary(run) and not traced(run),
            f"{run['status']} {summary(run)}")
    prompt(j, f"{v}: true_scoped", run)
    run = runs["true_system_wide"]
    j.check(f"{v}: true_system_wide: the neighbour's events, and an end",
            summary(run) and summary(run)["events"] > 0, str(summary(run)))
    prompt(j, f"{v}: true_system_wide", run)


def judge_no_ktap(j, v, run):
    if v == "unfixed":
        j.check(f"{v}: no_ktap: the orphan has no test when the command prints no KTAP",
                orphan_ids(run) == [VIRT_ID] and
                all("test" not in f for f in findings(run, "orphaned_vdevice")),
                json.dumps(findings(run, "orphaned_vdevice")))
    else:
        j.check(f"{v}: no_ktap: clean", run["status"] == 0, str(run["status"]))


def judge_handover(j, v, runs):
    run = runs["kworker"]
    kw = [e for e in events(run, "ctx_release")
          if e.get("comm", "").startswith("kworker")]
    j.check(f"{v}: kworker: the release in a kworker, after the command, is kept",
            len(kw) == 1 and kw[0]["ictx"] in {e["ictx"] for e in events(run, "bind")},
            json.dumps(events(run, "ctx_release")))
    if v == "unfixed":
        orphans = findings(run, "orphaned_vdevice")
        j.check(f"{v}: kworker: its orphan, found in the kworker",
                orphan_ids(run) == [GC_VIRT_ID]
                and orphans[0].get("comm", "").startswith("kworker"),
                json.dumps(orphans))
    prompt(j, f"{v}: kworker", run)
    run = runs["handover"]
    server = int(value(run, "server_pid") or -1)
    j.check(f"{v}: handover: the other process's events on the command's context are kept",
            any(e.get("pid") == server for e in events(run, "bind"))
            and HANDED_VIRT_ID in alloc_ids(run), json.dumps(events(run, "bind")))
    j.check(f"{v}: handover: not its own context's, nor the neighbour's",
            not alloc_ids(run) & {SERVER_OWN_VIRT_ID, NEIGHBOUR_VIRT_ID},
            str(alloc_ids(run)))
    if v == "unfixed":
        j.check(f"{v}: handover: the orphan made by the other process, exit 1",
                run["status"] == 1 and orphan_ids(run) == [HANDED_VIRT_ID]
                and findings(run, "orphaned_vdevice")[0]["pid"] == server,
                json.dumps(findings(run, "orphaned_vdevice")))


def judge_signals(j, v, runs):
    run = runs["sigchld"]
    j.check(f"{v}: sigchld: SIGCHLD ignored: the command reaped, its status told",
            run["status"] == 0 and stderr_has(run, "sh exited with status 3")
            and summary(run), str(run))
    run = runs["sig_startup"]
    never = run["status"] == 2 and stderr_has(run, "before sleep started")
    passed = run["status"] == 0 and stderr_has(run, "sleep was killed by signal 15")
    j.check(f"{v}: sig_startup: SIGTERM while starting: no command, or it gets the signal",
            (never or passed) and value(run, "sleeping") == "0"
            and float(value(run, "seconds") or 99) <= 60, str(run))
    run = runs["sig_forward"]
    j.check(f"{v}: sig_forward: SIGTERM passed on, the run judged",
            run["status"] == 0 and stderr_has(run, "sleep was killed by signal 15")
            and summary(run), str(run))
    prompt(j, f"{v}: sig_forward", run, "after_kill")
    run = runs["passthrough"]
    j.check(f"{v}: passthrough: the command's stdout byte for byte",
            "out: same" in run["lines"] and run["status"] == 0, str(run))


def judge_live(j, v, runs):
    run = runs["live_pid"]
    target, nb = int(value(run, "target_pid") or -1), int(value(run, "neighbour_pid") or -1)
    evs = traced(run)
    j.check(f"{v}: live_pid: the child it forked, none else",
            len(events(run, "bind")) == 5 and
            all(e.get("pid") not in (target, nb) for e in evs),
            f"target {target}, neighbour {nb}: {[e.get('pid') for e in evs][:20]}")
    run = runs["live_comm"]
    evs = traced(run)
    j.check(f"{v}: live_comm: tasks of that name, none else",
            len(events(run, "bind")) == 5 and
            all(e.get("comm") == "nbcomm" for e in evs),
            str({e.get("comm") for e in evs}))
    for name in ("live_pid", "live_comm"):
        want = 5 if v == "unfixed" else 0
        j.check(f"{v}: {name}: {want} orphans", len(orphan_ids(runs[name])) == want,
                str(orphan_ids(runs[name])))


def judge_ktap(j, v, run):
    text = "".join(l[len("ktap: "):] + "\n" for l in run["lines"]
                   if l.startswith("ktap: "))
    parsed = kunit_parse(text)
    if not j.check(f"{v}: ktap: kunit.py parses the report", parsed
                   and parsed["misc"]["errors"] == 0 and parsed["test_cases"],
                   str(parsed and parsed["misc"]) + text[:500]):
        return
    failed = [t["name"] for t in parsed["test_cases"] if t["status"] == "FAIL"]
    want = [NESTED_IOPF, TOMBSTONE] if v == "unfixed" else []
    j.check(f"{v}: ktap: it fails {want or 'nothing'}, exit {1 if want else 0}",
            failed == want and run["status"] == (1 if want else 0),
            f"failed {failed}, status {run['status']}")


def judge_full(j, v, runs):
    run, s = runs[FULL], summary(runs[FULL])
    j.check(f"{v}: {FULL}: the selftest's results pass through",
            totals(run) == ((240, 1) if v == "unfixed" else (241, 0)),
            str(totals(run)))
    j.check(f"{v}: {FULL}: nothing lost, none of the neighbour's",
            s and s["lost"] == 0 and NEIGHBOUR_VIRT_ID not in alloc_ids(run),
            str(s))
    if v == "unfixed":
        fs = findings(run, "orphaned_vdevice") + findings(run, "leaked_object")
        tests = [f.get("test") for f in fs]
        j.check(f"{v}: {FULL}: every finding names its test, exit 1",
                run["status"] == 1 and fs and all(tests), json.dumps(tests))
        j.check(f"{v}: {FULL}: vdevice_tombstone's orphan, and one at a teardown",
                sorted(tests) == sorted([NESTED_IOPF, TOMBSTONE]), json.dumps(fs))
    else:
        j.check(f"{v}: {FULL}: clean, exit 0", run["status"] == 0, str(s))
    prompt(j, f"{v}: {FULL}", run)


def judge_neighbour(j, v, run):
    rounds = [l for l in run["lines"] if l.startswith("neighbour: ")]
    j.check(f"{v}: the neighbour kept going all along",
            rounds and int(rounds[0].split()[1]) > 100, str(rounds))


def judge(j, v, runs):
    want = RUNS + (SCOPE_RUNS if v == "unfixed" else [])
    missing = [n for n in want if n not in runs or not runs[n]["ended"]]
    if not j.check(f"{v}: every scope run finished", not missing,
                   f"missing {missing}"):
        return
    for name in ("tomb_fentry", "tomb_kprobe"):
        tomb_scoped(j, v, name, runs[name])
    if FULL in runs:
        judge_full(j, v, runs)
    judge_neighbour(j, v, runs["neighbour"])
    if v != "unfixed":
        return
    judge_system_wide(j, v, runs)
    judge_no_ktap(j, v, runs["no_ktap"])
    judge_handover(j, v, runs)
    judge_signals(j, v, runs)
    judge_live(j, v, runs)
    judge_ktap(j, v, runs["ktap"])
