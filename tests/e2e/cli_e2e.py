#!/usr/bin/env python3
"""The command line's bad input, output failures and signals, without a window.

  cli_e2e.py APP

Each bad option must exit 2 with a message naming it (never run, never wrap
silently); a run whose standard output is /dev/full must fail with a message,
as `--events /dev/full` does; SIGINT and SIGTERM stop a headless run cleanly
(exit 128 + the signal, the --events file complete up to executor_done).
Compare mode runs both sides in child processes of the real binary: the
lessons' tables show what each lesson teaches, --metrics-json - prints the
JSON alone, and compare's bad input exits 2.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile

TIMEOUT_S = 60

BAD = [
    # (arguments, a word the message must contain)
    (["--seed", "-1"], "--seed"),
    (["--seed", "1e23"], "--seed"),
    (["--seed", "18446744073709551616"], "--seed"),
    (["--seed", ""], "--seed"),
    (["--time-scale", "nan"], "--time-scale"),
    (["--time-scale", "inf"], "--time-scale"),
    (["--events", ""], "--events"),
    (["--capacity", "-1"], "--capacity"),
    (["--count", "0"], "--count"),
    (["--scenario", "no-such-scenario"], "no-such-scenario"),
    (["--compare", "fifo"], "--compare"),
    (["--compare", "book"], "--compare"),  # side B the same as side A
    (["--scenario", "lesson-double-wake", "--record", "-"], "--record"),  # a file per side
    (["--compare", "notified", "--events", "-"], "--events"),
    (["--compare", "notified", "--metrics-json", "m.json"], "--metrics-json"),
    (["--scenario", "three-timers", "--compare", "timer-thread", "--deliver", "1"], "--deliver"),
    (["--metrics-json", ""], "--metrics-json"),
]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def headless(app, *args):
    return [app, "--headless", "--clock", "virtual", "--quiet", *args]


def bad_input(app):
    for args, word in BAD:
        p = subprocess.run(headless(app, *args), capture_output=True, text=True,
                           timeout=TIMEOUT_S)
        if p.returncode != 2:
            fail("%s: exit %d, not 2\nstdout: %s\nstderr: %s" % (args, p.returncode, p.stdout,
                                                                  p.stderr))
        if word not in p.stderr:
            fail("%s: the message does not name %s:\n%s" % (args, word, p.stderr))
        if "OUTPUT" in p.stdout:
            fail("%s: the scenario ran anyway" % args)
        print("ok: %s -> exit 2: %s" % (args, p.stderr.splitlines()[0]))
    # The largest seed is still a seed.
    p = subprocess.run(headless(app, "--scenario", "random-timers", "--count", "1", "--seed",
                                "18446744073709551615"), capture_output=True, text=True,
                       timeout=TIMEOUT_S)
    if p.returncode != 0:
        fail("--seed 2^64-1 was refused: %s" % p.stderr)


def full_stdout(app):
    with open("/dev/full", "w") as full:
        p = subprocess.run(headless(app), stdout=full, stderr=subprocess.PIPE, text=True,
                           timeout=TIMEOUT_S)
    if p.returncode == 0 or "standard output" not in p.stderr:
        fail("stdout on /dev/full: exit %d, stderr %r" % (p.returncode, p.stderr))
    print("ok: stdout on /dev/full -> exit %d: %s" % (p.returncode, p.stderr.strip()))


def signals(app, outdir):
    for sig in (signal.SIGINT, signal.SIGTERM):
        events = os.path.join(outdir, "signal-%d.jsonl" % sig)
        # The real clock: hello-world waits 2 s for its timer; the signal comes first.
        p = subprocess.Popen([app, "--headless", "--events", events], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        # Wait for the timer thread to be waiting (the timeline is flushed line
        # by line), so the signal lands mid-run.
        for line in p.stdout:
            if "thread waiting until" in line:
                break
        else:
            fail("signal %d: the run ended before its timer thread waited" % sig)
        p.send_signal(sig)
        try:
            out, err = p.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            p.kill()
            fail("signal %d: the run did not stop" % sig)
        if p.returncode != 128 + sig:
            fail("signal %d: exit %d, not %d\n%s" % (sig, p.returncode, 128 + sig, err))
        kinds = [json.loads(line)["kind"] for line in open(events)]
        # Complete: the executor's last word is there, and every timer
        # thread that started also exited (their exits may come after
        # executor_done: the threads are joined after run() returns).
        if "executor_done" not in kinds:
            fail("signal %d: the events file has no executor_done: %s" % (sig, kinds[-3:]))
        tail = kinds[kinds.index("executor_done") + 1:]
        if any(k != "timer_thread_exited" for k in tail):
            fail("signal %d: events after executor_done other than timer exits: %s" % (sig, tail))
        if kinds.count("timer_thread_started") != kinds.count("timer_thread_exited"):
            fail("signal %d: a timer thread's exit is missing: %s" % (sig, kinds[-3:]))
        print("ok: signal %d -> exit %d, %d events, %s" % (sig, p.returncode, len(kinds),
                                                          err.strip()))


def table_row(out, label):
    """The A and B cells of a compare table's row (cells are separated by two spaces)."""
    for line in out.splitlines():
        if line.startswith(label + "  "):
            cells = [c.strip() for c in line[len(label):].split("  ") if c.strip()]
            return cells[0], cells[1]
    fail("no row %r in:\n%s" % (label, out))


def compare(app):
    # The lessons: each table shows the difference its lesson teaches.
    p = subprocess.run([app, "--headless", "--scenario", "lesson-double-wake"],
                       capture_output=True, text=True, timeout=TIMEOUT_S)
    if p.returncode != 0:
        fail("lesson-double-wake: exit %d\n%s%s" % (p.returncode, p.stdout, p.stderr))
    if "A: book, thread-per-timer" not in p.stdout or "B: notified, thread-per-timer" not in p.stdout:
        fail("lesson-double-wake: the columns do not name their policies:\n" + p.stdout)
    if table_row(p.stdout, "duplicate entries") != ("1", "0"):
        fail("lesson-double-wake: duplicates %s, not 1 vs 0" % (table_row(p.stdout, "duplicate entries"),))
    print("ok: lesson-double-wake: duplicate entries 1 vs 0")
    p = subprocess.run([app, "--headless", "--scenario", "lesson-yielders", "--lint"],
                       capture_output=True, text=True, timeout=TIMEOUT_S)
    if p.returncode != 3:  # the self-wake lint fires on both sides
        fail("lesson-yielders --lint: exit %d, not 3\n%s" % (p.returncode, p.stderr))
    if (table_row(p.stdout, "wakes into the channel") != ("21", "1") or
            table_row(p.stdout, "wakes into the local queue") != ("0", "20")):
        fail("lesson-yielders: the wakes did not go where the lesson says:\n" + p.stdout)
    print("ok: lesson-yielders: 21/0 vs 1/20 wakes into the channel/local queue")
    # --compare given explicitly, with the timer policies.
    p = subprocess.run(headless(app, "--scenario", "three-timers", "--compare", "timer-thread"),
                       capture_output=True, text=True, timeout=TIMEOUT_S)
    if p.returncode != 0 or table_row(p.stdout, "peak timer threads") != ("3", "1"):
        fail("three-timers --compare timer-thread: exit %d\n%s" % (p.returncode, p.stdout))
    print("ok: three-timers: peak timer threads 3 vs 1")
    # The JSON alone on stdout.
    p = subprocess.run(headless(app, "--scenario", "double-wake", "--metrics-json", "-"),
                       capture_output=True, text=True, timeout=TIMEOUT_S)
    if p.returncode != 0 or len(p.stdout.splitlines()) != 1:
        fail("--metrics-json -: exit %d, stdout %r" % (p.returncode, p.stdout))
    metrics = json.loads(p.stdout)
    if metrics["format"] != "pollscope-metrics" or metrics["duplicate_entries"] != 1:
        fail("--metrics-json -: %r" % metrics)
    print("ok: --metrics-json - prints one JSON object and nothing else")


def main(app):
    bad_input(app)
    compare(app)
    full_stdout(app)
    with tempfile.TemporaryDirectory() as outdir:
        signals(app, outdir)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1])
