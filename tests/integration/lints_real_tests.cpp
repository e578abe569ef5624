// Lints on real runs: every built-in scenario, run by the real executor on the
// virtual clock and stepped by hand, raises only the lints it should — none,
// except the yielders' self-wakes (a yield is a wake from the task's own poll).
#include "fold/fold.hpp"
#include "fold/lints.hpp"
#include "runtime/executor.hpp"
#include "runtime/scenarios.hpp"
#include "runtime/timer_threads.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace pollscope;

namespace {

// Runs a scenario to the end (run() would have returned) and folds its log.
fold::FoldState run_scenario(std::string_view name) {
  VirtualClock clock(/*auto_advance=*/false);
  StringTable strings;
  EventLog log(1u << 16);
  RuntimeContext rt(RuntimeContext::Options{&clock, &strings, &log, /*introspection=*/true});
  fold::Fold fold;
  std::vector<Event> batch;
  auto drain = [&] {
    batch.clear();
    log.drain(batch);
    fold.apply(batch);
  };
  {
    auto [ex, spawner] = executor_and_spawner(rt, 100);
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
      drain();
    }
    REQUIRE(ex.try_tick() == TickResult::Closed);
  }
  clock.wait_all_parked();
  drain();
  return fold.state();
}

} // namespace

TEST_CASE("the built-in scenarios raise no lint, except self-wakes for the yielders") {
  for (std::string_view name : {"hello-world", "random-timers", "join", "yielders"}) {
    CAPTURE(name);
    const fold::FoldState st = run_scenario(name);
    CHECK(st.counters.count(EventKind::TaskCompleted) > 0);
    const auto lints = fold::evaluate(st, fold::LintThresholds{});
    for (const fold::Lint& l : lints) {
      CAPTURE(to_string(l.kind));
      CAPTURE(l.task);
      CHECK((name == "yielders" && l.kind == fold::LintKind::SelfWake));
    }
    if (name == "yielders") CHECK(lints.size() == 3);
  }
}
