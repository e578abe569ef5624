// timeline [E] [T] [R]: the Timeline panel's model at the scale. A
// synthetic log of about E events (T yielding tasks, R timer threads that
// each sleep 1 ms and wake their task; the shape of a real yield + timers
// run, written directly so the benchmark measures the index, not the
// runtime) is appended to a fold::Timeline one event at a time, as the pump
// does; then frames of the queries a timeline frame makes are timed:
// zoomed all the way out, zoomed in on one poll, and panning. A frame: the
// executor lane's LOD query, both counter tracks, the arrows in view, 40
// visible timer lanes and the poll-duration histogram, at 1920 pixels.
#include "workloads.hpp"

#include "fold/fold.hpp"
#include "fold/timeline.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <random>
#include <span>
#include <vector>

namespace pollscope::bench {
namespace {

using fold::Timeline;

struct Gen {
  std::vector<Event>& log;
  std::uint64_t t = 0;
  std::uint64_t ticket = 0;
  std::size_t events = 0;
  void emit(EventKind k, ThreadIndex thread, TaskId task = 0, WakerId waker = 0, TimerId timer = 0,
            std::uint64_t a = 0, std::uint64_t b = 0, std::uint8_t flags = 0) {
    Event e;
    e.kind = k;
    e.t = t;
    e.thread = thread;
    e.task = task;
    e.waker = waker;
    e.timer = timer;
    e.a = a;
    e.b = b;
    e.flags = flags;
    log.push_back(e);
    ++events;
  }
};

// One frame's queries, each timed on its own, and the frame as a whole.
enum Part {
  kExecutorLane,
  kCounters,
  kArrows,
  kTimerLanes,
  kHistogram,
  kParts
};
constexpr const char* kPartNames[kParts] = {"executor_lane", "counters", "arrows", "timer_lanes",
                                            "histogram"};

struct Frame {
  std::vector<double> ms, cpu_ms; // wall, and this thread's CPU (steadier on a busy machine)
  std::array<std::vector<double>, kParts> part_ms;
  std::size_t items = 0; // what the last frame returned, for the report
};

} // namespace

Json timeline_bench(std::size_t target_events, std::size_t tasks, std::size_t timers) {
  std::vector<Event> log;
  log.reserve(target_events + 64);
  Gen g{log};
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::uint64_t> poll_ns(50, 150);

  // --- the log ---
  g.emit(EventKind::RuntimeStarted, 0, 0, 0, 0, tasks, 1);
  g.emit(EventKind::ThreadNamed, 1, 0, 0, 0, 0, static_cast<std::uint64_t>(Lane::Executor));
  g.emit(EventKind::ThreadNamed, 2, 0, 0, 0, 0, static_cast<std::uint64_t>(Lane::Control));
  std::deque<std::pair<TaskId, std::uint64_t>> queue; // (task, ticket)
  for (TaskId id = 1; id <= tasks; ++id) {
    g.emit(EventKind::TaskSpawned, 2, id);
    g.emit(EventKind::QueuePush, 2, id, 0, 0, g.ticket, queue.size() + 1);
    queue.emplace_back(id, g.ticket++);
    g.t += 10;
  }
  // Timer k starts in the poll after (k + 1) * spacing polls.
  const std::size_t polls_wanted = target_events / 5;
  const std::size_t spacing = std::max<std::size_t>(1, polls_wanted / (timers + 1));
  struct Sleeper {
    TimerId timer;
    TaskId task;
    ThreadIndex row;
    std::uint64_t deadline;
  };
  std::deque<Sleeper> sleeping;
  ThreadIndex rows = 2;
  TimerId next_timer = 1;
  std::size_t polls = 0;
  while (g.events < target_events && !queue.empty()) {
    // Timer threads whose deadline passed fire, wake and exit first.
    while (!sleeping.empty() && sleeping.front().deadline <= g.t) {
      const Sleeper s = sleeping.front();
      sleeping.pop_front();
      g.emit(EventKind::TimerFired, s.row, s.task, 0, s.timer);
      g.emit(EventKind::WakerWoken, s.row, s.task, 1'000'000 + s.timer, s.timer);
      g.emit(EventKind::QueuePush, s.row, s.task, 1'000'000 + s.timer, s.timer, g.ticket,
             queue.size() + 1);
      queue.emplace_back(s.task, g.ticket++);
      g.emit(EventKind::TimerThreadExited, s.row, s.task, 0, s.timer);
    }
    const auto [task, ticket] = queue.front();
    queue.pop_front();
    g.emit(EventKind::QueuePop, 1, task, 0, 0, ticket, queue.size());
    g.emit(EventKind::PollBegin, 1, task);
    const std::uint64_t begin = g.t;
    g.t += poll_ns(rng);
    ++polls;
    if (next_timer <= timers && polls % spacing == 0) {
      // The poll made a timer: its thread starts and sleeps 1 ms.
      const TimerId timer = next_timer++;
      g.emit(EventKind::TimerCreated, 1, task, 0, timer, g.t + 1'000'000, 1'000'000);
      g.emit(EventKind::PollEnd, 1, task, 0, 0, g.t - begin, 0);
      const ThreadIndex row = ++rows;
      g.emit(EventKind::ThreadNamed, row, 0, 0, timer, 0, static_cast<std::uint64_t>(Lane::Timer));
      g.emit(EventKind::TimerThreadStarted, row, task, 0, timer);
      g.emit(EventKind::TimerThreadWaiting, row, task, 0, timer, g.t + 1'000'000);
      sleeping.push_back({timer, task, row, g.t + 1'000'000});
    } else {
      // A yield: wake by ref, back of the queue.
      g.emit(EventKind::WakerWoken, 1, task, task, 0, 0, 0, kFlagByRef);
      g.emit(EventKind::QueuePush, 1, task, task, 0, g.ticket, queue.size() + 1);
      queue.emplace_back(task, g.ticket++);
      g.emit(EventKind::PollEnd, 1, task, 0, 0, g.t - begin, 0);
    }
    g.t += 20;
  }
  // --- build: the fold alone, for scale, then the timeline (what the
  // pump adds to every event) ---
  const auto f0 = SteadyClock::now();
  {
    fold::Fold fold;
    fold.apply(std::span<const Event>(log));
  }
  const double fold_ms = ns_since(f0) / 1e6;
  Timeline tl;
  const auto b0 = SteadyClock::now();
  for (const Event& e : log) tl.append(e);
  const double build_ms = ns_since(b0) / 1e6;
  const std::uint64_t n = g.events;
  std::vector<Event>().swap(log);
  const std::uint64_t t_end = tl.end_time(n) + 1;

  // --- frames ---
  std::vector<fold::LodItem> items;
  std::vector<fold::CounterItem> counter_items;
  std::vector<std::uint32_t> arrows;
  std::uint64_t sink = 0;
  const double px = 1920;
  auto frame = [&](std::uint64_t t0, std::uint64_t t1, Frame& f) {
    const auto s0 = SteadyClock::now();
    const std::uint64_t frame_cpu0 = thread_cpu_ns();
    std::size_t got = 0;
    auto part = [&](Part p, auto&& body) {
      const std::uint64_t c0 = thread_cpu_ns();
      body();
      f.part_ms[p].push_back(static_cast<double>(thread_cpu_ns() - c0) / 1e6);
    };
    part(kExecutorLane, [&] {
      tl.query(0, 0, t0, t1, px, n, items);
      got += items.size();
    });
    part(kCounters, [&] {
      for (fold::Counter c : {fold::Counter::QueueLength, fold::Counter::TimerThreads}) {
        tl.query(c, t0, t1, px, n, counter_items);
        got += counter_items.size();
      }
    });
    part(kArrows, [&] {
      tl.arrows_in(t0, t1, n, arrows, 4096);
      got += arrows.size();
    });
    // The 40 timer lanes a screen has room for, from the middle of the run.
    part(kTimerLanes, [&] {
      const std::size_t lanes = tl.lane_count(n);
      for (std::size_t l = lanes / 2; l < std::min(lanes, lanes / 2 + 40); ++l) {
        tl.query(static_cast<fold::LaneId>(l), 0, t0, t1, px, n, items);
        got += items.size();
      }
    });
    part(kHistogram, [&] { sink += tl.histogram(fold::Metric::PollDuration, n).total; });
    f.cpu_ms.push_back(static_cast<double>(thread_cpu_ns() - frame_cpu0) / 1e6);
    f.ms.push_back(ns_since(s0) / 1e6);
    f.items = got;
  };
  constexpr int kFrames = 300;
  Frame out, in, pan;
  for (int k = 0; k < kFrames; ++k) frame(0, t_end, out);
  // One poll in the middle of the run, with its own width on either side.
  const std::size_t mid = tl.span_count(0, 0, n) / 2;
  const fold::Span& poll = tl.span(0, 0, mid);
  const std::uint64_t w = std::max<std::uint64_t>(poll.duration(), 1);
  for (int k = 0; k < kFrames; ++k) frame(poll.begin_t - w, poll.end_t + w, in);
  // Panning: a window 1/1000 of the run, moved by 1/60 of its width a frame
  // (a drag across the screen in a second).
  const std::uint64_t width = std::max<std::uint64_t>(t_end / 1000, 1);
  for (int k = 0; k < kFrames; ++k) {
    const std::uint64_t t0 = t_end / 3 + static_cast<std::uint64_t>(k) * width / 60;
    frame(t0, t0 + width, pan);
  }
  auto report = [&](Json& j, const char* name, Frame& f) {
    std::sort(f.ms.begin(), f.ms.end());
    j[std::string(name) + "_median_ms"] = round_to(percentile(f.ms, 50), 4);
    j[std::string(name) + "_p95_ms"] = round_to(percentile(f.ms, 95), 4);
    j[std::string(name) + "_max_ms"] = round_to(f.ms.back(), 4);
    std::sort(f.cpu_ms.begin(), f.cpu_ms.end());
    j[std::string(name) + "_cpu_median_ms"] = round_to(percentile(f.cpu_ms, 50), 4);
    j[std::string(name) + "_cpu_p95_ms"] = round_to(percentile(f.cpu_ms, 95), 4);
    j[std::string(name) + "_items"] = f.items;
    for (int p = 0; p < kParts; ++p) {
      std::sort(f.part_ms[p].begin(), f.part_ms[p].end());
      j[std::string(name) + "_" + kPartNames[p] + "_cpu_median_ms"] =
          round_to(percentile(f.part_ms[p], 50), 4);
    }
  };
  // Click-to-seek and selecting a task, once each.
  const auto c0 = SteadyClock::now();
  sink += tl.event_near_time(t_end / 2, n);
  const double seek_ms = ns_since(c0) / 1e6;
  const auto a0 = SteadyClock::now();
  tl.arrows_of(static_cast<fold::TaskKey>(tasks / 2), n, arrows);
  const double arrows_of_ms = ns_since(a0) / 1e6;
  const auto h0 = SteadyClock::now();
  const fold::Histogram task_h =
      tl.task_histogram(fold::Metric::PollDuration, static_cast<fold::TaskKey>(tasks / 2), n);
  const double task_hist_ms = ns_since(h0) / 1e6;
  const auto k0 = SteadyClock::now();
  std::vector<fold::SampleRef> selected;
  const fold::Histogram all = tl.histogram(fold::Metric::PollDuration, n);
  tl.in_bucket(fold::Metric::PollDuration, all.first_bucket(), n, std::nullopt, selected);
  const double bucket_ms = ns_since(k0) / 1e6;

  Json j;
  j["exec"] = "pollscope";
  j["workload"] = "timeline";
  j["events"] = n;
  j["tasks"] = tasks;
  j["timer_threads"] = next_timer - 1;
  j["lanes"] = tl.lane_count(n);
  j["polls"] = polls;
  j["arrows"] = tl.arrow_count(n);
  j["build_ms"] = round_to(build_ms, 1);
  j["build_ns_per_event"] = round_to(build_ms * 1e6 / static_cast<double>(n), 1);
  j["fold_ns_per_event"] = round_to(fold_ms * 1e6 / static_cast<double>(n), 1);
  report(j, "zoomed_out_frame", out);
  report(j, "one_poll_frame", in);
  report(j, "panning_frame", pan);
  j["seek_lookup_ms"] = round_to(seek_ms, 4);
  j["arrows_of_task_ms"] = round_to(arrows_of_ms, 4);
  j["arrows_of_task"] = arrows.size();
  j["task_histogram_ms"] = round_to(task_hist_ms, 4);
  j["task_polls"] = task_h.total;
  j["select_bucket_ms"] = round_to(bucket_ms, 3);
  j["selected"] = selected.size();
  j["poll_p50_ns"] = all.p50();
  j["poll_p99_ns"] = all.p99();
  j["peak_rss_mb"] = round_to(static_cast<double>(vm_hwm_kb()) / 1024, 1);
  j["sink"] = sink % 10;
  return j;
}

} // namespace pollscope::bench
