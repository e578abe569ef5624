// The timer driver's lane stacked in sub-rows (gui/timeline_driver.hpp), on
// random-timers run for real on the virtual clock under each timer policy:
// the driver is found, its waits never overlap on a sub-row, and it uses as
// many sub-rows as the most waits at once, no more.
#include "fold/fold.hpp"
#include "gui/timeline_driver.hpp"
#include "runtime/clock.hpp"
#include "runtime/event_log.hpp"
#include "runtime/executor.hpp"
#include "runtime/runtime_context.hpp"
#include "runtime/scenarios.hpp"
#include "runtime/string_table.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

namespace pollscope::gui {
namespace {

fold::FoldState run_random_timers(TimerPolicy policy, unsigned count) {
  VirtualClock clock(/*auto_advance=*/true);
  StringTable strings;
  EventLog log(1u << 16);
  RuntimeContext::Options o{&clock, &strings, &log, /*introspection=*/true};
  o.timer_policy = policy;
  RuntimeContext rt(o);
  {
    auto [executor, spawner] = executor_and_spawner(rt);
    const Scenario* s = find_scenario("random-timers");
    REQUIRE(s != nullptr);
    ScenarioParams params;
    params.count = count;
    params.seed = 11;
    REQUIRE(s->spawn(spawner, params));
    spawner = Spawner{};
    executor.run();
  }
  std::vector<Event> events;
  log.drain(events);
  fold::Fold fold;
  for (const Event& e : events) fold.apply(e);
  return fold.state();
}

ThreadIndex the_driver(const fold::FoldState& state) {
  ThreadIndex found = 0;
  for (std::size_t row = 1; row < state.threads.size(); ++row)
    if (is_timer_driver(state, static_cast<ThreadIndex>(row))) {
      CHECK(found == 0); // one driver
      found = static_cast<ThreadIndex>(row);
    }
  return found;
}

TEST_CASE("on one timer thread, 40 overlapping waits stack in sub-rows where none overlaps, as "
          "many as the most waits at once") {
  const fold::FoldState state = run_random_timers(TimerPolicy::TimerThread, 40);
  const ThreadIndex driver = the_driver(state);
  REQUIRE(driver != 0);
  std::vector<StackedWait> waits;
  const std::uint32_t rows = stack_timer_waits(state, driver, 1000, waits);
  REQUIRE(waits.size() == 40);
  for (const StackedWait& w : waits) {
    CHECK(w.depth < rows);
    CHECK(w.fired);
    CHECK(w.deadline_t >= w.begin_t);
    CHECK(w.begin_t >= 1000); // on the axis: shifted by the offset given
  }
  // No two waits on one sub-row overlap.
  for (std::size_t i = 0; i < waits.size(); ++i)
    for (std::size_t j = i + 1; j < waits.size(); ++j)
      if (waits[i].depth == waits[j].depth) {
        CAPTURE(i);
        CAPTURE(j);
        CHECK((waits[i].deadline_t <= waits[j].begin_t || waits[j].deadline_t <= waits[i].begin_t));
      }
  // As many sub-rows as the most waits going on at one moment (a wait's start).
  std::uint32_t most = 0;
  for (const StackedWait& at : waits) {
    const auto n = static_cast<std::uint32_t>(
        std::count_if(waits.begin(), waits.end(), [&](const StackedWait& w) {
          return w.begin_t <= at.begin_t && at.begin_t < w.deadline_t;
        }));
    most = std::max(most, n);
  }
  CHECK(rows == most);
  CHECK(rows > 1); // random-timers arms all 40 at once: they overlap
}

TEST_CASE("a thread per timer has no driver lane to stack") {
  const fold::FoldState state = run_random_timers(TimerPolicy::ThreadPerTimer, 10);
  CHECK(the_driver(state) == 0);
}

} // namespace
} // namespace pollscope::gui
