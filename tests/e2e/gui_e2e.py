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
  gui_e2e.py --timeline APP OUTDIR run hello-world, View -> Timeline: the timer
                                   lane's bar across the 2 s gap, the arrow from
                                   timer 1's wake to the second poll; a click
                                   on the timeline moves every panel there
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


def stop_app(proc):
    """SIGTERM (the app ends its loop cleanly on it); its exit status."""
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail("the app did not exit after SIGTERM")


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
        code = stop_app(proc)
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
        code = stop_app(proc)
    if code != 0:
        fail("the app exited with status %d" % code)
    print("PASS")
    return 0


# --- the timeline ----------------------------------------------------------
#
# The screen is read back as pixels (ImageMagick's PPM: no Python imaging
# library needed) and searched for what the timeline draws, by colour: the
# theme's accent (arrows, the cursor line), a timer's waiting bar, the
# executor's waiting span. The colours are the panel's (gui/timeline_panel.cpp,
# span_color and kAccent) blended over the panel's background.

# The View menu and its Timeline item, at the app's default font and scale
# (the first launch's layout for a 1280x800 screen): the menu's 10th row.
VIEW_MENU = (63, 10)
VIEW_TIMELINE_ITEM = (63, 216)
# The Timeline panel's region when opened (gui/layout.cpp: 0, 500, 910 x 300).
TIMELINE_REGION = (0, 520, 910, 800)
DIAGRAM_REGION = (300, 20, 910, 500)


class Screen:
    def __init__(self, path):
        raw = subprocess.run(["convert", path, "-depth", "8", "ppm:-"], check=True,
                             capture_output=True).stdout
        # P6 <w> <h> <max>\n<bytes>
        fields, pos = [], 0
        while len(fields) < 4:
            while raw[pos:pos + 1].isspace():
                pos += 1
            start = pos
            while not raw[pos:pos + 1].isspace():
                pos += 1
            fields.append(raw[start:pos])
        self.w, self.h = int(fields[1]), int(fields[2])
        self.data = raw[pos + 1:]
        self.path = path

    def px(self, x, y):
        i = (y * self.w + x) * 3
        return self.data[i], self.data[i + 1], self.data[i + 2]


def grab(outdir, name):
    path = os.path.join(outdir, name)
    subprocess.run(["import", "-window", "root", path], check=True)
    return Screen(path)


def near(c, want, tol=14):
    return all(abs(a - b) <= tol for a, b in zip(c, want))


def is_accent(c):  # kAccent (0.95, 0.80, 0.30), the arrows and the cursor line
    r, g, b = c
    return r >= 190 and 160 <= g <= 220 and b <= 120


TIMER_BAR = (61, 97, 133)       # SpanKind::TimerWaiting over the panel background
EXECUTOR_WAIT = (61, 65, 73)    # SpanKind::WaitingEmpty
MENU_OPEN = (60, 127, 207)      # the View button while its menu is open


def longest_run(s, y, x0, x1, pred):
    """The longest run of pixels of row y in [x0, x1) that `pred` accepts: (start, end)."""
    best, start = (0, 0), None
    for x in range(x0, x1 + 1):
        ok = x < x1 and pred(s.px(x, y))
        if ok and start is None:
            start = x
        elif not ok and start is not None:
            if x - start > best[1] - best[0]:
                best = (start, x)
            start = None
    return best


def timer_bar(s):
    """The timer bar in the timeline: (its middle row, x0, x1) of its widest
    rows, or None."""
    x0, y0, x1, y1 = TIMELINE_REGION
    runs = [(y,) + longest_run(s, y, x0, x1, lambda c: near(c, TIMER_BAR, 6)) for y in range(y0, y1)]
    widest = max(b - a for _, a, b in runs)
    if widest == 0:
        return None
    rows = [r for r in runs if r[2] - r[1] >= widest - 2]
    return (rows[len(rows) // 2][0], rows[0][1], rows[0][2])


def accent_column(s, x, y_top, y_bottom):
    """How many pixels of column x in [y_top, y_bottom) are the accent colour."""
    return sum(1 for y in range(y_top, y_bottom) if is_accent(s.px(x, y)))


def wait_screen(outdir, name, predicate, what):
    """Screenshots until `predicate(screen)` is true (the condition, not a delay)."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        s = grab(outdir, name)
        result = predicate(s)
        if result:
            return s, result
        time.sleep(0.2)
    fail("timed out waiting for " + what + " (last screen: " + os.path.join(outdir, name) + ")")


def changed_near(a, b, x, y, w=240, h=60):
    """Pixels that differ between screens a and b in a box around (x, y)."""
    return sum(1 for yy in range(max(0, y - h), min(a.h, y + h))
               for xx in range(max(0, x - w), min(a.w, x + w)) if a.px(xx, yy) != b.px(xx, yy))


def timeline(app, outdir):
    """Hello-world on the real clock, run to its end; then View -> Timeline.
    The timer 1 lane's bar spans the 2 s gap between the two polls (as the
    executor's waiting span does); a click in the gap moves the history
    cursor (and every panel) there, and with the cursor out of the way the
    arrow from timer 1's wake at the bar's end to the second poll stands
    alone: a column of the accent colour up from the timer lane, ending in
    an arrow head on the executor's lane."""
    for tool in ("xdotool", "import", "convert"):
        if shutil.which(tool) is None:
            print("SKIP: %s not found" % tool)
            return SKIP
    os.makedirs(outdir, exist_ok=True)
    events_path = os.path.join(outdir, "timeline-events.jsonl")
    env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(outdir, "timeline-config"))
    shutil.rmtree(env["XDG_CONFIG_HOME"], ignore_errors=True)  # the default layout
    proc = subprocess.Popen([app, "--mode", "run", "--print-ready", "--events", events_path],
                            env=env, stdout=subprocess.PIPE, text=True)
    try:
        ready = proc.stdout.readline()
        if not ready.startswith("pollscope-ready "):
            fail("no ready line; got %r" % ready)
        print("ready: " + ready.strip(), flush=True)
        # After the run: the second poll completed the task (2 s of real time).
        wait_for(lambda: [e for e in read_events(events_path) if e["kind"] == "task_completed"],
                 "hello-world to complete")
        ev = read_events(events_path)
        polls = [e for e in ev if e["kind"] == "poll_begin" and e["task"] == 1]
        if len(polls) != 2:
            fail("hello-world polled %d times, not 2" % len(polls))
        gap_s = (polls[1]["t_ns"] - polls[0]["t_ns"]) / 1e9
        print("the two polls are %.3f s apart" % gap_s, flush=True)

        # Each click waits for what it does to show before the mouse moves on:
        # a release seen in a later frame than the press, with the mouse gone
        # elsewhere, would not be the click meant.
        away = ("mousemove", "1100", "330")  # an empty corner of the Timer threads panel
        subprocess.run(["xdotool", "mousemove", str(VIEW_MENU[0]), str(VIEW_MENU[1]), "click", "1"],
                       check=True)
        wait_screen(outdir, "timeline-menu.png", lambda s: near(s.px(52, 4), MENU_OPEN, 20),
                    "the View menu to open")
        subprocess.run(["xdotool", "mousemove", str(VIEW_TIMELINE_ITEM[0]),
                        str(VIEW_TIMELINE_ITEM[1]), "click", "1"], check=True)
        x0, y0, x1, y1 = TIMELINE_REGION
        plot_w = x1 - 190  # right of the lane names

        def bar_drawn(s):
            bar = timer_bar(s)
            return bar if bar and bar[2] - bar[1] >= 0.7 * plot_w else None

        wait_screen(outdir, "timeline-live.png", bar_drawn,
                    "the Timeline to show timer 1's bar (did the View menu change?)")
        subprocess.run(["xdotool"] + list(away), check=True)
        live, bar = wait_screen(outdir, "timeline-live.png",
                                lambda s: bar_drawn(s) if not near(s.px(52, 4), MENU_OPEN, 20)
                                else None, "the View menu to close")
        bar_y, bar_x0, bar_x1 = bar
        print("timer 1's bar: row %d, x %d..%d (%d px)" % (bar_y, bar_x0, bar_x1, bar_x1 - bar_x0))
        # The executor's lane, above, waits on its empty queue across the same gap.
        waits = [(y,) + longest_run(live, y, x0, x1, lambda c: near(c, EXECUTOR_WAIT, 6))
                 for y in range(y0, bar_y)]
        widest = max(b - a for _, a, b in waits)
        wait_rows = [r for r in waits if r[2] - r[1] >= widest - 2]
        exec_y, wait_x0, wait_x1 = wait_rows[len(wait_rows) // 2]
        print("the executor's wait: x %d..%d" % (wait_x0, wait_x1))
        if wait_x1 - wait_x0 < 0.4 * (bar_x1 - bar_x0):
            fail("the executor's lane does not show it waiting across the gap")
        if abs(wait_x0 - bar_x0) > 12:
            fail("the timer's bar (from x %d) and the executor's wait (from x %d) do not start "
                 "together at the first poll" % (bar_x0, wait_x0))

        # Click the middle of the gap, below the lanes: the history cursor goes
        # to the last event before that moment (the timer thread starting its
        # wait), and the cursor line leaves the right end for the click.
        # The mouse goes there first, and presses once a frame has seen it
        # there (its hover tooltip shows): a press in the frame the mouse
        # jumped in would count the jump as a drag.
        click_x, click_y = (bar_x0 + bar_x1) // 2, y1 - 30
        subprocess.run(["xdotool", "mousemove", str(click_x), str(click_y)], check=True)
        wait_screen(outdir, "timeline-hover.png",
                    lambda s: changed_near(s, live, click_x, click_y) > 200,
                    "the timeline's hover tooltip at the mouse")
        subprocess.run(["xdotool", "click", "1"], check=True)
        up = max(40, bar_y - y0 - 40)  # the column to look at: from the timer lane up

        def cursor_left_the_end(s):
            # (Higher up, the spawn arrow crosses the line at the first poll.)
            cols = [x for x in range(bar_x0 - 6, click_x + 3)
                    if accent_column(s, x, bar_y - 60, bar_y - 4) >= 0.8 * 56]
            return cols or None

        wait_screen(outdir, "timeline-past.png", cursor_left_the_end,
                    "the cursor line to move to the clicked moment")
        subprocess.run(["xdotool"] + list(away), check=True)
        # The tooltip gone with the mouse (it shows right of the mouse, where
        # the live screen had nothing): the screen is the timeline alone.
        def tooltip_gone(s):
            box = sum(1 for yy in range(click_y - 45, min(s.h, click_y + 25))
                      for xx in range(click_x + 4, click_x + 220) if s.px(xx, yy) != live.px(xx, yy))
            return cursor_left_the_end(s) if box < 20 else None

        past, cursor_cols = wait_screen(outdir, "timeline-past.png", tooltip_gone,
                                        "the cursor line to stay at the clicked moment")
        print("cursor line now at x %d" % cursor_cols[0])
        # The arrow: at the bar's end (timer 1 fires, wakes its task, pushes it),
        # a line of the accent colour up to the executor's lane. Near vertical,
        # not exactly: on the real clock the second poll starts a little after
        # the wake (a pixel or two later on a busy machine), so the line may
        # step from one pixel column to the next on its way up.
        window = range(bar_x1 - 5, bar_x1 + 6)
        accent_rows = [y for y in range(bar_y - up, bar_y - 4)
                       if any(is_accent(past.px(x, y)) for x in window)]
        if len(accent_rows) < 0.8 * (up - 4):
            fail("no arrow from timer 1's wake (x %d) up to the second poll" % bar_x1)
        low = [x for x in window if is_accent(past.px(x, bar_y - 8))]
        if not low:
            fail("no arrow leaving timer 1's wake (x %d)" % bar_x1)
        ax = low[len(low) // 2]
        top, tx = bar_y - 4, ax
        while top > y0:
            up_xs = [x for x in range(tx - 2, tx + 3) if is_accent(past.px(x, top - 1))]
            if not up_xs:
                break
            top, tx = top - 1, up_xs[len(up_xs) // 2]
        # ...ending in an arrow head (wider than the line) on the executor's lane...
        line = sum(1 for x in range(ax - 8, ax + 9) if is_accent(past.px(x, (top + bar_y) // 2)))
        head = max(sum(1 for x in range(tx - 8, tx + 9) if is_accent(past.px(x, y)))
                   for y in range(top, top + 10))
        # ...and starting at the wake, a dot on timer 1's lane.
        dot = sum(1 for x in range(ax - 4, ax + 5) if is_accent(past.px(x, bar_y)))
        print("arrow at x %d from row %d up to row %d: line %d px, head %d px wide, wake dot %d px"
              % (ax, bar_y, top, line, head, dot))
        if head < line + 2:
            fail("the arrow has no head at the second poll (widest row %d px)" % head)
        if dot < 3:
            fail("no wake dot on timer 1's lane at the arrow's start")
        if abs(top - exec_y) > 12:
            fail("the arrow ends at row %d, not on the executor's lane (row %d)" % (top, exec_y))

        # Every panel moved to the clicked moment: the diagram differs.
        dx0, dy0, dx1, dy1 = DIAGRAM_REGION
        changed = sum(1 for y in range(dy0, dy1, 2) for x in range(dx0, dx1, 2)
                      if live.px(x, y) != past.px(x, y))
        print("diagram pixels (1 in 4) that changed with the click: %d" % changed)
        if changed < 500:
            fail("the diagram did not move to the moment clicked on the timeline")
        print("screenshots: %s, %s" % (live.path, past.path))
    finally:
        code = stop_app(proc)
    if code != 0:
        fail("the app exited with status %d" % code)
    print("PASS")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--rewind":
        sys.exit(rewind(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 4 and sys.argv[1] == "--timeline":
        sys.exit(timeline(sys.argv[2], sys.argv[3]))
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
