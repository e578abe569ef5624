// Helpers for the compare-mode tests: a comparison's setup on the virtual
// clock, and waits on both sides' runtimes that need no sleeps (each sync
// carries out the commands sent so far, each flush folds what they logged).
#pragma once

#include "gui/compare_mode.hpp"
#include "runtime/controller.hpp"

#include <cstdint>
#include <string>

namespace pollscope::gui::test {

inline CompareSetup setup_for(const std::string& scenario, SidePolicies a, SidePolicies b,
                              ExecutorMode mode = ExecutorMode::Step) {
  ControllerOptions o;
  o.scenario = scenario;
  o.clock = ClockKind::Virtual;
  o.initial_mode = mode;
  return compare_setup(o, a, b);
}

// Every command sent so far carried out and folded, on both sides.
inline void settle(CompareMode& m) {
  for (std::size_t i = 0; i < CompareMode::sides(); ++i) {
    m.side(i).controller->sync();
    m.side(i).pump->flush();
  }
}

// Both sides' executors have polled `polls` times and are between polls.
// The worker carries out commands in order and a virtual advance returns
// once the timer has fired, so each sync brings it closer; bounded.
inline bool wait_for_polls(CompareMode& m, std::uint64_t polls) {
  for (int i = 0; i < 100'000; ++i) {
    settle(m);
    bool ok = true;
    for (std::size_t s = 0; s < CompareMode::sides(); ++s) {
      const fold::ExecutorView& ex = m.side(s).pump->latest().state.executor;
      ok = ok && ex.total_polls >= polls && ex.current_task == 0;
    }
    if (ok) return true;
  }
  return false;
}

inline constexpr SidePolicies kBook{QueuePolicy::Book, TimerPolicy::ThreadPerTimer};
inline constexpr SidePolicies kNotified{QueuePolicy::Notified, TimerPolicy::ThreadPerTimer};

} // namespace pollscope::gui::test
