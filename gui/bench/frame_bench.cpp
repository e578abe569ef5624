// pollscope-gui-bench: frame time of the real app's panels with 10,000 live
// tasks and 1,000,000 events kept, in a real GLFW/OpenGL window (run it under
// xvfb-run to measure Mesa llvmpipe at 1280x800, as the issue asks).
//
// The events go through the real pipeline: an EventLog, the FoldPump's
// thread, snapshots. While frames are measured a producer keeps appending
// (a busy runtime: 50,000 events a second), so every frame also takes a fresh
// snapshot. Phases: following the newest event, then scrolling the event log
// up through the million, then back.
//
// `drag` mode (third argument "drag"): 10,000,000 events, and every frame the
// history bar's cursor moves across the whole record, back and forth (one
// crossing a second at 60 frames a second, as a fast drag), so each frame
// draws every panel at a moment of the past (record::Cursor::seek) instead of
// the live snapshot.
//
// `timeline` mode (third argument "timeline"): the Timeline panel open over
// every other panel, on a 10,000,000-event history of 10,000 tasks, each of
// which parked once on its own timer thread (10,000 timer threads, named as
// the runtime names them) and then yields over and over, the timers firing
// across the whole history. Three phases: zoomed all the way out (the whole
// run), zoomed in on one poll, and panning (a screen width a second, the
// timer threads' lanes expanded). Printed on lines starting with `timeline`,
// with the timeline's own CPU time per frame (target <= 2 ms).
//
// Reported per frame (median / p95 / max):
//   frame      wall time of a whole unpaced frame: NewFrame..Render, GL
//              rendering and the buffer swap (target <= 16.7 ms)
//   ui cpu     UI-thread CPU time from NewFrame to Render (target, with the
//              fold, <= 2 ms)
//   fold       the pump thread's Fold::apply + snapshot copy time, per frame
#include "gui/commands.hpp"
#include "gui/panels.hpp"
#include "gui/platform_window.hpp"
#include "gui/screenshot.hpp"
#include "gui/theme.hpp"
#include "record/cursor.hpp"
#include "record/fold_pump.hpp"
#include "runtime/controller.hpp"

#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace pollscope;
using WallClock = std::chrono::steady_clock;

double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Runtime-shaped events: N tasks spawned and parked on timers, then
// wake / re-poll cycles that keep all of them live (Pending) while the log grows.
class Generator {
public:
  explicit Generator(StringTable& strings)
      : name_(strings.intern("timer task")),
        where_(strings.intern("bench.cpp:1")),
        await_(strings.intern("bench.cpp:42")) {}

  void start(std::vector<Event>& out, std::uint64_t capacity) {
    add(out, EventKind::RuntimeStarted, 0, 0, 0, capacity);
  }
  void spawn_and_park(std::vector<Event>& out, TaskId id) {
    add(out, EventKind::TaskSpawned, id, 0, 0, name_, where_);
    add(out, EventKind::WakerCreated, id, id);
    add(out, EventKind::QueuePush, id, 0, 0, ticket_++, 1);
    park(out, id);
  }
  // One wake / poll cycle of task `id` with a fresh timer.
  void cycle(std::vector<Event>& out, TaskId id) {
    add(out, EventKind::TimerFired, 0, 0, last_timer_[id]);
    add(out, EventKind::WakerWoken, id, waker_of_[id]);
    add(out, EventKind::QueuePush, id, waker_of_[id], 0, ticket_++, 1);
    add(out, EventKind::TimerThreadExited, 0, 0, last_timer_[id]);
    park(out, id);
  }

private:
  void park(std::vector<Event>& out, TaskId id) {
    const TimerId timer = next_timer_++;
    const WakerId clone = next_waker_++;
    if (last_timer_.size() <= id) last_timer_.resize(id + 1), waker_of_.resize(id + 1);
    add(out, EventKind::QueuePop, id, 0, 0, ticket_ - 1,
        0); // the entry just pushed: the queue stays short
    add(out, EventKind::PollBegin, id);
    add(out, EventKind::TimerCreated, id, 0, timer, t_ + 2'000'000'000, 2'000'000'000);
    add(out, EventKind::WakerCloned, id, clone, 0, 0, id);
    add(out, EventKind::WakerStored, 0, clone, timer);
    add(out, EventKind::PollEnd, id, 0, 0, 4000, await_);
    add(out, EventKind::TimerThreadStarted, 0, 0, timer);
    add(out, EventKind::TimerThreadWaiting, 0, 0, timer, t_ + 2'000'000'000);
    last_timer_[id] = timer;
    waker_of_[id] = clone;
  }
  void add(std::vector<Event>& out, EventKind k, TaskId task = 0, WakerId waker = 0,
           TimerId timer = 0, std::uint64_t a = 0, std::uint64_t b = 0) {
    Event e;
    e.t = t_ += 700;
    e.kind = k;
    e.task = task;
    e.waker = waker;
    e.timer = timer;
    e.a = a;
    e.b = b;
    e.lane = Lane::Executor;
    out.push_back(e);
  }
  StringId name_, where_, await_;
  std::uint64_t t_ = 0, ticket_ = 0;
  TimerId next_timer_ = 1;
  WakerId next_waker_ = 20000;
  std::vector<TimerId> last_timer_;
  std::vector<WakerId> waker_of_;
};

// Timeline mode's history: 10,000 tasks park on 10,000 timer threads, then
// yield round-robin; every kCyclesPerFire yields one timer fires and wakes
// its task. Events carry their writer's thread-table row, as the runtime's do.
class TimelineGenerator {
public:
  static constexpr TaskId kTasks = 10000;
  static constexpr ThreadIndex kSpawner = 1, kExecutor = 2; // timer i: row 2 + i
  static constexpr std::uint64_t kCyclesPerFire = 195;

  explicit TimelineGenerator(StringTable& strings)
      : name_(strings.intern("yielder")),
        where_(strings.intern("bench.cpp:1")),
        await_(strings.intern("bench.cpp:42")),
        strings_(strings) {}

  // Appends the next piece of the history: the start, one task's spawn and
  // park, or one yield (with a timer's fire when one is due).
  void next(std::vector<Event>& out) {
    if (!started_) {
      started_ = true;
      add(out, EventKind::RuntimeStarted, 0, 0, 0, 20000, 0, Lane::External, 0);
      named(out, kSpawner, "spawner", Lane::External, 0);
      named(out, kExecutor, "executor", Lane::Executor, 0);
      first_fire_ = t_ + 700ull * (12 * kTasks + 10);
      return;
    }
    if (spawned_ < kTasks) {
      const TaskId id = ++spawned_;
      add(out, EventKind::TaskSpawned, id, 0, 0, name_, where_, Lane::External, kSpawner);
      add(out, EventKind::WakerCreated, id, id, 0, 0, 0, Lane::External, kSpawner);
      add(out, EventKind::QueuePush, id, 0, 0, ticket_++, 1, Lane::External, kSpawner);
      add(out, EventKind::QueuePop, id, 0, 0, ticket_ - 1, 0, Lane::Executor, kExecutor);
      add(out, EventKind::PollBegin, id, 0, 0, 0, 0, Lane::Executor, kExecutor);
      // The timer fires in the order created, one every kCyclesPerFire yields
      // (5 events each), a little late or early.
      const std::uint64_t deadline =
          first_fire_ + (id - 1) * kCyclesPerFire * 5 * 700 - (id % 7) * 3000;
      add(out, EventKind::TimerCreated, id, 0, id, deadline, deadline - t_, Lane::Executor,
          kExecutor);
      add(out, EventKind::WakerCloned, id, 100000 + id, 0, 0, id, Lane::Executor, kExecutor);
      add(out, EventKind::WakerStored, 0, 100000 + id, id, 0, 0, Lane::Executor, kExecutor);
      add(out, EventKind::PollEnd, id, 0, 0, 4000, await_, Lane::Executor, kExecutor);
      named(out, kExecutor + id, "timer " + std::to_string(id), Lane::Timer, id);
      add(out, EventKind::TimerThreadStarted, id, 0, id, 0, 0, Lane::Timer, kExecutor + id);
      add(out, EventKind::TimerThreadWaiting, id, 0, id, deadline, 0, Lane::Timer, kExecutor + id);
      return;
    }
    if (cycle_++ % kCyclesPerFire == 0 && next_timer_ <= kTasks) fire(out, next_timer_++);
    // One yield of the task at the front of the queue: popped, polled, wakes
    // itself by ref (queued again at the back), Pending. The queue holds
    // every task whose timer has fired.
    const auto [id, ticket] = queue_[head_++];
    const std::uint64_t len = queue_.size() - head_;
    add(out, EventKind::QueuePop, id, 0, 0, ticket, len, Lane::Executor, kExecutor);
    add(out, EventKind::PollBegin, id, 0, 0, 0, 0, Lane::Executor, kExecutor);
    add(out, EventKind::WakerWoken, id, id, 0, 0, 0, Lane::Executor, kExecutor, kFlagByRef);
    queue_.emplace_back(id, ticket_);
    add(out, EventKind::QueuePush, id, id, 0, ticket_++, len + 1, Lane::Executor, kExecutor);
    add(out, EventKind::PollEnd, id, 0, 0, 2100, await_, Lane::Executor, kExecutor);
    if (head_ > 65536) { // keep the queue's memory to what it holds
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

private:
  void fire(std::vector<Event>& out, TimerId id) {
    const ThreadIndex row = kExecutor + id;
    add(out, EventKind::TimerFired, id, 0, id, 0, 0, Lane::Timer, row);
    add(out, EventKind::WakerRemoved, 0, 100000 + id, id, 0, 0, Lane::Timer, row);
    add(out, EventKind::WakerWoken, id, 100000 + id, 0, 0, 0, Lane::Timer, row);
    queue_.emplace_back(id, ticket_);
    add(out, EventKind::QueuePush, id, 100000 + id, 0, ticket_++, queue_.size() - head_,
        Lane::Timer, row);
    add(out, EventKind::WakerDropped, id, 100000 + id, 0, 0, 0, Lane::Timer, row);
    add(out, EventKind::TimerThreadExited, id, 0, id, 0, 0, Lane::Timer, row);
  }
  void named(std::vector<Event>& out, ThreadIndex row, const std::string& name, Lane lane,
             TimerId timer) {
    add(out, EventKind::ThreadNamed, 0, 0, timer, strings_.intern(name),
        static_cast<std::uint64_t>(lane), lane, row);
  }
  void add(std::vector<Event>& out, EventKind k, TaskId task, WakerId waker, TimerId timer,
           std::uint64_t a, std::uint64_t b, Lane lane, ThreadIndex thread,
           std::uint8_t flags = 0) {
    Event e;
    e.t = t_ += 700;
    e.kind = k;
    e.task = task;
    e.waker = waker;
    e.timer = timer;
    e.a = a;
    e.b = b;
    e.lane = lane;
    e.thread = thread;
    e.flags = flags;
    out.push_back(e);
  }
  StringId name_, where_, await_;
  StringTable& strings_;
  std::uint64_t t_ = 0, ticket_ = 0, first_fire_ = 0, cycle_ = 0;
  bool started_ = false;
  TaskId spawned_ = 0;
  std::vector<std::pair<TaskId, std::uint64_t>> queue_; // the run queue: task, ticket
  std::size_t head_ = 0;
  TimerId next_timer_ = 1;
};

// Timeline mode: where the timeline's view is in each phase. Phase 0 fits the
// run (all of it, every frame), phase 1 one poll in the middle of the
// history, phase 2 pans a screen width a second at ~2 ms across, with the
// timer threads' lanes expanded.
double zoomed_in_span_ns = 0;
void set_timeline_phase(const fold::Timeline& tl, std::uint64_t upto, int phase, int frame,
                        gui::TimelineState& st) {
  const float plot_w = 1280 * 910.0f / 1280 - 170; // the panel's default width less the names
  if (phase == 0) {
    st.user_moved = false;
    return;
  }
  if (frame != 0) {
    if (phase == 2) st.window.pan_px(plot_w / 60);
    return;
  }
  const fold::LaneId executor = 1; // row 2
  const std::size_t n = tl.span_count(executor, 0, upto);
  if (n == 0) return;
  const fold::Span& s = tl.span(executor, 0, n / 2);
  const double b = static_cast<double>(s.begin_t) - static_cast<double>(st.origin);
  const double e = static_cast<double>(s.end_t) - static_cast<double>(st.origin);
  st.user_moved = true;
  if (phase == 1) {
    st.window.fit(b, e, plot_w, 0.2);
    zoomed_in_span_ns = st.window.ns_per_px * plot_w;
  } else {
    st.window.fit(b, b + 2e6, plot_w, 0);
    st.lanes.set_expanded(true);
  }
}

struct Stats {
  std::vector<double> v;
  void add(double x) { v.push_back(x); }
  double pct(double p) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0
                     : v[std::min(v.size() - 1,
                                  static_cast<std::size_t>(p * static_cast<double>(v.size())))];
  }
};

} // namespace

int main(int argc, char** argv) {
  // pollscope-gui-bench [FRAMES_PER_PHASE] [SCREENSHOT.png, taken scrolled up mid-log]
  const int frames_per_phase = argc > 1 ? std::max(10, std::atoi(argv[1])) : 150;
  const char* shot = argc > 2 && argv[2][0] != '\0' ? argv[2] : nullptr;
  // A third argument draws only that panel ("diagram", "tasks", ...), or
  // none ("none": the baseline cost of a frame).
  const std::string_view arg3 = argc > 3 ? argv[3] : "";
  const bool drag = arg3 == "drag";
  const bool timeline = arg3 == "timeline";
  const std::string_view only = drag       ? (argc > 4 ? argv[4] : "")
                                : timeline ? ""
                                           : arg3; // drag PANEL
  const std::size_t history = drag || timeline ? 10'000'000 : 1'000'000;
  const gui::OpenedWindow win = gui::open_window("pollscope frame bench", 1280, 800);
  if (!win.window) return win.exit_code;
  glfwSwapInterval(0); // measure the frame, not the display's refresh
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  gui::apply_theme(1.0f);
  ImGui_ImplGlfw_InitForOpenGL(win.window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  {
    ControllerOptions opts;
    opts.scenario = "";
    Controller controller(opts); // for the controls panel only: its own log stays idle
    StringTable strings;
    EventLog log(std::size_t{1} << 20);
    record::FoldPump pump(log);

    // 10,000 parked tasks, then cycles until `history` events are kept
    // (appended a million at a time: the log is bounded, the pump drains).
    Generator gen(strings);
    TimelineGenerator tgen(strings);
    std::vector<Event> batch;
    if (!timeline) {
      gen.start(batch, 20000);
      for (TaskId id = 1; id <= 10000; ++id) gen.spawn_and_park(batch, id);
    }
    const auto t_fill = WallClock::now();
    std::size_t appended = 0;
    TaskId next = 1;
    while (appended < history) {
      const std::size_t want = std::min<std::size_t>(1'000'000, history - appended);
      if (timeline)
        while (batch.size() < want) tgen.next(batch);
      for (; batch.size() < want; next = next % 10000 + 1) gen.cycle(batch, next);
      for (const Event& e : batch) log.append(e);
      appended += batch.size();
      batch.clear();
    }
    pump.flush();
    const double fill_ms =
        std::chrono::duration<double, std::milli>(WallClock::now() - t_fill).count();
    std::printf("folded %zu events (%zu tasks) through the pump in %.0f ms\n",
                pump.latest().events.count, pump.latest().state.tasks.size(), fill_ms);

    // A busy runtime keeps appending while we draw.
    std::atomic<bool> stop{false};
    std::thread producer([&] {
      std::vector<Event> more;
      TaskId id = 1;
      while (!stop.load() && !timeline) { // timeline mode: a finished history
        more.clear();
        for (int i = 0; i < 42; ++i, id = id % 10000 + 1) gen.cycle(more, id); // ~500 events
        for (const Event& e : more) log.append(e);
        std::this_thread::sleep_for(std::chrono::milliseconds(10)); // ~50k events/s
      }
    });

    gui::PanelsOpen open;
    gui::Selection sel;
    gui::DiagramState diagram;
    gui::TasksPanelState tasks;
    gui::WakersPanelState wakers;
    gui::TimersPanelState timers;
    gui::EventLogState event_log;
    gui::OutputPanelState output;
    gui::ControlsState controls;
    Stats frame_ms, ui_ms, fold_ms, swap_ms, seek_ms;
    gui::TimelineState tl_state;
    Stats tl_ms[3], tl_frame_ms[3]; // per phase: zoomed out, zoomed in, panning
    record::Cursor cursor(pump.store(), pump.checkpoints());
    const int total = frames_per_phase * 3;
    std::uint64_t fold_ns_before = pump.stats().fold_ns + pump.stats().copy_ns;
    const record::PumpStats at_start = pump.stats();
    const auto t_draw = WallClock::now();
    const double process_cpu0 = process_cpu_ms();
    double vertices = 0, draw_calls = 0;
    std::uint64_t serial_before = 0;
    int copies = 0;
    for (int f = 0; f < total; ++f) {
      const auto t0 = WallClock::now();
      glfwPollEvents();
      ImGui_ImplOpenGL3_NewFrame();
      ImGui_ImplGlfw_NewFrame();
      // Phase 2 scrolls the event log up, phase 3 back down (the mouse over it).
      ImGuiIO& io = ImGui::GetIO();
      const int phase = f / frames_per_phase;
      io.MousePos = ImVec2(1100, 700);
      io.MouseWheel = phase == 1   ? 900.0f
                      : phase == 2 ? -900.0f
                                   : 0.0f; // ~60,000 px a frame: across the million
      const double cpu0 = thread_cpu_ms();
      ImGui::NewFrame();
      const record::Snapshot& snap = pump.latest();
      // Drag mode: a triangle wave across the whole record, 60 frames a crossing.
      const std::size_t n = snap.events.count;
      const int k = f % 120;
      const double x = k < 60 ? k / 60.0 : (120 - k) / 60.0;
      const std::size_t pos = drag ? static_cast<std::size_t>(x * static_cast<double>(n)) : n;
      const double s0 = thread_cpu_ms();
      const fold::FoldState& at = drag ? cursor.seek(pos, n) : snap.state;
      if (drag && f >= 5) seek_ms.add(thread_cpu_ms() - s0);
      if (drag) {
        event_log.follow = true;
        io.MouseWheel = 0;
      }
      if (timeline) {
        io.MouseWheel = 0;
        io.MousePos = ImVec2(600, 200); // over the diagram: the timeline moves by itself
        set_timeline_phase(pump.timeline(), n, phase, f % frames_per_phase, tl_state);
      }
      const gui::FrameView view{
          at,
          drag ? record::EventsView{&pump.store(), pos, pump.runtime_begin_at(pos)} : snap.events,
          strings, at.log.last_t, drag ? static_cast<std::uint64_t>(f) + 1 : snap.serial};
      if (!only.empty() && f == 0)
        open = gui::PanelsOpen{only == "diagram",   only == "controls", only == "run_queue",
                               only == "tasks",     only == "wakers",   only == "timers",
                               only == "event_log", only == "output",   false};
      if (open.diagram) gui::draw_diagram(view, diagram, sel, &open.diagram);
      if (open.controls) gui::draw_controls(view, controller, controls, &open.controls);
      if (open.run_queue) gui::draw_run_queue(view, sel, &open.run_queue);
      if (open.timers) gui::draw_timers(view, timers, sel, &open.timers);
      if (open.wakers) gui::draw_wakers(view, wakers, sel, &open.wakers);
      if (open.tasks) gui::draw_tasks(view, tasks, sel, &open.tasks);
      if (open.event_log) gui::draw_event_log(view, event_log, sel, &open.event_log);
      if (open.output) gui::draw_output(view, output, &open.output);
      if (timeline) {
        const double tl0 = thread_cpu_ms();
        gui::draw_timeline(view, view, pump.timeline(), tl_state, sel, &open.timeline);
        const double tl_cpu = thread_cpu_ms() - tl0;
        if (f % frames_per_phase >= 5) tl_ms[phase].add(tl_cpu);
      }
      ImGui::Render();
      const double cpu1 = thread_cpu_ms();
      vertices += ImGui::GetDrawData()->TotalVtxCount;
      for (int l = 0; l < ImGui::GetDrawData()->CmdListsCount; ++l)
        draw_calls += ImGui::GetDrawData()->CmdLists[l]->CmdBuffer.Size;
      int w = 0, h = 0;
      glfwGetFramebufferSize(win.window, &w, &h);
      glViewport(0, 0, w, h);
      // The panels' background colour: a panel that overlaps nothing draws none.
      const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
      glClearColor(bg.x, bg.y, bg.z, 1.0f);
      glClear(GL_COLOR_BUFFER_BIT);
      ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
      glFinish(); // llvmpipe rasterises here
      const auto t_gl = WallClock::now();
      if (shot && f == 2 * frames_per_phase - 1) gui::write_screenshot(shot, w, h);
      glfwSwapBuffers(win.window); // under Xvfb: a 4 MB copy to the X server
      glFinish();
      const auto t_end = WallClock::now();
      const double wall = std::chrono::duration<double, std::milli>(t_end - t0).count();
      if (timeline && f % frames_per_phase >= 5) tl_frame_ms[phase].add(wall);
      if (f >= 5) { // skip warm-up (atlas upload, first layout)
        frame_ms.add(wall);
        ui_ms.add(cpu1 - cpu0);
        swap_ms.add(std::chrono::duration<double, std::milli>(t_end - t_gl).count());
      }
      const std::uint64_t fold_ns = pump.stats().fold_ns + pump.stats().copy_ns;
      if (f >= 5) fold_ms.add(static_cast<double>(fold_ns - fold_ns_before) / 1e6);
      fold_ns_before = fold_ns;
      copies += pump.latest().serial != serial_before;
      serial_before = pump.latest().serial;
    }
    stop.store(true);
    producer.join();
    const record::Snapshot& last = pump.latest();
    std::printf("drew %d frames at %dx%d: %zu tasks, %zu events kept%s\n", total, 1280, 800,
                last.state.tasks.size(), last.events.count,
                drag ? ", the history bar dragged back and forth across them" : "");
    if (drag)
      std::printf("seek     median %6.2f ms   p95 %6.2f ms   max %6.2f ms   (%zu checkpoints, "
                  "%.1f%% of the store)\n",
                  seek_ms.pct(0.5), seek_ms.pct(0.95), seek_ms.pct(1.0), pump.checkpoints().count(),
                  100.0 * static_cast<double>(pump.checkpoints().bytes()) /
                      static_cast<double>(record::EventStore::bytes(last.events.count)));
    if (timeline) {
      const char* names[] = {"zoomed-out", "zoomed-in", "panning"};
      for (int p = 0; p < 3; ++p)
        std::printf("timeline %-10s frame median %6.2f ms   p95 %6.2f ms   timeline cpu median "
                    "%5.2f ms   p95 %5.2f ms   (targets: 16.7 ms, 2 ms)\n",
                    names[p], tl_frame_ms[p].pct(0.5), tl_frame_ms[p].pct(0.95), tl_ms[p].pct(0.5),
                    tl_ms[p].pct(0.95));
      std::printf("timeline %zu lanes, %zu timer threads; %s across when zoomed in\n",
                  pump.timeline().lane_count(last.events.count), tl_state.lanes.timers().size(),
                  gui::format_duration(zoomed_in_span_ns).c_str());
    }
    std::printf("frame    median %6.2f ms   p95 %6.2f ms   max %6.2f ms   (target <= 16.7 ms)\n",
                frame_ms.pct(0.5), frame_ms.pct(0.95), frame_ms.pct(1.0));
    // All threads (UI, llvmpipe's rasterisers, the pump, the producer): on a
    // busy machine wall time inflates, CPU time per frame does not.
    std::printf(
        "  process cpu (all threads) %.2f ms a frame; %.0f vertices, %.0f draw calls a frame\n",
        (process_cpu_ms() - process_cpu0) / total, vertices / total, draw_calls / total);
    std::printf("  of which buffer swap: median %6.2f ms   p95 %6.2f ms\n", swap_ms.pct(0.5),
                swap_ms.pct(0.95));
    std::printf("ui cpu   median %6.2f ms   p95 %6.2f ms   max %6.2f ms   (NewFrame..Render)\n",
                ui_ms.pct(0.5), ui_ms.pct(0.95), ui_ms.pct(1.0));
    std::printf("fold     median %6.2f ms   p95 %6.2f ms   max %6.2f ms   (pump thread: apply + "
                "snapshot copy)\n",
                fold_ms.pct(0.5), fold_ms.pct(0.95), fold_ms.pct(1.0));
    // Per-frame averages over the whole run, immune to how the pump's work
    // lands between frames: the fold's share of a frame, split in two.
    const record::PumpStats at_end = pump.stats();
    const double secs = std::chrono::duration<double>(WallClock::now() - t_draw).count();
    const double apply_avg = static_cast<double>(at_end.fold_ns - at_start.fold_ns) / 1e6 / total;
    const double copy_avg = static_cast<double>(at_end.copy_ns - at_start.copy_ns) / 1e6 / total;
    std::printf("fold     mean %.2f ms a frame = apply %.2f ms (%.0f events/s folded) + snapshot "
                "copy %.2f ms "
                "(%d snapshots taken)\n",
                apply_avg + copy_avg, apply_avg,
                static_cast<double>(at_end.events - at_start.events) / secs, copy_avg, copies);
    std::printf("ui cpu (median) + fold (mean): %.2f ms   (target <= 2 ms)\n",
                ui_ms.pct(0.5) + apply_avg + copy_avg);
  }

  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  gui::close_window(win.window);
  return 0;
}
