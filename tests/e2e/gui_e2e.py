#!/usr/bin/env python3
"""End-to-end test of the desktop app, as a user would drive it.

Run under a virtual display (ctest does: xvfb-run -a -s "-screen 0 1280x800x24
-noreset" python3 gui_e2e.py APP OUTDIR). It launches the app with
--print-ready and --events, waits for the ready line, clicks "Spawn timer"
with xdotool, clicks Step (book steps of the view, a poll once it has shown
everything) until that task is Ready, then checks in the events
file that the spawn, the polls and the wake happened, and that a screenshot of
the screen is not blank.

  gui_e2e.py APP OUTDIR            the test above (needs a display)
  gui_e2e.py --rewind APP OUTDIR   Step to step 4, drag the history bar back to
                                   step 2 (task 1 queued), screenshot; End: live
  gui_e2e.py --no-display APP      `DISPLAY= APP` exits 2 naming --headless and xvfb-run
  gui_e2e.py --skip REASON         exit 77: ctest's SKIP_RETURN_CODE
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

SKIP = 77
TIMEOUT_S = 90  # the machine may be busy: generous, but bounded


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def no_display(app):
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    p = subprocess.run([app], env=env, capture_output=True, text=True, timeout=30)
    if p.returncode != 2:
        fail("expected exit status 2 without a display, got %d" % p.returncode)
    for word in ("--headless", "xvfb-run"):
        if word not in p.stderr:
            fail("the no-display message does not mention %s:\n%s" % (word, p.stderr))
    print("ok: no display -> exit 2 with:\n" + p.stderr)


def read_events(path):
    events = []
    try:
        with open(path) as f:
            for line in f:
                if line.endswith("\n"):  # a line still being written is skipped
                    events.append(json.loads(line))
    except FileNotFoundError:
        pass
    return events


def wait_for(predicate, what, timeout=TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.1)
    fail("timed out waiting for " + what)


def center(rect):
    x, y, w, h = (int(v) for v in rect.split(","))
    return str(x + w // 2), str(y + h // 2)


def click(rect):
    x, y = center(rect)
    subprocess.run(["xdotool", "mousemove", x, y, "click", "1"], check=True)


def main(app, outdir):
    for tool in ("xdotool", "import", "identify"):
        if shutil.which(tool) is None:
            print("SKIP: %s not found" % tool)
            return SKIP
    os.makedirs(outdir, exist_ok=True)
    events_path = os.path.join(outdir, "events.jsonl")
    env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(outdir, "config"))
    proc = subprocess.Popen([app, "--print-ready", "--events", events_path], env=env,
                            stdout=subprocess.PIPE, text=True)
    try:
        ready = proc.stdout.readline()  # blocks until the first frames are drawn
        if not ready.startswith("pollscope-ready "):
            fail("no ready line; got %r" % ready)
        rects = dict(kv.split("=") for kv in ready.split()[1:])
        print("ready: " + ready.strip(), flush=True)

        # The app opens on hello-world (task 1), paused in step mode.
        first = wait_for(lambda: [e for e in read_events(events_path) if e["kind"] == "task_spawned"],
                         "hello-world's spawn")
        if first[0].get("name") != "hello-world":
            fail("the first task is not hello-world: %r" % first[0])

        click(rects["spawn_timer"])
        spawned = wait_for(lambda: [e for e in read_events(events_path)
                                    if e["kind"] == "task_spawned" and e["task"] != first[0]["task"]],
                           "the clicked task's spawn")
        task = spawned[0]["task"]
        print("spawned task %d by clicking Spawn timer" % task, flush=True)

        def ready_poll():
            return [e for e in read_events(events_path)
                    if e["kind"] == "poll_end" and e["task"] == task and e["flags"] & 1]

        deadline = time.monotonic() + TIMEOUT_S
        clicks = 0
        while not ready_poll():
            if time.monotonic() > deadline:
                fail("task %d never became Ready after %d Step clicks" % (task, clicks))
            polls_before = sum(1 for e in read_events(events_path) if e["kind"] == "poll_end")
            click(rects["step"])
            clicks += 1
            # A click shows the next book step; it owes a poll only once the
            # view has shown everything, and the poll happens once a task is
            # queued (the timers take 2 s of runtime clock to wake theirs).
            polled_by = time.monotonic() + 1.0
            while time.monotonic() < polled_by:
                if sum(1 for e in read_events(events_path) if e["kind"] == "poll_end") > polls_before:
                    break
                time.sleep(0.1)
        print("task %d Ready after %d Step clicks" % (task, clicks), flush=True)

        ev = read_events(events_path)
        mine = [e for e in ev if e.get("task") == task]
        kinds = [e["kind"] for e in mine]
        checks = {
            "spawned": "task_spawned" in kinds,
            "pushed by the spawner": any(e["kind"] == "queue_push" and e["waker"] == 0 for e in mine),
            "polled twice": kinds.count("poll_begin") >= 2,
            "first poll Pending": any(e["kind"] == "poll_end" and not e["flags"] & 1 for e in mine),
            "woken": "waker_woken" in kinds,
            "pushed again by a waker": any(e["kind"] == "queue_push" and e["waker"] != 0 for e in mine),
            "polled Ready": any(e["kind"] == "poll_end" and e["flags"] & 1 for e in mine),
        }
        timer_ids = {e["timer"] for e in ev if e["kind"] == "timer_created" and e["task"] == task}
        checks["its timer fired"] = any(e["kind"] == "timer_fired" and e["timer"] in timer_ids for e in ev)
        for name, ok in checks.items():
            print(("ok: " if ok else "MISSING: ") + name)
        if not all(checks.values()):
            fail("the book's flow is incomplete for task %d" % task)

        time.sleep(0.5)  # a few frames so the screen shows the final state
        shot = os.path.join(outdir, "screen.png")
        subprocess.run(["import", "-window", "root", shot], check=True)
        colors = int(subprocess.run(["identify", "-format", "%k", shot], check=True,
                                    capture_output=True, text=True).stdout.strip())
        print("screenshot %s: %d distinct colours" % (shot, colors))
        if colors < 32:
            fail("the screenshot looks blank (%d colours)" % colors)
    finally:
        proc.send_signal(signal.SIGTERM)  # the app ends its loop cleanly on SIGTERM
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            fail("the app did not exit after SIGTERM")
    if code != 0:
        fail("the app exited with status %d" % code)
    print("PASS")
    return 0


def rewind(app, outdir):
    """Step hello-world to step 4 (and let its timer fire), drag the history
    bar back to step 2 (task 1 queued by the spawner), screenshot; press End:
    live again, screenshot. The screenshots are kept for a human to look at."""
    for tool in ("xdotool", "import", "identify"):
        if shutil.which(tool) is None:
            print("SKIP: %s not found" % tool)
            return SKIP
    os.makedirs(outdir, exist_ok=True)
    events_path = os.path.join(outdir, "rewind-events.jsonl")
    env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(outdir, "config"))
    proc = subprocess.Popen([app, "--print-ready", "--events", events_path],
                            env=env, stdout=subprocess.PIPE, text=True)
    try:
        ready = proc.stdout.readline()
        if not ready.startswith("pollscope-ready "):
            fail("no ready line; got %r" % ready)
        rects = dict(kv.split("=") for kv in ready.split()[1:])
        print("ready: " + ready.strip(), flush=True)
        wait_for(lambda: [e for e in read_events(events_path) if e["kind"] == "queue_push"],
                 "hello-world queued (step 2)")
        # A fresh runtime in step mode opens on step 1: the first press shows
        # step 2 (already taken), the second polls (steps 3-4: Pending, the
        # timer stores the waker).
        click(rects["step"])
        time.sleep(0.5)
        click(rects["step"])
        # The 2 s timer fires and wakes task 1 (steps 5-8);
        # the executor then waits for the next Step: the record stops growing.
        wait_for(lambda: [e for e in read_events(events_path)
                          if e["kind"] == "queue_push" and e["waker"] != 0], "the wake (step 8)")
        time.sleep(1.0)
        ev = read_events(events_path)
        count = len(ev)
        queued = next(e["seq"] for e in ev if e["kind"] == "queue_push" and e["waker"] == 0)
        target = queued + 1  # the moment just after task 1 was queued by the spawner
        # ImGui's integer slider: a grab of w / (range + 1) (at least 10 px)
        # inside 2 px of padding; values spread over the rest.
        x, y, w, h = (int(v) for v in rects["history"].split(","))
        slider = w - 4
        grab = max(slider / (count + 1), 10)
        usable0 = x + 2 + grab / 2
        tx = int(usable0 + (slider - grab) * target / count)
        ty = y + h // 2
        print("count %d, dragging the bar from the live end to event %d (x=%d)" % (count, target, tx),
              flush=True)
        # One X event per frame: a press, a move and a release that land in
        # the same frame would look like a click where the mouse started.
        def xdo(*args):
            subprocess.run(["xdotool"] + [str(a) for a in args], check=True)
            time.sleep(0.15)
        xdo("mousemove", x + w - 3, ty)
        xdo("mousedown", 1)
        for step_x in range(x + w - 3, tx, -max(1, (x + w - tx) // 8)):
            xdo("mousemove", step_x, ty)
        xdo("mousemove", tx, ty)
        xdo("mouseup", 1)
        subprocess.run(["xdotool", "mousemove", str(x + w // 2), str(y + 300)], check=True)
        time.sleep(0.7)
        past = os.path.join(outdir, "rewind-step2.png")
        subprocess.run(["import", "-window", "root", past], check=True)
        print("screenshot (viewing the past, task 1 queued): " + past, flush=True)
        subprocess.run(["xdotool", "key", "End"], check=True)
        time.sleep(0.7)
        live = os.path.join(outdir, "rewind-live.png")
        subprocess.run(["import", "-window", "root", live], check=True)
        print("screenshot (live again): " + live, flush=True)
        for shot in (past, live):
            colors = int(subprocess.run(["identify", "-format", "%k", shot], check=True,
                                        capture_output=True, text=True).stdout.strip())
            if colors < 32:
                fail("the screenshot %s looks blank (%d colours)" % (shot, colors))
        differ = subprocess.run(["compare", "-metric", "AE", past, live, "null:"],
                                capture_output=True, text=True)
        changed = int(float(differ.stderr.split()[0])) if differ.stderr.strip() else 0
        print("pixels that differ between the past and live: %d" % changed)
        if changed < 1000:
            fail("the screen did not change between the past and live")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            fail("the app did not exit after SIGTERM")
    if code != 0:
        fail("the app exited with status %d" % code)
    print("PASS")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--rewind":
        sys.exit(rewind(sys.argv[2], sys.argv[3]))
    if len(sys.argv) >= 2 and sys.argv[1] == "--skip":
        print("SKIP: " + " ".join(sys.argv[2:]))
        sys.exit(SKIP)
    if len(sys.argv) == 3 and sys.argv[1] == "--no-display":
        no_display(sys.argv[2])
        sys.exit(0)
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
