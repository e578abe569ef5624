// The timeline's wake arrows on random-timers with 50 timers, under both
// timer policies (the timeline issue's acceptance: "every timer lane's wake
// arrow lands on a poll of its own task"). Run on the virtual clock, then
// checked against the log: each wake arrow starts on the thread that fired
// the timer, right after that timer's TimerFired, and ends on a poll of the
// task that awaited that timer.
#include "common/scenario_events.hpp"
#include "fold/timeline.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace pollscope::fold {
namespace {

constexpr unsigned kTimers = 50;

struct Run {
  std::vector<Event> events;
  Timeline timeline;
};

void run_random_timers(TimerPolicy policy, Run& out) {
  out.events = test::scenario_events("random-timers", QueuePolicy::Book, policy,
                                     {.count = kTimers, .seed = 7});
  for (const Event& e : out.events) out.timeline.append(e);
}

// The timer each wake arrow came from: the last TimerFired on the waking
// thread before the wake (the thread fires, takes the waker out, wakes it).
TimerId fired_before(const Run& r, const Arrow& a) {
  for (std::uint64_t k = a.from_event; k-- > 0;) {
    const Event& e = r.events[k];
    if (e.thread == a.from_thread && e.kind == EventKind::TimerFired) return e.timer;
  }
  return 0;
}

// What every policy shares: 50 wake arrows, one per timer, each from a timer
// lane into a poll of the task that awaited that timer. Returns the lanes
// the wakes came from.
std::set<ThreadIndex> check_wakes_land_on_their_tasks(const Run& r) {
  const Timeline& tl = r.timeline;
  const std::uint64_t n = r.events.size();
  std::map<TimerId, TaskId> task_of_timer; // from TimerCreated
  for (const Event& e : r.events)
    if (e.kind == EventKind::TimerCreated) task_of_timer[e.timer] = e.task;
  REQUIRE(task_of_timer.size() == kTimers);

  std::set<TimerId> timers_woken;
  std::set<ThreadIndex> lanes;
  std::size_t wakes = 0;
  for (std::size_t k = 0; k < tl.arrow_count(n); ++k) {
    const Arrow& a = tl.arrow(k);
    if (a.kind != ArrowKind::Wake) continue;
    CAPTURE(k);
    ++wakes;
    REQUIRE(a.from_thread != 0);
    CHECK(tl.lane(a.from_thread - 1).kind == Lane::Timer);
    const TimerId timer = fired_before(r, a);
    REQUIRE(timer != 0);
    CHECK(timers_woken.insert(timer).second); // each timer wakes once
    const std::optional<Span> poll = tl.find_span(a.poll, n);
    REQUIRE(poll.has_value());
    CHECK(poll->kind == SpanKind::Poll);
    CHECK(poll->task == task_of_timer.at(timer)); // its own task's poll
    CHECK(poll->task == a.task);
    CHECK(poll->poll_number == 2); // random-timers: one timer, then Ready
    CHECK(poll->ready);
    lanes.insert(a.from_thread);
  }
  CHECK(wakes == kTimers);
  CHECK(timers_woken.size() == kTimers);
  return lanes;
}

TEST_CASE("random-timers with 50 timers, a thread per timer: every timer lane's one wake arrow "
          "lands on a poll of its own task") {
  Run r;
  run_random_timers(TimerPolicy::ThreadPerTimer, r);
  const std::set<ThreadIndex> lanes = check_wakes_land_on_their_tasks(r);
  CHECK(lanes.size() == kTimers); // fifty lanes, one wake from each
  // Each lane is its timer's: the lane's own task is the task woken from it.
  const Timeline& tl = r.timeline;
  const std::uint64_t n = r.events.size();
  for (std::size_t k = 0; k < tl.arrow_count(n); ++k) {
    const Arrow& a = tl.arrow(k);
    if (a.kind != ArrowKind::Wake) continue;
    CAPTURE(k);
    CHECK(tl.lane(a.from_thread - 1).task == tl.span(a.poll).task);
    CHECK(a.from_track == 0); // a lane of one timer has row 0 only
  }
}

TEST_CASE("random-timers with 50 timers on one timer thread: every wake arrow leaves the driver's "
          "one lane and lands on a poll of the fired timer's task") {
  Run r;
  run_random_timers(TimerPolicy::TimerThread, r);
  const std::set<ThreadIndex> lanes = check_wakes_land_on_their_tasks(r);
  CHECK(lanes.size() == 1); // the one driver lane
}

// The most the live-timer-threads counter reached, and its last value.
std::pair<std::uint64_t, std::uint64_t> timer_threads_counter(const Run& r) {
  const std::uint64_t n = r.events.size();
  std::uint64_t peak = 0, last = 0;
  for (std::size_t k = 0; k < r.timeline.sample_count(Counter::TimerThreads, n); ++k) {
    last = r.timeline.sample(Counter::TimerThreads, k).value;
    peak = std::max(peak, last);
  }
  return {peak, last};
}

TEST_CASE("the live timer threads counter counts threads, not timers: 50 under a thread per "
          "timer, 1 under one timer thread, 0 at the end of both") {
  Run book;
  run_random_timers(TimerPolicy::ThreadPerTimer, book);
  CHECK(timer_threads_counter(book) == std::pair<std::uint64_t, std::uint64_t>{kTimers, 0});
  Run driver;
  run_random_timers(TimerPolicy::TimerThread, driver);
  CHECK(timer_threads_counter(driver) == std::pair<std::uint64_t, std::uint64_t>{1, 0});
}

} // namespace
} // namespace pollscope::fold
