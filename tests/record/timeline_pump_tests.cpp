// The timeline index fed by the record layer: the Recorder appends every
// event to it as it folds, so the pump's timeline, queried at a snapshot's
// count, is the timeline of exactly the events that snapshot covers.
#include "fold/timeline.hpp"
#include "record/fold_pump.hpp"
#include "recording_test_support.hpp"
#include "runtime/event_log.hpp"

#include <doctest/doctest.h>

#include <vector>

namespace pollscope::record {

TEST_CASE("the pump's timeline at a snapshot's count is the timeline of that snapshot's events") {
  test::TestRuntime t;
  ScenarioParams params;
  params.count = 20;
  test::run_scenario(t, "random-timers", params);
  const std::vector<Event> events = t.events();
  REQUIRE(events.size() > 100);

  FoldPump pump{std::span<const Event>(events)};
  const Snapshot& snap = pump.latest();
  const fold::Timeline& tl = pump.timeline();
  fold::Timeline alone;
  for (const Event& e : events) alone.append(e);
  const std::uint64_t n = snap.events.count;
  REQUIRE(n == events.size());
  CHECK(tl.lane_count(n) == alone.lane_count(n));
  CHECK(tl.arrow_count(n) == alone.arrow_count(n));
  CHECK(tl.histogram(fold::Metric::PollDuration, n) ==
        alone.histogram(fold::Metric::PollDuration, n));
  CHECK(tl.histogram(fold::Metric::PollDuration, n).total == snap.state.executor.total_polls);
  // 20 timer threads, each its own lane, and an arrow from each one's wake.
  std::size_t timer_lanes = 0;
  for (fold::LaneId l = 0; l < tl.lane_count(n); ++l)
    if (tl.lane(l).kind == Lane::Timer) ++timer_lanes;
  CHECK(timer_lanes == 20);
  // Every store index the timeline names is the same event in the store.
  for (std::size_t k = 0; k < tl.arrow_count(n); ++k) {
    const fold::Arrow& a = tl.arrow(k);
    CHECK(pump.store().first(n)[a.to_event].kind == EventKind::PollBegin);
  }
  // At half the events, only what half the events closed.
  const std::uint64_t half = n / 2;
  CHECK(tl.arrow_count(half) == alone.arrow_count(half));
  CHECK(tl.arrow_count(half) < tl.arrow_count(n));
}

} // namespace pollscope::record
