// Lints on real runs: every built-in scenario, run by the real executor on the
// virtual clock and stepped by hand, raises only the lints it should — none,
// except the yielders' self-wakes (a yield is a wake from the task's own poll).
#include "common/scenario_events.hpp"
#include "fold/fold.hpp"
#include "fold/lints.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace pollscope;

namespace {

// Runs a scenario to the end (run() would have returned) and folds its log.
fold::FoldState run_scenario(std::string_view name) {
  fold::Fold fold;
  fold.apply(test::scenario_events(name, QueuePolicy::Book, TimerPolicy::ThreadPerTimer));
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
