// The timeline's level-of-detail index, built one event at a time, against a
// naive recompute: the spans each lane should hold (known to the generator
// that wrote the log, or read back one by one), grouped by pixel column the
// way timeline.hpp defines it, at every prefix checked and at every zoom.
#include "workload.hpp"

#include "fold/timeline.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <random>
#include <thread>
#include <vector>

namespace pollscope::fold {
namespace {

// --- a synthetic log with the spans it must make ---------------------------------

struct Expected {
  LaneId lane = 0;
  std::size_t track = 0;
  Span span; // begin_t, end_t, kind, begin_event, end_event
};

struct Synth {
  std::vector<Event> log;
  std::vector<Expected> spans;
  std::uint64_t end_t = 0;
};

// One executor (row 1), one spawner (row 2), `timers` timer threads (rows
// 3...): polls of random length (zero-length and very long ones too), waits on
// an empty queue between some of them, a blocked send now and then, and every
// timer thread's life. Each lane's times only grow; the lanes interleave.
Synth synthesise(std::uint32_t seed, std::size_t polls, std::size_t timers) {
  std::mt19937_64 rng(seed);
  auto pick = [&](std::uint64_t lo, std::uint64_t hi) {
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
  };
  // (time, lane order, sequence) sorts the lanes' events into one log.
  struct Pending {
    std::uint64_t t;
    std::size_t lane, seq;
    Event e;
    int closes = -1; // index into spans
  };
  std::vector<Pending> all;
  Synth out;
  auto add = [&](std::size_t lane, Event e, int closes = -1) {
    all.push_back({e.t, lane, all.size(), e, closes});
  };
  auto expect = [&](LaneId lane, std::size_t track, SpanKind kind, std::uint64_t b,
                    std::uint64_t e) {
    Expected x;
    x.lane = lane;
    x.track = track;
    x.span.kind = kind;
    x.span.begin_t = b;
    x.span.end_t = e;
    out.spans.push_back(x);
    return static_cast<int>(out.spans.size() - 1);
  };
  auto ev = [](EventKind k, std::uint64_t t, ThreadIndex thread) {
    Event e;
    e.kind = k;
    e.t = t;
    e.thread = thread;
    return e;
  };
  // The executor.
  std::uint64_t t = 1000, ticket = 0;
  for (std::size_t p = 0; p < polls; ++p) {
    if (pick(0, 9) < 3) {
      const std::uint64_t w = t;
      add(0, ev(EventKind::ExecutorWaiting, w, 1));
      t += pick(0, 9) == 0 ? pick(0, 50'000'000) : pick(0, 5000);
      Event pop = ev(EventKind::QueuePop, t, 1);
      pop.task = 1 + static_cast<TaskId>(p % 17);
      pop.a = ticket++;
      pop.b = pick(0, 20);
      add(0, pop, expect(0, 0, SpanKind::WaitingEmpty, w, t));
    } else {
      Event pop = ev(EventKind::QueuePop, t, 1);
      pop.task = 1 + static_cast<TaskId>(p % 17);
      pop.a = ticket++;
      pop.b = pick(0, 20);
      add(0, pop);
    }
    const std::uint64_t b = t;
    Event begin = ev(EventKind::PollBegin, b, 1);
    begin.task = 1 + static_cast<TaskId>(p % 17);
    add(0, begin);
    const std::uint64_t r = pick(0, 99);
    t += r == 0 ? 0 : r == 1 ? pick(1'000'000, 100'000'000) : pick(1, 3000);
    Event end = ev(EventKind::PollEnd, t, 1);
    end.task = begin.task;
    end.a = t - b;
    add(0, end, expect(0, 0, SpanKind::Poll, b, t));
    t += pick(0, 300);
  }
  const std::uint64_t horizon = t;
  // The spawner: pushes (queue-length samples) and some blocked sends.
  std::uint64_t s = 500;
  while (s < horizon) {
    if (pick(0, 9) == 0) {
      const std::uint64_t b = s;
      add(1, ev(EventKind::SendBlocked, b, 2));
      s += pick(0, 100'000);
      add(1, ev(EventKind::SendUnblocked, s, 2), expect(1, 1, SpanKind::BlockedSend, b, s));
    }
    Event push = ev(EventKind::QueuePush, s, 2);
    push.task = 1;
    push.a = 1'000'000 + s;
    push.b = pick(0, 20);
    add(1, push);
    s += pick(1, horizon / 200 + 1);
  }
  // The timer threads.
  for (std::size_t k = 0; k < timers; ++k) {
    const auto row = static_cast<ThreadIndex>(3 + k);
    const auto lane = static_cast<LaneId>(row - 1);
    const std::uint64_t st = pick(0, horizon);
    const std::uint64_t w = st + pick(0, 10'000);
    const std::uint64_t deadline = w + pick(0, horizon / 4);
    const std::uint64_t f = deadline + pick(0, 100'000);
    const std::uint64_t x = f + pick(0, 10'000);
    Event e = ev(EventKind::TimerThreadStarted, st, row);
    e.timer = static_cast<TimerId>(k + 1);
    add(2 + k, e);
    e = ev(EventKind::TimerThreadWaiting, w, row);
    e.timer = static_cast<TimerId>(k + 1);
    e.a = deadline;
    add(2 + k, e, expect(lane, 0, SpanKind::TimerStarting, st, w));
    e = ev(EventKind::TimerFired, f, row);
    e.timer = static_cast<TimerId>(k + 1);
    add(2 + k, e, expect(lane, 0, SpanKind::TimerWaiting, w, f));
    e = ev(EventKind::TimerThreadExited, x, row);
    e.timer = static_cast<TimerId>(k + 1);
    add(2 + k, e, expect(lane, 0, SpanKind::TimerFired, f, x));
    out.end_t = std::max(out.end_t, x);
  }
  out.end_t = std::max(out.end_t, horizon);
  std::stable_sort(all.begin(), all.end(), [](const Pending& a, const Pending& b) {
    return a.t != b.t ? a.t < b.t : a.lane != b.lane ? a.lane < b.lane : a.seq < b.seq;
  });
  // The log: the runtime, the thread table, then the lanes' events.
  Event started = ev(EventKind::RuntimeStarted, 0, 0);
  started.a = 64;
  started.b = 1;
  out.log.push_back(started);
  for (std::size_t row = 1; row <= 2 + timers; ++row) {
    Event named = ev(EventKind::ThreadNamed, 0, static_cast<ThreadIndex>(row));
    named.b = static_cast<std::uint64_t>(row == 1   ? Lane::Executor
                                         : row == 2 ? Lane::Control
                                                    : Lane::Timer);
    named.timer = row > 2 ? static_cast<TimerId>(row - 2) : 0;
    out.log.push_back(named);
  }
  for (const Pending& p : all) {
    if (p.closes >= 0)
      out.spans[static_cast<std::size_t>(p.closes)].span.end_event = out.log.size();
    out.log.push_back(p.e);
  }
  return out;
}

// --- the naive recompute -----------------------------------------------------------

std::uint64_t column(std::uint64_t t, std::uint64_t t0, std::uint64_t t1, double pixels) {
  const double scale = t1 > t0 && pixels > 0 ? pixels / static_cast<double>(t1 - t0) : 0.0;
  const std::uint64_t d = t > t0 ? t - t0 : 0;
  return static_cast<std::uint64_t>(std::floor(static_cast<double>(d) * scale));
}

// Groups a track's spans (in order) as the index must: every span that
// overlaps [t0, t1], by the column it begins in.
std::vector<LodItem> naive(const std::vector<Span>& spans, std::uint64_t t0, std::uint64_t t1,
                           double pixels) {
  std::vector<LodItem> out;
  std::uint64_t col = 0;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const Span& s = spans[i];
    if (s.end_t < t0 || s.begin_t > t1) continue;
    const std::uint64_t c = column(s.begin_t, t0, t1, pixels);
    if (out.empty() || c != col) {
      out.push_back(LodItem{s.begin_t, s.end_t, 0, static_cast<std::uint32_t>(i), 0,
                            static_cast<std::uint32_t>(i)});
      col = c;
    }
    LodItem& item = out.back();
    item.end_t = s.end_t;
    item.busy_ns += s.duration();
    if (s.duration() > spans[item.longest].duration()) item.longest = static_cast<std::uint32_t>(i);
    ++item.count;
  }
  return out;
}

// The spans of a lane's track, read back one by one (the index's own answer,
// walked in full: what the LOD query must not need to do).
std::vector<Span> read_back(const Timeline& tl, LaneId lane, std::size_t track,
                            std::uint64_t upto) {
  std::vector<Span> out;
  for (std::size_t i = 0; i < tl.span_count(lane, track, upto); ++i)
    out.push_back(tl.span(lane, track, i));
  return out;
}

// Every track of every lane, at a spread of zooms and windows.
void check_zooms(const Timeline& tl, std::uint64_t upto, std::uint64_t end_t, std::mt19937& rng,
                 std::size_t max_lanes = SIZE_MAX, int random_views = 6) {
  std::vector<LodItem> got;
  for (LaneId lane = 0; lane < std::min(tl.lane_count(upto), max_lanes); ++lane) {
    for (std::size_t track = 0; track < kTracks; ++track) {
      const std::vector<Span> spans = read_back(tl, lane, track, upto);
      // Sorted and never overlapping: what the binary searches rely on.
      for (std::size_t i = 1; i < spans.size(); ++i)
        REQUIRE(spans[i - 1].end_t <= spans[i].begin_t);
      std::vector<std::tuple<std::uint64_t, std::uint64_t, double>> views = {
          {0, end_t, 1},         {0, end_t, 7},   {0, end_t, 100},
          {0, end_t, 1920},      {0, end_t, 1e7}, {end_t / 3, end_t / 3, 100},
          {0, end_t / 1000, 800}};
      for (int k = 0; k < random_views; ++k) {
        const std::uint64_t a = std::uniform_int_distribution<std::uint64_t>(0, end_t)(rng);
        const std::uint64_t span =
            std::uniform_int_distribution<std::uint64_t>(0, end_t >> (k % 20))(rng);
        const double px = std::uniform_real_distribution<double>(1, 4000)(rng);
        views.emplace_back(a, a + span, px);
      }
      for (const auto& [t0, t1, px] : views) {
        CAPTURE(lane);
        CAPTURE(track);
        CAPTURE(t0);
        CAPTURE(t1);
        CAPTURE(px);
        tl.query(lane, track, t0, t1, px, upto, got);
        const std::vector<LodItem> want = naive(spans, t0, t1, px);
        REQUIRE(got == want);
        CHECK(got.size() <= static_cast<std::size_t>(px) + 1);
      }
    }
  }
}

TEST_CASE("the level-of-detail index, built one event at a time, matches a naive recompute at "
          "every zoom level and every prefix") {
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    CAPTURE(seed);
    const Synth s = synthesise(seed, 200 + seed * 250, seed % 4 == 0 ? 0 : seed * 3);
    Timeline tl;
    std::mt19937 rng(seed);
    // Checked at five prefixes while it is built, the last one the end.
    std::vector<std::uint64_t> checks;
    for (int k = 1; k <= 5; ++k) checks.push_back(s.log.size() * static_cast<std::uint64_t>(k) / 5);
    std::size_t next = 0;
    for (std::uint64_t i = 0; i < s.log.size(); ++i) {
      tl.append(s.log[i]);
      if (next < checks.size() && i + 1 == checks[next]) {
        const std::uint64_t upto = i + 1;
        ++next;
        // The spans are exactly the ones the generator closed within the prefix.
        std::map<std::pair<LaneId, std::size_t>, std::vector<Span>> want;
        for (const Expected& x : s.spans)
          if (x.span.end_event < upto) want[{x.lane, x.track}].push_back(x.span);
        for (const auto& [where, spans] : want) {
          const std::vector<Span> got = read_back(tl, where.first, where.second, upto);
          REQUIRE(got.size() == spans.size());
          for (std::size_t k = 0; k < got.size(); ++k) {
            CAPTURE(k);
            CHECK(got[k].kind == spans[k].kind);
            CHECK(got[k].begin_t == spans[k].begin_t);
            CHECK(got[k].end_t == spans[k].end_t);
            CHECK(got[k].end_event == spans[k].end_event);
          }
        }
        check_zooms(tl, upto, s.end_t, rng);
      }
    }
  }
}

TEST_CASE("on a long executor lane every level of the pyramid is used and still matches the "
          "naive recompute") {
  // 70,000 polls and waits: blocks of 16, 256, 4096 and 65536 spans.
  const Synth s = synthesise(99, 70'000, 2);
  Timeline tl;
  std::mt19937 rng(99);
  for (std::uint64_t i = 0; i < s.log.size(); ++i) {
    tl.append(s.log[i]);
    if (i + 1 == s.log.size() / 2 || i + 1 == s.log.size())
      check_zooms(tl, i + 1, s.end_t, rng, /*max_lanes=*/1, /*random_views=*/4);
  }
  CHECK(tl.span_count(0, 0, s.log.size()) > 65536);
}

TEST_CASE("the counter tracks' per-column min, max and last match a naive recompute") {
  const Synth s = synthesise(7, 3000, 40);
  Timeline tl;
  for (const Event& e : s.log) tl.append(e);
  const std::uint64_t upto = s.log.size();
  std::mt19937 rng(7);
  for (Counter c : {Counter::QueueLength, Counter::TimerThreads}) {
    std::vector<CounterSample> samples;
    for (std::size_t i = 0; i < tl.sample_count(c, upto); ++i) samples.push_back(tl.sample(c, i));
    REQUIRE(!samples.empty());
    if (c == Counter::TimerThreads) CHECK(samples.back().value == 0); // all exited
    for (int k = 0; k < 40; ++k) {
      const std::uint64_t t0 = std::uniform_int_distribution<std::uint64_t>(0, s.end_t)(rng);
      const std::uint64_t t1 = t0 + std::uniform_int_distribution<std::uint64_t>(0, s.end_t)(rng);
      const double px = k % 5 == 0 ? 3 : 1000;
      std::vector<CounterItem> want;
      std::size_t i = 0;
      while (i < samples.size() && samples[i].t < t0) ++i;
      if (i > 0) --i;
      std::uint64_t col = 0;
      for (; i < samples.size() && samples[i].t <= t1; ++i) {
        const CounterSample& x = samples[i];
        const std::uint64_t cc = column(x.t, t0, t1, px);
        if (want.empty() || cc != col) {
          want.push_back(
              CounterItem{x.t, x.t, x.value, x.value, x.value, static_cast<std::uint32_t>(i), 0});
          col = cc;
        }
        CounterItem& item = want.back();
        item.end_t = x.t;
        item.min = std::min(item.min, x.value);
        item.max = std::max(item.max, x.value);
        item.last = x.value;
        ++item.count;
      }
      std::vector<CounterItem> got;
      tl.query(c, t0, t1, px, upto, got);
      CAPTURE(t0);
      CAPTURE(t1);
      REQUIRE(got == want);
    }
  }
}

// The fold's random workloads (spawns, polls, timers, wakes, blocked sends,
// mode changes, resets), given a thread table: executor, spawner, and one
// thread per timer.
std::vector<Event> threaded(const std::vector<Event>& log) {
  std::vector<Event> out;
  std::map<TimerId, ThreadIndex> timer_rows;
  ThreadIndex rows = 0;
  auto name = [&](Lane lane, TimerId timer) {
    Event e;
    e.kind = EventKind::ThreadNamed;
    e.thread = ++rows;
    e.b = static_cast<std::uint64_t>(lane);
    e.timer = timer;
    out.push_back(e);
    return rows;
  };
  const ThreadIndex exec = name(Lane::Executor, 0);
  const ThreadIndex spawner = name(Lane::External, 0);
  for (Event e : log) {
    if (e.lane == Lane::Executor)
      e.thread = exec;
    else if (e.lane == Lane::Timer && e.timer != 0) {
      auto it = timer_rows.find(e.timer);
      if (it == timer_rows.end() || e.kind == EventKind::TimerThreadStarted)
        it = timer_rows.insert_or_assign(e.timer, name(Lane::Timer, e.timer)).first;
      e.thread = it->second;
    } else
      e.thread = spawner;
    out.push_back(e);
  }
  return out;
}

TEST_CASE("over the fold's random workloads, resets and mode changes included, every lane's "
          "spans are ordered and the index matches a naive recompute") {
  for (std::uint32_t seed = 1; seed <= 30; ++seed) {
    CAPTURE(seed);
    test::Workload w(seed, 1 + seed % 8);
    for (int k = 0; k < 400; ++k) w.step();
    const std::vector<Event> log = threaded(w.s.log);
    Timeline tl;
    std::mt19937 rng(seed);
    std::uint64_t end_t = 0;
    for (std::uint64_t i = 0; i < log.size(); ++i) {
      tl.append(log[i]);
      if ((i + 1) % (log.size() / 3 + 1) == 0 || i + 1 == log.size()) {
        end_t = tl.end_time(i + 1) + 10'000'000;
        check_zooms(tl, i + 1, end_t, rng);
      }
    }
    // Every closed poll is one span of the executor's lane.
    std::size_t polls = 0;
    for (std::size_t i = 0; i < tl.span_count(0, 0, log.size()); ++i)
      if (tl.span(0, 0, i).kind == SpanKind::Poll) ++polls;
    CHECK(polls == tl.histogram(Metric::PollDuration, log.size()).total);
  }
}

TEST_CASE("a reader querying at the published count while the writer appends sees whole, "
          "consistent spans") {
  const Synth s = synthesise(3, 20000, 200);
  Timeline tl;
  std::atomic<std::uint64_t> published{0};
  std::atomic<bool> done{false};
  // The reader thread plays the UI: it queries at whatever count the writer
  // last published (the pump's snapshot hand-off, here an atomic), until the
  // writer is done. No sleeps: it checks every count it sees.
  std::uint64_t checked = 0;
  bool ok = true;
  std::thread reader([&] {
    std::vector<LodItem> items;
    while (!done.load(std::memory_order_acquire)) {
      const std::uint64_t upto = published.load(std::memory_order_acquire);
      for (LaneId lane = 0; lane < std::min<std::size_t>(tl.lane_count(upto), 4); ++lane) {
        tl.query(lane, 0, 0, s.end_t, 500, upto, items);
        std::uint64_t count = 0;
        for (const LodItem& it : items) count += it.count;
        if (count > tl.span_count(lane, 0, upto)) ok = false;
        for (const LodItem& it : items)
          if (tl.span(lane, 0, it.first).end_event >= upto) ok = false;
      }
      (void)tl.histogram(Metric::PollDuration, upto);
      ++checked;
    }
  });
  for (std::uint64_t i = 0; i < s.log.size(); ++i) {
    tl.append(s.log[i]);
    published.store(i + 1, std::memory_order_release);
  }
  done.store(true, std::memory_order_release);
  reader.join();
  CHECK(ok);
  CHECK(tl.span_count(0, 0, s.log.size()) > 20000);
}

TEST_CASE("the executor lane shows paused, waiting for a step and waiting on an empty queue "
          "between its polls") {
  Timeline tl;
  std::uint64_t t = 0;
  auto add = [&](EventKind k, ThreadIndex thread, std::uint64_t a = 0, std::uint64_t b = 0) {
    Event e;
    e.kind = k;
    e.t = t += 100;
    e.thread = thread;
    e.task = 1;
    e.a = a;
    e.b = b;
    tl.append(e);
  };
  add(EventKind::ThreadNamed, 1, 0, static_cast<std::uint64_t>(Lane::Executor));
  add(EventKind::ThreadNamed, 2, 0, static_cast<std::uint64_t>(Lane::Control));
  add(EventKind::ExecutorMode, 2, static_cast<std::uint64_t>(ExecutorMode::Pause)); // paused
  add(EventKind::ExecutorMode, 2, static_cast<std::uint64_t>(ExecutorMode::Step));  // no step owed
  add(EventKind::StepRequested, 2, 1);                                              // one owed
  add(EventKind::QueuePop, 1, 0, 0);                                                // pays it
  add(EventKind::PollBegin, 1);
  add(EventKind::PollEnd, 1); // Step mode, nothing owed: waiting for a step again
  add(EventKind::ExecutorMode, 2, static_cast<std::uint64_t>(ExecutorMode::Run));
  add(EventKind::ExecutorWaiting, 1); // the queue is empty
  add(EventKind::QueuePop, 1, 1, 0);
  const std::uint64_t n = tl.writer_events();
  std::vector<SpanKind> kinds;
  for (std::size_t i = 0; i < tl.span_count(0, 0, n); ++i) kinds.push_back(tl.span(0, 0, i).kind);
  CHECK(kinds == std::vector<SpanKind>{SpanKind::Paused, SpanKind::StepWait, SpanKind::Poll,
                                       SpanKind::StepWait, SpanKind::WaitingEmpty});
  // Paused from Pause to Step; a step owed from StepRequested on, so no
  // span until the poll (the pop pays the step and hands over the task);
  // then a step wait until Run, and the wait on the empty queue to its pop.
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> want = {
      {300, 400}, {400, 500}, {700, 800}, {800, 900}, {1000, 1100}};
  for (std::size_t i = 0; i < kinds.size() && i < want.size(); ++i) {
    CAPTURE(i);
    CHECK(tl.span(0, 0, i).begin_t == want[i].first);
    CHECK(tl.span(0, 0, i).end_t == want[i].second);
  }
}

TEST_CASE("a corrupt log's far-out rows, ids and tickets make no lanes or entries of their own") {
  Timeline tl;
  auto add = [&](EventKind k, ThreadIndex thread, TaskId task, std::uint64_t a) {
    Event e;
    e.kind = k;
    e.thread = thread;
    e.task = task;
    e.a = a;
    tl.append(e);
  };
  add(EventKind::ThreadNamed, 4'000'000'000u, 0, 0);
  add(EventKind::ThreadNamed, 3, 0, 0); // two rows missing: filled in
  add(EventKind::TaskSpawned, 2, 4'000'000'000u, 0);
  add(EventKind::QueuePush, 2, 4'000'000'000u, UINT64_MAX);
  add(EventKind::QueuePush, 2, 7, 5);
  add(EventKind::QueuePop, 1, 4'000'000'000u, UINT64_MAX);
  add(EventKind::PollBegin, 1, 4'000'000'000u, 0);
  add(EventKind::PollEnd, 1, 4'000'000'000u, 0);
  const std::uint64_t n = tl.writer_events();
  CHECK(tl.lane_count(n) == 3);
  CHECK(tl.arrow_count(n) == 1); // the spawn, through its odd ticket
  CHECK(tl.span_count(0, 0, n) == 1);
  CHECK(tl.histogram(Metric::PollDuration, n).total == 1);
}

} // namespace
} // namespace pollscope::fold

namespace pollscope::fold {
namespace {

TEST_CASE("a row named after a later row gets its name and kind on its own lane") {
  // Threads take rows when they first log but name them in their own first
  // event: join's timer threads can name rows 4 and 5 before row 3.
  Timeline tl;
  auto named = [&](ThreadIndex row, Lane kind, TimerId timer) {
    Event e;
    e.kind = EventKind::ThreadNamed;
    e.thread = row;
    e.timer = timer;
    e.b = static_cast<std::uint64_t>(kind); // field::thread_lane reads b
    tl.append(e);
  };
  named(1, Lane::Executor, 0);
  named(3, Lane::Timer, 2);
  const std::uint64_t before = tl.writer_events();
  CHECK(tl.lane_count(before) == 3);
  CHECK(tl.lane(1).kind == Lane::External); // row 2: not named yet
  named(2, Lane::Timer, 1);
  CHECK(tl.lane_count(tl.writer_events()) == 3);
  CHECK(tl.lane(1).thread == 2);
  CHECK(tl.lane(1).kind == Lane::Timer);
  CHECK(tl.lane(1).timer == 1);
  CHECK(tl.lane(2).timer == 2);
  named(2, Lane::Control, 0); // a second naming of a row changes nothing
  CHECK(tl.lane(1).kind == Lane::Timer);
}

} // namespace
} // namespace pollscope::fold
