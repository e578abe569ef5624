#!/usr/bin/env python3
"""Summarise a compare.sh results folder (standard library only).

    python3 compare.py RESULTS_DIR            one Markdown table: each metric,
                                              medians, ratios, targets (issue 5)
    python3 compare.py --details RESULTS_DIR  every metric of every config and
                                              executor: median [min-max], runs

Reads RESULTS_DIR/<config>__<exec>.jsonl (one JSON line per run, written by
compare.sh), floor.jsonl (the C++ ring floor) and versions.txt. Warm-up runs
and failed runs (rc != 0, or no JSON from the binary) are left out.
"""
import glob
import json
import os
import statistics
import sys

EXECS = ["pollscope", "book", "tokio-ct"]

# (label, pollscope config, book/tokio config, metric, target)
# target: None, ("ratio", "book", x) = pollscope/book <= x,
#         ("max", x) = pollscope <= x, ("min", x) = pollscope >= x.
ROWS = [
    ("yield 10000×100: ns/poll, events off", "yield_10000x100", "yield_10000x100", "ns_per_poll",
     ("ratio", "book", 0.25)),
    ("yield 10000×100: ns/poll, every event logged + drained¹", "yield-events_10000x100", "yield_10000x100",
     "ns_per_poll", ("ratio", "book", 1.0)),
    ("yield 10000×100: events per poll", "yield-events_10000x100", None, "events_per_poll", None),
    ("yield 10000×100: ns/poll, events off, --queue-policy notified", "yield-notified_10000x100",
     "yield_10000x100", "ns_per_poll", None),
    ("yield 10000×100: ns/poll, events off, --queue-policy local", "yield-local_10000x100",
     "yield_10000x100", "ns_per_poll", ("ratio", "book", 0.25)),
    ("yield 10000×100: ns/poll, events off, --queue-policy local (vs tokio)", "yield-local_10000x100",
     "yield_10000x100", "ns_per_poll", ("ratio", "tokio-ct", 0.3)),
    ("yield 1000×1000: ns/poll, events off", "yield_1000x1000", "yield_1000x1000", "ns_per_poll",
     ("ratio", "book", 0.25)),
    ("yield 1000×1000: ns/poll, every event logged + drained¹", "yield-events_1000x1000", "yield_1000x1000",
     "ns_per_poll", ("ratio", "book", 1.0)),
    ("yield 10000×1000: CPU ns/poll (process user+sys ÷ polls)²", "yield_10000x1000", "yield_10000x1000",
     "proc_cpu_ns_per_poll", None),
    ("spawn 1M: ns/task", "spawn_1000000", "spawn_1000000", "ns_per_task", ("ratio", "book", 0.5)),
    ("spawn 1M: CPU ns/task (process user+sys ÷ tasks)²", "spawn_1000000", "spawn_1000000", "proc_cpu_ns_per_task",
     None),
    ("spawn 1M: peak RSS MiB", "spawn_1000000", "spawn_1000000", "rss_mib", ("ratio", "book", 2.0)),
    ("spawn 1M: ns/task, --queue-policy local", "spawn-local_1000000", "spawn_1000000", "ns_per_task",
     ("ratio", "book", 0.5)),
    ("spawn 1M: peak RSS MiB, --queue-policy local", "spawn-local_1000000", "spawn_1000000", "rss_mib",
     ("ratio", "book", 2.0)),
    ("spawn 1M: ns/task, every event logged + drained¹", "spawn-events_1000000", "spawn_1000000", "ns_per_task",
     None),
    ("timers 1000×100 ms: wall ms", "timers_1000x100", "timers_1000x100", "wall_ms", None),
    ("timers 1000×100 ms: overshoot ms", "timers_1000x100", "timers_1000x100", "overshoot_ms", None),
    ("timers 1000×100 ms: arm ramp ms", "timers_1000x100", "timers_1000x100", "arm_ramp_ms", None),
    ("timers 1000×100 ms: peak RSS MiB", "timers_1000x100", "timers_1000x100", "rss_mib", None),
    ("timers 1000×100 ms: peak timer threads", "timers_1000x100", None, "peak_timer_threads", None),
    ("timers 10000×100 ms: wall ms", "timers_10000x100", "timers_10000x100", "wall_ms", None),
    ("timers 10000×100 ms: overshoot ms", "timers_10000x100", "timers_10000x100", "overshoot_ms", None),
    ("timers 10000×100 ms: arm ramp ms", "timers_10000x100", "timers_10000x100", "arm_ramp_ms", None),
    ("timers 10000×100 ms: peak RSS MiB", "timers_10000x100", "timers_10000x100", "rss_mib", None),
    ("timers 10000×100 ms: peak timer threads", "timers_10000x100", None, "peak_timer_threads", None),
    ("timers 10000×100 ms: wall ms, --timer-policy timer-thread", "timers-driver_10000x100",
     "timers_10000x100", "wall_ms", ("max", 105.0)),
    ("timers 10000×100 ms: wall ms, --timer-policy timer-thread (vs tokio)", "timers-driver_10000x100",
     "timers_10000x100", "wall_ms", ("ratio", "tokio-ct", 1.0)),
    ("timers 10000×100 ms: arm ramp ms, --timer-policy timer-thread", "timers-driver_10000x100",
     "timers_10000x100", "arm_ramp_ms", None),
    ("timers 10000×100 ms: peak RSS MiB, --timer-policy timer-thread (vs tokio)", "timers-driver_10000x100",
     "timers_10000x100", "rss_mib", ("ratio", "tokio-ct", 1.0)),
    ("timers 10000×100 ms: peak timer threads, --timer-policy timer-thread", "timers-driver_10000x100", None,
     "peak_timer_threads", None),
    ("latency 1000×1 ms: lateness p50 µs", "latency_1000x1", "latency_1000x1", "late_us_p50",
     ("ratio", "book", 1.0)),
    ("latency 1000×1 ms: lateness p50 µs, --timer-policy timer-thread", "latency-driver_1000x1", "latency_1000x1",
     "late_us_p50", ("ratio", "book", 1.0)),
    ("latency 1000×1 ms: lateness p99 µs", "latency_1000x1", "latency_1000x1", "late_us_p99", None),
    ("log: append ns/event, 1 producer", "log", None, "append_ns_1p", ("max", 5.0)),
    ("log: append ns/event, 3 producers", "log", None, "append_ns_3p", ("max", 30.0)),
    ("log: emit ns/event (clock + lane + append), 1 thread", "log", None, "emit_ns_1p", None),
    ("floor: one uncontended atomic fetch_add, ns", "log", None, "rmw_ns", None),
    ("floor: one read of the runtime clock, ns", "log", None, "clock_read_ns", None),
    ("log: drain + fold, M events/s", "log", None, "fold_mevents_per_s", ("min", 20.0)),
    ("reset 1000 waiting timer threads: TimerThreads::shutdown ms", "reset_1000", None, "shutdown_ms",
     ("max", 200.0)),
    ("reset 1000 waiting timer threads: Controller::reset ms", "reset_1000", None, "controller_ms",
     ("max", 200.0)),
]


def read_jsonl(path):
    out = []
    with open(path) as f:
        for line in f:
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def load(d):
    """{(config, exec): {"ok": [records], "failed": n}}"""
    runs = {}
    for path in sorted(glob.glob(os.path.join(d, "*__*.jsonl"))):
        config, exec_label = os.path.basename(path)[: -len(".jsonl")].split("__", 1)
        e = runs.setdefault((config, exec_label), {"ok": [], "failed": 0})
        for r in read_jsonl(path):
            if r.get("warmup"):
                continue
            if r.get("rc", 0) != 0 or "workload" not in r:
                e["failed"] += 1
                continue
            if "vm_hwm_kb" in r:
                r["rss_mib"] = r["vm_hwm_kb"] / 1024
            if "fold_events_per_s" in r:
                r["fold_mevents_per_s"] = r["fold_events_per_s"] / 1e6
            if "proc_user_s" in r:
                r["proc_cpu_ms"] = (r["proc_user_s"] + r["proc_sys_s"]) * 1000
                if r.get("workload") == "yield" and r.get("polls_expected"):
                    r["proc_cpu_ns_per_poll"] = r["proc_cpu_ms"] * 1e6 / r["polls_expected"]
                if r.get("workload") == "spawn" and r.get("n"):
                    r["proc_cpu_ns_per_task"] = r["proc_cpu_ms"] * 1e6 / r["n"]
            e["ok"].append(r)
    return runs


def machine(d):
    p = os.path.join(d, "versions.txt")
    if not os.path.exists(p):
        return {}
    return dict(l.rstrip("\n").split(": ", 1) for l in open(p) if ": " in l)


def median_of(runs, config, exec_label, metric):
    e = runs.get((config, exec_label))
    if not e:
        return None
    vals = [r[metric] for r in e["ok"] if isinstance(r.get(metric), (int, float))]
    return statistics.median(vals) if vals else None


def fmt(x):
    if x is None:
        return "—"
    a = abs(x)
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def fmt_ratio(p, other):
    if p is None or other is None or other == 0:
        return "—"
    return f"{p / other:.2f}×"


def verdict(target, p, book, tokio=None):
    if target is None or p is None:
        return "", ""
    if target[0] == "ratio":
        limit, other = target[2], (tokio if target[1] == "tokio-ct" else book)
        if other is None:
            return f"≤ {limit}× {target[1]}", "?"
        return f"≤ {limit}× {target[1]}", "met" if p / other <= limit else "**missed**"
    if target[0] == "max":
        return f"≤ {fmt(target[1])}", "met" if p <= target[1] else "**missed**"
    return f"≥ {fmt(target[1])}", "met" if p >= target[1] else "**missed**"


def floor_ns(d, mode="virtual"):
    """The anchor's ring floor (mode virtual) or coro_floor.cpp's (mode coroutine)."""
    p = os.path.join(d, "floor.jsonl")
    if not os.path.exists(p):
        return None
    vals = [r["ns_per_iter_median"] for r in read_jsonl(p) if not r.get("warmup") and r.get("mode") == mode]
    return statistics.median(vals) if vals else None


def table(d):
    runs = load(d)
    m = machine(d)
    counted = {k: len(v["ok"]) for k, v in runs.items()}
    failed = sum(v["failed"] for v in runs.values())
    print(f"Measured {m.get('date_utc', '?')} on {m.get('cores', '?')} cores ({m.get('cpu', '?')}), "
          f"{m.get('kernel', '?')}; {m.get('cxx', '')}; {m.get('rustc', '')}. "
          f"Load average before/after: {m.get('load_before', '?')} / {m.get('load_after', '?')}. "
          f"Medians over {m.get('runs', '?')} interleaved runs per executor "
          f"(counted runs per config: {min(counted.values(), default=0)}–{max(counted.values(), default=0)}"
          f"{', ' + str(failed) + ' failed' if failed else ''}).\n")
    print("| metric | pollscope | book | tokio-ct | pollscope/book | pollscope/tokio | target | |")
    print("|---|---|---|---|---|---|---|---|")
    for label, ps_cfg, other_cfg, metric, target in ROWS:
        p = median_of(runs, ps_cfg, "pollscope", metric)
        if p is None:
            continue
        b = median_of(runs, other_cfg, "book", metric) if other_cfg else None
        t = median_of(runs, other_cfg, "tokio-ct", metric) if other_cfg else None
        tgt, ok = verdict(target, p, b, t)
        print(f"| {label} | {fmt(p)} | {fmt(b)} | {fmt(t)} | {fmt_ratio(p, b)} | {fmt_ratio(p, t)} | {tgt} | {ok} |")
    fl = floor_ns(d)
    print()
    print("¹ book and tokio-ct log nothing: their column is their events-off figure.")
    print("² CPU time from GNU time (10 ms resolution) for the whole process, start-up included: "
          "steadier than wall time when other work shares the cores.")
    if fl is not None:
        print(f"C++ floor (anchor's cpp/ring.cpp, pop + virtual call + re-push, 10000×100): {fl:.2f} ns/poll.")
    cf = floor_ns(d, "coroutine")
    if cf is not None:
        book = median_of(runs, "yield_10000x100", "book", "ns_per_poll")
        tokio = median_of(runs, "yield_10000x100", "tokio-ct", "ns_per_poll")
        vs = "".join(f", {fmt_ratio(cf, o)} {name}" for name, o in (("book", book), ("tokio-ct", tokio)) if o)
        print(f"Coroutine floor (tests/bench/coro_floor.cpp: bare coroutine handles in a ring, resume + "
              f"re-push, frames made in the timing, 10000×100): {cf:.2f} ns/poll{vs}: the least any "
              f"executor of C++20 coroutine tasks can do per poll here.")


def details(d):
    runs = load(d)
    print(f"# pollscope-bench vs Rust anchors: {os.path.normpath(d)}\n")
    for k, v in machine(d).items():
        print(f"- {k}: {v}")
    print("\nEvery figure: median [min–max] over the counted (non-warm-up) runs.\n")
    skip = {"run", "rc", "n", "k", "d_ms", "reps", "m", "timers", "polls", "polls_expected"}
    for (config, exec_label), e in sorted(runs.items()):
        print(f"## {config} — {exec_label} ({len(e['ok'])} runs" + (f", {e['failed']} failed" if e["failed"] else "")
              + ")\n")
        if not e["ok"]:
            print("no successful run\n")
            continue
        keys = sorted({k for r in e["ok"] for k, val in r.items()
                       if isinstance(val, (int, float)) and not isinstance(val, bool) and k not in skip})
        print("| metric | median [min–max] |\n|---|---|")
        for k in keys:
            vals = sorted(r[k] for r in e["ok"] if k in r)
            print(f"| {k} | {fmt(statistics.median(vals))} [{fmt(vals[0])}–{fmt(vals[-1])}] |")
        print()
    fl = floor_ns(d)
    if fl is not None:
        print(f"C++ floor (ring 10000 100, virtual call): {fl:.2f} ns/poll\n")
    cf = floor_ns(d, "coroutine")
    if cf is not None:
        print(f"Coroutine floor (coro_floor 10000 100): {cf:.2f} ns/poll\n")


def main(argv):
    want_details = "--details" in argv
    dirs = [a for a in argv if a != "--details"]
    if len(dirs) != 1 or dirs[0].startswith("-"):
        sys.exit(__doc__)
    (details if want_details else table)(dirs[0])


if __name__ == "__main__":
    main(sys.argv[1:])
