// The timeline's arrows on real runs: the book's scenarios on the virtual
// clock, each arrow checked end to end against the log by hand: it starts at
// the wake (or spawn) event, passes the QueuePush that wake made, and ends at
// the PollBegin that push led to.
#include "fold/fold.hpp"
#include "fold/timeline.hpp"
#include "runtime/clock.hpp"
#include "runtime/event_log.hpp"
#include "runtime/executor.hpp"
#include "runtime/runtime_context.hpp"
#include "runtime/scenarios.hpp"
#include "runtime/string_table.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string_view>
#include <vector>

namespace pollscope::fold {
namespace {

struct Run {
  std::vector<Event> events;
  Timeline timeline;
  Fold fold;
};

// Runs a bundled scenario to its end on the virtual clock; folds and indexes
// every event.
void run_scenario(std::string_view name, Run& out, unsigned count = 10) {
  VirtualClock clock(/*auto_advance=*/true);
  StringTable strings;
  EventLog log(1u << 14);
  RuntimeContext rt(RuntimeContext::Options{&clock, &strings, &log, /*introspection=*/true});
  {
    auto [executor, spawner] = executor_and_spawner(rt);
    const Scenario* s = find_scenario(name);
    REQUIRE(s != nullptr);
    ScenarioParams params;
    params.count = count;
    REQUIRE(s->spawn(spawner, params));
    spawner = Spawner{};
    executor.run();
  }
  log.drain(out.events);
  for (const Event& e : out.events) {
    out.timeline.append(e);
    out.fold.apply(e);
  }
}

// The arrows, with what each endpoint must be in the log.
void check_endpoints(const Run& r) {
  const Timeline& tl = r.timeline;
  const std::uint64_t n = r.events.size();
  for (std::size_t k = 0; k < tl.arrow_count(n); ++k) {
    const Arrow& a = tl.arrow(k);
    CAPTURE(k);
    const Event& from = r.events.at(a.from_event);
    const Event& push = r.events.at(a.push_event);
    const Event& to = r.events.at(a.to_event);
    CHECK(from.kind ==
          (a.kind == ArrowKind::Wake ? EventKind::WakerWoken : EventKind::TaskSpawned));
    CHECK(from.task == a.task);
    CHECK(from.thread == a.from_thread);
    CHECK(push.kind == EventKind::QueuePush);
    CHECK(push.task == a.task);
    CHECK(push.waker == (a.kind == ArrowKind::Wake ? from.waker : 0));
    CHECK(push.thread == a.push_thread);
    CHECK(to.kind == EventKind::PollBegin);
    CHECK(to.task == a.task);
    CHECK(a.from_event < a.push_event);
    CHECK(a.push_event < a.to_event);
    // The poll span the arrow lands on begins at that PollBegin; before its
    // PollEnd it is not there yet.
    REQUIRE(tl.find_span(a.poll, n).has_value());
    CHECK(!tl.find_span(a.poll, a.to_event + 1).has_value());
    const Span& poll = tl.span(a.poll);
    CHECK(poll.kind == SpanKind::Poll);
    CHECK(poll.begin_event == a.to_event);
    CHECK(poll.arrow == k);
  }
}

// The index of the i-th event of `kind` (0-based) with task `task`.
std::uint64_t nth(const Run& r, EventKind kind, TaskId task, int i) {
  for (std::uint64_t k = 0; k < r.events.size(); ++k)
    if (r.events[k].kind == kind && r.events[k].task == task && i-- == 0) return k;
  FAIL("no such event");
  return 0;
}

TEST_CASE("hello-world has a spawn arrow into poll 1 and timer 1's wake arrow into poll 2") {
  Run r;
  run_scenario("hello-world", r);
  check_endpoints(r);
  const Timeline& tl = r.timeline;
  const std::uint64_t n = r.events.size();
  REQUIRE(tl.arrow_count(n) == 2);
  const Arrow& spawn = tl.arrow(0);
  CHECK(spawn.kind == ArrowKind::Spawn);
  CHECK(spawn.from_event == nth(r, EventKind::TaskSpawned, 1, 0));
  CHECK(spawn.push_event == nth(r, EventKind::QueuePush, 1, 0));
  CHECK(spawn.to_event == nth(r, EventKind::PollBegin, 1, 0));
  const Arrow& wake = tl.arrow(1);
  CHECK(wake.kind == ArrowKind::Wake);
  CHECK(wake.from_event == nth(r, EventKind::WakerWoken, 1, 0));
  CHECK(wake.push_event == nth(r, EventKind::QueuePush, 1, 1));
  CHECK(wake.to_event == nth(r, EventKind::PollBegin, 1, 1));
  // The wake is on timer 1's own thread, its lane a timer lane.
  REQUIRE(wake.from_thread != 0);
  const LaneInfo& timer_lane = tl.lane(wake.from_thread - 1);
  CHECK(timer_lane.kind == Lane::Timer);
  CHECK(timer_lane.timer == 1);
  CHECK(timer_lane.task == 1);
  CHECK(tl.span(wake.poll).poll_number == 2);
  CHECK(tl.span(wake.poll).ready);
  // The timer lane: started, waiting until the 2 s deadline, fired.
  REQUIRE(tl.span_count(wake.from_thread - 1, 0, n) == 3);
  const Span& waiting = tl.span(wake.from_thread - 1, 0, 1);
  CHECK(waiting.kind == SpanKind::TimerWaiting);
  CHECK(waiting.extra == waiting.begin_t + 2'000'000'000);
  CHECK(waiting.end_t >= waiting.extra);
  CHECK(tl.span(wake.from_thread - 1, 0, 2).kind == SpanKind::TimerFired);
  // The wake lies inside the "fired" span, and the executor's lane has the
  // 2 s gap between the two polls that the timer's bar spans.
  CHECK(wake.from_t >= tl.span(wake.from_thread - 1, 0, 2).begin_t);
  std::vector<std::uint32_t> of_task;
  tl.arrows_of(*tl.find_task(1, n), n, of_task);
  CHECK(of_task == std::vector<std::uint32_t>{0, 1});
  const Span& poll1 = tl.span(tl.arrow(0).poll);
  const Span& poll2 = tl.span(wake.poll);
  CHECK(poll2.begin_t - poll1.end_t >= 2'000'000'000 - 1'000'000);
  CHECK(waiting.begin_t <= poll1.end_t + 1'000'000);
  CHECK(waiting.end_t <= poll2.begin_t);
  // Zoomed out to 100 pixels, the executor's lane is two items (or one
  // merged) and the timer lane is three spans or fewer: nothing is walked.
  std::vector<LodItem> items;
  tl.query(tl.arrow(0).poll.lane, 0, tl.begin_time(n), tl.end_time(n) + 1, 100, n, items);
  CHECK(!items.empty());
  CHECK(items.size() <= 3);
}

TEST_CASE("join has one task, three timer lanes and three wake arrows into that task") {
  Run r;
  run_scenario("join", r);
  check_endpoints(r);
  const Timeline& tl = r.timeline;
  const std::uint64_t n = r.events.size();
  std::size_t timer_lanes = 0;
  for (LaneId l = 0; l < tl.lane_count(n); ++l)
    if (tl.lane(l).kind == Lane::Timer) ++timer_lanes;
  CHECK(timer_lanes == 3);
  REQUIRE(tl.task_count(n) == 1);
  std::vector<std::uint32_t> arrows;
  tl.arrows_of(0, n, arrows);
  REQUIRE(arrows.size() == 4); // the spawn, then one wake per timer
  CHECK(tl.arrow(arrows[0]).kind == ArrowKind::Spawn);
  std::vector<ThreadIndex> wakers;
  for (std::size_t k = 1; k < 4; ++k) {
    const Arrow& a = tl.arrow(arrows[k]);
    CHECK(a.kind == ArrowKind::Wake);
    CHECK(a.task == 1);
    CHECK(tl.lane(a.from_thread - 1).kind == Lane::Timer);
    // Wake k lands on poll k + 1 of the task.
    CHECK(a.to_event == nth(r, EventKind::PollBegin, 1, static_cast<int>(k)));
    CHECK(tl.span(a.poll).poll_number == k + 1);
    wakers.push_back(a.from_thread);
  }
  // Three different threads woke it: 500 ms, then 1 s, then 1.5 s.
  CHECK(wakers[0] != wakers[1]);
  CHECK(wakers[1] != wakers[2]);
  CHECK(wakers[0] != wakers[2]);
}

TEST_CASE("yielders: every yield is a wake on the executor's own thread into that task's next "
          "poll") {
  Run r;
  run_scenario("yielders", r);
  check_endpoints(r);
  const Timeline& tl = r.timeline;
  const std::uint64_t n = r.events.size();
  REQUIRE(tl.task_count(n) == 3);
  for (TaskKey key = 0; key < 3; ++key) {
    const TaskId id = tl.task(key).id;
    CAPTURE(id);
    std::vector<std::uint32_t> arrows;
    tl.arrows_of(key, n, arrows);
    // The spawn into poll 1, then three yields into polls 2, 3 and 4.
    REQUIRE(arrows.size() == 4);
    CHECK(tl.arrow(arrows[0]).kind == ArrowKind::Spawn);
    for (int k = 1; k < 4; ++k) {
      const Arrow& a = tl.arrow(arrows[static_cast<std::size_t>(k)]);
      CHECK(a.kind == ArrowKind::Wake);
      CHECK(tl.lane(a.from_thread - 1).kind == Lane::Executor);
      // The yield wakes inside poll k and lands on poll k + 1.
      CHECK(a.from_event > nth(r, EventKind::PollBegin, id, k - 1));
      CHECK(a.from_event < nth(r, EventKind::PollEnd, id, k - 1));
      CHECK(a.to_event == nth(r, EventKind::PollBegin, id, k));
    }
    std::vector<SpanRef> polls;
    tl.polls_of(key, n, polls);
    CHECK(polls.size() == 4);
    CHECK(tl.span(polls.back()).ready);
  }
}

TEST_CASE("arrows_in returns the arrows that cross the view and no other") {
  Run r;
  run_scenario("hello-world", r);
  const Timeline& tl = r.timeline;
  const std::uint64_t n = r.events.size();
  const Arrow& wake = tl.arrow(1);
  std::vector<std::uint32_t> got;
  tl.arrows_in(wake.from_t, wake.to_t, n, got);
  CHECK(std::find(got.begin(), got.end(), 1u) != got.end());
  tl.arrows_in(wake.to_t + 1, wake.to_t + 1'000'000'000, n, got);
  CHECK(got.empty());
  // Before the events that made it, the arrow is not there.
  CHECK(tl.arrow_count(wake.to_event) == 1);
  CHECK(tl.arrow_count(wake.to_event + 1) == 2);
}

TEST_CASE("arrows_in finds every arrow that crosses a window, long and short, as a naive scan "
          "does") {
  Run r;
  run_scenario("random-timers", r, 50);
  const Timeline& tl = r.timeline;
  const std::uint64_t n = r.events.size();
  const std::uint64_t end = tl.end_time(n) + 1;
  std::mt19937_64 rng(5);
  std::vector<std::uint32_t> got;
  for (int k = 0; k < 200; ++k) {
    const std::uint64_t t0 = std::uniform_int_distribution<std::uint64_t>(0, end)(rng);
    const std::uint64_t t1 =
        t0 + (std::uniform_int_distribution<std::uint64_t>(0, end)(rng) >> (k % 30));
    std::vector<std::uint32_t> want;
    for (std::uint32_t x = 0; x < tl.arrow_count(n); ++x)
      if (tl.arrow(x).to_t >= t0 && tl.arrow(x).from_t <= t1) want.push_back(x);
    CAPTURE(t0);
    CAPTURE(t1);
    tl.arrows_in(t0, t1, n, got);
    CHECK(got == want);
    tl.arrows_in(t0, t1, n, got, 3);
    want.resize(std::min<std::size_t>(want.size(), 3));
    CHECK(got == want);
  }
}

TEST_CASE("the histograms count what the fold counts: polls, and every fired timer") {
  Run r;
  run_scenario("random-timers", r, 50);
  const Timeline& tl = r.timeline;
  const std::uint64_t n = r.events.size();
  const FoldState& s = r.fold.state();
  const Histogram polls = tl.histogram(Metric::PollDuration, n);
  CHECK(polls.total == s.executor.total_polls);
  CHECK(polls.total == s.counters.per_kind[static_cast<std::size_t>(EventKind::PollEnd)]);
  // Every poll but each task's first came through a push that the timeline saw.
  CHECK(tl.histogram(Metric::ScheduledDelay, n).total == s.executor.total_polls);
  CHECK(tl.histogram(Metric::TimerLateness, n).total ==
        s.counters.per_kind[static_cast<std::size_t>(EventKind::TimerFired)]);
  // Per task: the sums over tasks are the whole.
  std::uint64_t per_task = 0;
  for (TaskKey k = 0; k < tl.task_count(n); ++k) {
    const Histogram h = tl.task_histogram(Metric::PollDuration, k, n);
    const TaskView* v = s.tasks.find(tl.task(k).id);
    REQUIRE(v != nullptr);
    CHECK(h.total == v->polls);
    per_task += h.total;
  }
  CHECK(per_task == polls.total);
  // Selecting every bucket selects every poll, once.
  std::size_t selected = 0;
  std::vector<SampleRef> in;
  for (std::size_t b = 0; b < Histogram::kBuckets; ++b) {
    tl.in_bucket(Metric::PollDuration, b, n, std::nullopt, in);
    CHECK(in.size() == polls.counts[b]);
    for (const SampleRef& ref : in) {
      CHECK(Histogram::bucket_of(ref.value) == b);
      CHECK(r.events.at(ref.event).kind == EventKind::PollEnd);
      CHECK(tl.span(ref.span).kind == SpanKind::Poll);
    }
    selected += in.size();
  }
  CHECK(selected == polls.total);
  // Every timer lane's wake lands on a poll of its own task.
  for (std::size_t k = 0; k < tl.arrow_count(n); ++k) {
    const Arrow& a = tl.arrow(k);
    if (a.kind != ArrowKind::Wake || a.from_thread == 0) continue;
    const LaneInfo& from = tl.lane(a.from_thread - 1);
    if (from.kind != Lane::Timer) continue;
    CHECK(from.task == a.task);
    CHECK(tl.span(a.poll).task == from.task);
  }
}

} // namespace
} // namespace pollscope::fold
