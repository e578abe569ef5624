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

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace pollscope::test {

// The scenario's count and seed (random-timers), and where the run's
// strings go when the caller needs them after the run (a FrameView).
struct ScenarioRunOptions {
  std::size_t count = 20;
  std::uint64_t seed = ScenarioParams{}.seed;
  StringTable* strings = nullptr; // null: the run's own, gone with it
};

inline std::vector<Event> scenario_events(std::string_view name, QueuePolicy queue,
                                          TimerPolicy timers, const ScenarioRunOptions& run = {}) {
  VirtualClock clock(/*auto_advance=*/false);
  StringTable own_strings;
  StringTable& strings = run.strings != nullptr ? *run.strings : own_strings;
  EventLog log(1u << 16);
  RuntimeContext rt(
      RuntimeContext::Options{&clock, &strings, &log, /*introspection=*/true, timers});
  std::vector<Event> events;
  {
    // Room for every task: the scenarios spawn them all before the first poll.
    auto [ex, spawner] =
        executor_and_spawner(rt, std::max<std::size_t>(100, run.count), queue, timers);
    const Scenario* sc = find_scenario(name);
    REQUIRE(sc != nullptr);
    ScenarioParams params;
    params.count = run.count;
    params.seed = run.seed;
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
