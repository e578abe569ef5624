// Runs a bundled scenario to its end (where run() would have returned) with
// the real executor on a virtual clock, stepped by hand: when the queue is
// empty, time jumps to the next deadline once every timer thread waits.
// Returns every event the run logged. For tests that check what the fold or
// the timeline makes of a whole real run.
#pragma once

#include "runtime/executor.hpp"
#include "runtime/scenarios.hpp"
#include "runtime/timer_threads.hpp"

#include <doctest/doctest.h>

#include <string_view>
#include <vector>

namespace pollscope::test {

inline std::vector<Event> scenario_events(std::string_view name, QueuePolicy queue,
                                          TimerPolicy timers) {
  VirtualClock clock(/*auto_advance=*/false);
  StringTable strings;
  EventLog log(1u << 16);
  RuntimeContext rt(
      RuntimeContext::Options{&clock, &strings, &log, /*introspection=*/true, timers});
  std::vector<Event> events;
  {
    auto [ex, spawner] = executor_and_spawner(rt, 100, queue, timers);
    const Scenario* sc = find_scenario(name);
    REQUIRE(sc != nullptr);
    ScenarioParams params;
    params.count = 20;
    REQUIRE(sc->spawn(spawner, params));
    spawner = Spawner{};
    for (int guard = 0; guard < 100000; ++guard) {
      const TickResult r = ex.try_tick();
      if (r == TickResult::Closed) break;
      if (r == TickResult::Empty) {
        clock.wait_all_parked();
        std::uint64_t next = 0;
        if (clock.next_deadline(next))
          clock.advance_to(next);
        else
          clock.advance_by(50'000'000);
      }
      log.drain(events);
    }
    REQUIRE(ex.try_tick() == TickResult::Closed);
  }
  rt.timers().shutdown();
  log.drain(events);
  return events;
}

} // namespace pollscope::test
