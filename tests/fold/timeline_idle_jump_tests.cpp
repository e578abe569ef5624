// The executor's lane across a virtual clock's jump: hello-world run by
// Executor::run on an auto-advancing virtual clock. The executor idles with
// an empty queue while time jumps 2 s to the timer's deadline; it logs
// ExecutorWaiting before the jump (Executor::wait_for_work), so the timeline
// draws that wait across the whole gap instead of leaving the lane blank.
#include "fold/fold.hpp"
#include "fold/timeline.hpp"
#include "runtime/clock.hpp"
#include "runtime/event_log.hpp"
#include "runtime/executor.hpp"
#include "runtime/runtime_context.hpp"
#include "runtime/scenarios.hpp"
#include "runtime/string_table.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

namespace pollscope::fold {
namespace {

std::vector<Event> hello_world_on_the_virtual_clock() {
  VirtualClock clock(/*auto_advance=*/true);
  StringTable strings;
  EventLog log(1u << 16);
  RuntimeContext rt(RuntimeContext::Options{&clock, &strings, &log, /*introspection=*/true});
  {
    auto [executor, spawner] = executor_and_spawner(rt);
    const Scenario* s = find_scenario("hello-world");
    REQUIRE(s != nullptr);
    REQUIRE(s->spawn(spawner, ScenarioParams{}));
    spawner = Spawner{};
    executor.run();
  }
  std::vector<Event> events;
  log.drain(events);
  return events;
}

std::size_t first_of(const std::vector<Event>& events, EventKind k) {
  const auto it =
      std::find_if(events.begin(), events.end(), [&](const Event& e) { return e.kind == k; });
  REQUIRE(it != events.end());
  return static_cast<std::size_t>(it - events.begin());
}

TEST_CASE("on the virtual clock the executor logs its wait before time jumps to the timer's "
          "deadline, and the timeline draws the wait across the jump") {
  const std::vector<Event> events = hello_world_on_the_virtual_clock();
  const std::size_t waiting = first_of(events, EventKind::ExecutorWaiting);
  const std::size_t fired = first_of(events, EventKind::TimerFired);
  CHECK(waiting < fired);
  CHECK(events[fired].t - events[waiting].t >= 2'000'000'000); // the 2 s jump lies between
  // One wait per idle stretch: none logged again after the jump.
  CHECK(std::count_if(events.begin(), events.end(),
                      [](const Event& e) { return e.kind == EventKind::ExecutorWaiting; }) == 1);

  Timeline tl;
  for (const Event& e : events) tl.append(e);
  const std::uint64_t n = events.size();
  const LaneId exec = events[waiting].thread - 1;
  CHECK(tl.lane(exec).kind == Lane::Executor);
  std::size_t waits = 0;
  for (std::size_t i = 0; i < tl.span_count(exec, 0, n); ++i) {
    const Span s = tl.span(exec, 0, i);
    if (s.kind != SpanKind::WaitingEmpty) continue;
    ++waits;
    CHECK(s.begin_event == waiting);
    CHECK(s.duration() >= 2'000'000'000);
  }
  CHECK(waits == 1);

  // To the fold it is the wait it always was: the executor waited, then ran.
  Fold fold;
  for (const Event& e : events) fold.apply(e);
  CHECK(fold.state().executor.done);
}

} // namespace
} // namespace pollscope::fold
