// The timeline's rows: a thread that serves several timers at once (the
// timer driver of --timer-policy timer-thread) gives each timer a row of its
// lane for its life, so that the spans of one row never overlap. Checked on
// a hand-made log whose rows are known, and on a real random-timers run
// under the timer-thread policy.
#include "fold/timeline.hpp"
#include "runtime/clock.hpp"
#include "runtime/event_log.hpp"
#include "runtime/executor.hpp"
#include "runtime/runtime_context.hpp"
#include "runtime/scenarios.hpp"
#include "runtime/string_table.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <vector>

namespace pollscope::fold {
namespace {

// Appends hand-made events to a timeline.
struct Log {
  Timeline tl;
  void add(EventKind k, std::uint64_t t, ThreadIndex thread, TimerId timer = 0, std::uint64_t a = 0,
           std::uint64_t b = 0, std::uint8_t flags = 0) {
    Event e;
    e.kind = k;
    e.t = t;
    e.thread = thread;
    e.task = timer; // timer k serves task k
    e.timer = timer;
    e.a = a;
    e.b = b;
    e.flags = flags;
    tl.append(e);
  }
  void named(ThreadIndex row, Lane kind) {
    add(EventKind::ThreadNamed, 0, row, 0, 0, static_cast<std::uint64_t>(kind));
  }
  [[nodiscard]] std::uint64_t n() const { return tl.writer_events(); }
  // The spans of row r of a lane.
  [[nodiscard]] std::vector<Span> row(LaneId lane, std::size_t r) const {
    std::vector<Span> out;
    const std::size_t track = Timeline::row_track(r);
    for (std::size_t i = 0; i < tl.span_count(lane, track, n()); ++i)
      out.push_back(tl.span(lane, track, i));
    return out;
  }
};

// Spans of one row: sorted, never overlapping.
void check_row(const std::vector<Span>& spans) {
  for (std::size_t i = 1; i < spans.size(); ++i) {
    CAPTURE(i);
    CHECK(spans[i - 1].end_t <= spans[i].begin_t);
    CHECK(spans[i - 1].end_event < spans[i].end_event);
  }
}

TEST_CASE("timers one thread serves at once get a row each, and a freed row is used again") {
  Log g;
  g.named(1, Lane::Executor);
  g.named(2, Lane::Timer); // the timer driver: lane 1
  const LaneId driver = 1;
  // Timers 1, 2, 3 armed at 10, 11, 12 with deadlines 100, 50, 80.
  const std::uint64_t before_second = [&] {
    g.add(EventKind::TimerThreadStarted, 10, 2, 1);
    g.add(EventKind::TimerThreadWaiting, 10, 2, 1, 100);
    return g.n();
  }();
  g.add(EventKind::TimerThreadStarted, 11, 2, 2);
  g.add(EventKind::TimerThreadWaiting, 11, 2, 2, 50);
  g.add(EventKind::TimerThreadStarted, 12, 2, 3);
  g.add(EventKind::TimerThreadWaiting, 12, 2, 3, 80);
  CHECK(g.tl.row_count(driver, before_second) == 1);
  CHECK(g.tl.row_count(driver, g.n()) == 3);
  // They fire in deadline order, each exiting after its wake.
  for (const auto& [timer, t] : {std::pair{2u, 50u}, {3u, 80u}, {1u, 100u}}) {
    g.add(EventKind::TimerFired, t, 2, timer);
    g.add(EventKind::TimerThreadExited, t + 1, 2, timer);
  }
  // Timer 4 comes later: the row freed last (timer 1's, row 0) takes it.
  g.add(EventKind::TimerThreadStarted, 200, 2, 4);
  g.add(EventKind::TimerThreadWaiting, 200, 2, 4, 300);
  g.add(EventKind::TimerFired, 300, 2, 4);
  g.add(EventKind::TimerThreadExited, 301, 2, 4, 0, 0);
  const std::uint64_t n = g.n();
  REQUIRE(g.tl.row_count(driver, n) == 3);
  CHECK(g.tl.row_count(0, n) == 1); // the executor serves no timer

  // Row by row: whose spans, which kinds, from when to when.
  std::map<TimerId, std::size_t> row_of;
  for (std::size_t r = 0; r < 3; ++r) {
    const std::vector<Span> spans = g.row(driver, r);
    check_row(spans);
    for (const Span& s : spans) row_of.emplace(s.timer, r);
  }
  CHECK(row_of.at(1) == 0);
  CHECK(row_of.at(2) == 1);
  CHECK(row_of.at(3) == 2);
  CHECK(row_of.at(4) == 0);
  const std::vector<Span> row0 = g.row(driver, 0);
  REQUIRE(row0.size() == 6); // timer 1: started, waiting, fired; then timer 4's
  CHECK(row0[1].kind == SpanKind::TimerWaiting);
  CHECK(row0[1].begin_t == 10);
  CHECK(row0[1].end_t == 100); // not cut short by timers 2 and 3
  CHECK(row0[1].extra == 100);
  CHECK(row0[4].kind == SpanKind::TimerWaiting);
  CHECK(row0[4].timer == 4);
  const std::vector<Span> row1 = g.row(driver, 1);
  REQUIRE(row1.size() == 3);
  CHECK(row1[1].kind == SpanKind::TimerWaiting);
  CHECK(row1[1].begin_t == 11);
  CHECK(row1[1].end_t == 50);
  CHECK(row1[2].kind == SpanKind::TimerFired);
  CHECK(row1[2].end_t == 51);

  // The level-of-detail query works on a row as on any track.
  std::vector<LodItem> items;
  g.tl.query(driver, Timeline::row_track(2), 0, 400, 400, n, items);
  REQUIRE(items.size() == 2); // started (12-12) and waiting (12-80) share column 12
  CHECK(items[0].count == 2);
  CHECK(items[0].begin_t == 12);
  CHECK(items[0].end_t == 80);
  CHECK(items[0].longest == 1);
  CHECK(items[1].begin_t == 80);

  // Every lateness sample names its timer's waiting span, on its row.
  std::vector<SampleRef> late;
  const Histogram h = g.tl.histogram(Metric::TimerLateness, n);
  CHECK(h.total == 4);
  for (std::size_t b = 0; b < Histogram::kBuckets; ++b) {
    g.tl.in_bucket(Metric::TimerLateness, b, n, std::nullopt, late);
    for (const SampleRef& ref : late) {
      const std::optional<Span> s = g.tl.find_span(ref.span, n);
      REQUIRE(s.has_value());
      CHECK(s->kind == SpanKind::TimerWaiting);
      CHECK(s->task == ref.task);
      CHECK(ref.span.track == Timeline::row_track(row_of.at(s->timer)));
    }
  }
}

TEST_CASE("a timer the executor's own thread serves gets a row of its own, not its polls' row") {
  Log g;
  g.named(1, Lane::Executor);
  g.add(EventKind::PollBegin, 10, 1, 7);
  // A poll that armed a timer after a cancel: the timer starts and exits at
  // once on the executor's thread, inside the poll.
  g.add(EventKind::TimerThreadStarted, 11, 1, 5);
  g.add(EventKind::TimerThreadExited, 12, 1, 5, 0, 0, kFlagCancelled);
  g.add(EventKind::PollEnd, 20, 1, 7);
  const std::uint64_t n = g.n();
  CHECK(g.tl.row_count(0, n) == 2);
  const std::vector<Span> polls = g.row(0, 0);
  REQUIRE(polls.size() == 1);
  CHECK(polls[0].kind == SpanKind::Poll);
  CHECK(polls[0].begin_t == 10);
  CHECK(polls[0].end_t == 20);
  const std::vector<Span> timer = g.row(0, 1);
  REQUIRE(timer.size() == 1);
  CHECK(timer[0].kind == SpanKind::TimerStarting);
  CHECK(timer[0].timer == 5);
}

TEST_CASE("under the timer-thread policy the driver's lane holds every timer's wait, on rows that "
          "never overlap") {
  VirtualClock clock(/*auto_advance=*/true);
  StringTable strings;
  EventLog log(1u << 14);
  RuntimeContext::Options o{&clock, &strings, &log, /*introspection=*/true};
  o.timer_policy = TimerPolicy::TimerThread;
  std::vector<Event> events;
  {
    RuntimeContext rt(o);
    auto [executor, spawner] = executor_and_spawner(rt);
    const Scenario* s = find_scenario("random-timers");
    REQUIRE(s != nullptr);
    ScenarioParams params;
    params.count = 30;
    REQUIRE(s->spawn(spawner, params));
    spawner = Spawner{};
    executor.run();
  }
  log.drain(events);
  Timeline tl;
  for (const Event& e : events) tl.append(e);
  const std::uint64_t n = events.size();

  std::size_t timer_lanes = 0, waits = 0, max_rows = 0;
  for (LaneId l = 0; l < tl.lane_count(n); ++l) {
    if (tl.lane(l).kind != Lane::Timer) continue;
    ++timer_lanes;
    max_rows = std::max(max_rows, tl.row_count(l, n));
    for (std::size_t r = 0; r < tl.row_count(l, n); ++r) {
      std::vector<Span> spans;
      const std::size_t track = Timeline::row_track(r);
      for (std::size_t i = 0; i < tl.span_count(l, track, n); ++i) {
        spans.push_back(tl.span(l, track, i));
        if (spans.back().kind == SpanKind::TimerWaiting) {
          ++waits;
          CHECK(spans.back().end_t >= spans.back().begin_t);
        }
      }
      CAPTURE(r);
      check_row(spans);
    }
  }
  CHECK(timer_lanes == 1); // one driver thread
  CHECK(waits == 30);      // every timer's wait, none cut short by another's start
  CHECK(max_rows > 1);     // random-timers' timers wait side by side
  CHECK(max_rows <= 30);
  // Every wake from the driver's lane lands on a poll of its own task.
  for (std::size_t k = 0; k < tl.arrow_count(n); ++k) {
    const Arrow a = tl.arrow(k);
    if (a.kind != ArrowKind::Wake || tl.lane(a.from_thread - 1).kind != Lane::Timer) continue;
    CHECK(events.at(a.from_event).task == a.task);
    CHECK(tl.span(a.poll).task == a.task);
  }
}

} // namespace
} // namespace pollscope::fold
