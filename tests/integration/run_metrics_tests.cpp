// RunMetrics (fold/metrics.hpp) on real runs: the bundled scenarios under
// each policy, run by the real executor on the virtual clock and stepped by
// hand, give the figures compare mode's table shows. Duplicates appear only
// under the book's channel, timer-thread runs one timer thread, and every
// count agrees with the fold's and the timeline's own.
#include "common/scenario_events.hpp"
#include "fold/fold.hpp"
#include "fold/lints.hpp"
#include "fold/metrics.hpp"
#include "fold/timeline.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace pollscope;

namespace {

struct Measured {
  fold::RunMetrics metrics;
  fold::FoldState state;
  std::uint64_t lateness_samples = 0; // the timeline's own histogram totals
  std::uint64_t delay_samples = 0;
};

Measured measure(const std::vector<Event>& events) {
  fold::Fold fold;
  fold::Timeline timeline;
  for (const Event& e : events) {
    fold.apply(e);
    timeline.append(e);
  }
  Measured m;
  m.metrics = fold::run_metrics(fold.state(), &timeline, events.size());
  m.state = fold.state();
  m.lateness_samples = timeline.histogram(fold::Metric::TimerLateness, events.size()).total;
  m.delay_samples = timeline.histogram(fold::Metric::ScheduledDelay, events.size()).total;
  return m;
}

} // namespace

TEST_CASE("double-wake has one duplicate entry under book and none under notified or local") {
  for (const auto& [policy, want] :
       {std::pair{QueuePolicy::Book, 1u}, std::pair{QueuePolicy::Notified, 0u},
        std::pair{QueuePolicy::Local, 0u}}) {
    CAPTURE(to_string(policy));
    const Measured m =
        measure(test::scenario_events("double-wake", policy, TimerPolicy::ThreadPerTimer));
    CHECK(m.metrics.duplicate_entries == want);
    // The double-wake lint fires on exactly the pushes counted.
    CHECK(m.state.lints.totals[static_cast<std::size_t>(fold::LintKind::DoubleWake)] == want);
  }
}

TEST_CASE("three-timers peaks at three timer threads under thread-per-timer and one under "
          "timer-thread") {
  for (const auto& [policy, want] :
       {std::pair{TimerPolicy::ThreadPerTimer, 3u}, std::pair{TimerPolicy::TimerThread, 1u}}) {
    CAPTURE(to_string(policy));
    const Measured m = measure(test::scenario_events("three-timers", QueuePolicy::Book, policy));
    CHECK(m.metrics.peak_timer_threads == want);
    // The peak outlives the threads: every one has exited by the end.
    CHECK(m.state.counters.live_timer_threads == 0);
    CHECK(m.metrics.timer_lateness.samples == m.lateness_samples);
    CHECK(m.metrics.duplicate_entries == 0);
  }
}

TEST_CASE("yielders' wakes go through the channel under book and notified, through the local "
          "queue under local") {
  for (const QueuePolicy policy : {QueuePolicy::Book, QueuePolicy::Notified, QueuePolicy::Local}) {
    CAPTURE(to_string(policy));
    const Measured m =
        measure(test::scenario_events("yielders", policy, TimerPolicy::ThreadPerTimer));
    // Three yielders, three yields each: nine self-wakes, wherever they go.
    CHECK(m.metrics.channel_wakes + m.metrics.local_wakes == 9);
    CHECK(m.metrics.local_wakes == (policy == QueuePolicy::Local ? 9u : 0u));
  }
}

TEST_CASE("polls, run time and the histogram rows equal the fold's and the timeline's own "
          "counts") {
  for (const std::string name :
       {"hello-world", "join", "random-timers", "yielders", "double-wake"}) {
    for (const TimerPolicy timers : {TimerPolicy::ThreadPerTimer, TimerPolicy::TimerThread}) {
      CAPTURE(name);
      CAPTURE(to_string(timers));
      const std::vector<Event> events = test::scenario_events(name, QueuePolicy::Book, timers);
      const Measured m = measure(events);
      CHECK(m.metrics.polls == m.state.counters.count(EventKind::PollBegin));
      CHECK(m.metrics.wall_ns == m.state.log.last_t - m.state.started_t);
      CHECK(m.metrics.timer_lateness.samples == m.lateness_samples);
      // The timeline samples a fire that ends a wait on its lane: every
      // timer's under thread-per-timer; under timer-thread, the first that
      // each wait of the one driver ends (fold/timeline.cpp).
      if (timers == TimerPolicy::ThreadPerTimer)
        CHECK(m.metrics.timer_lateness.samples == m.state.counters.count(EventKind::TimerFired));
      CHECK(m.metrics.scheduled_delay.samples == m.delay_samples);
      CHECK(m.metrics.scheduled_delay.samples > 0);
      CHECK(m.metrics.lints == fold::evaluate(m.state, fold::LintThresholds{}).size());
    }
  }
}

TEST_CASE("after a new runtime starts in the same log, the metrics count only the new runtime") {
  const std::vector<Event> first =
      test::scenario_events("random-timers", QueuePolicy::Book, TimerPolicy::ThreadPerTimer);
  const std::vector<Event> second =
      test::scenario_events("double-wake", QueuePolicy::Book, TimerPolicy::ThreadPerTimer);
  // As one log: thread-table rows are never reused within a log, so the
  // second runtime's rows follow the first's.
  ThreadIndex rows = 0;
  for (const Event& e : first) rows = std::max(rows, e.thread);
  std::vector<Event> both = first;
  for (Event e : second) {
    if (e.thread != 0) e.thread += rows;
    both.push_back(e);
  }
  const Measured alone = measure(second);
  const Measured after = measure(both);
  CHECK(after.metrics.polls == alone.metrics.polls);
  CHECK(after.metrics.duplicate_entries == 1);
  CHECK(after.metrics.peak_timer_threads == 1); // not random-timers' twenty
  CHECK(after.metrics.timer_lateness.samples == alone.metrics.timer_lateness.samples);
  CHECK(after.metrics.scheduled_delay.samples == alone.metrics.scheduled_delay.samples);
}
