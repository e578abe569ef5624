// The headless path: a scenario run on this thread by the book's
// Executor::run(), with a consumer thread that drains the event log, folds
// it, and prints a readable timeline as it happens.
//
// Threading: the main thread runs the executor; the printer thread is the
// log's only consumer and the only user of the Fold and the JSON writer. The
// main thread raises `done` after run() returned; the printer then drains
// what is left (every event was appended before run() returned) and exits.
#include "cli.hpp"
#include "event_json.hpp"

#include "fold/describe.hpp"
#include "fold/fold.hpp"
#include "fold/lints.hpp"
#include "fold/time_order.hpp"
#include "runtime/clock.hpp"
#include "runtime/event_log.hpp"
#include "runtime/executor.hpp"
#include "runtime/runtime_context.hpp"
#include "runtime/scenarios.hpp"
#include "runtime/string_table.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

namespace pollscope {
namespace {

void print_event(const Event& e, const StringTable& strings, const fold::FoldState& state,
                 bool quiet) {
  const double secs = static_cast<double>(e.t) / 1e9;
  if (e.kind == EventKind::Output) {
    std::printf("[%8.3f s] %-8s  %s\n", secs, "OUTPUT",
                std::string(strings.get(static_cast<StringId>(e.a))).c_str());
  } else if (!quiet) {
    std::printf("[%8.3f s] %-8s  %s\n", secs, std::string(to_string(e.lane)).c_str(),
                fold::describe(e, strings, &state).c_str());
  }
  if (e.kind == EventKind::TaskCompleted && !quiet) {
    // The book's executor prints this whenever a poll returns Ready.
    std::printf("[%8.3f s] %-8s  The future is done running\n", secs, "executor");
  }
}

// --lint: every lint at the default thresholds; 3 when any fired.
int print_lints(const fold::FoldState& state, const StringTable& strings) {
  const std::vector<fold::Lint> lints = fold::evaluate(state, fold::LintThresholds{});
  if (lints.empty()) {
    std::printf("lints: none\n");
    return 0;
  }
  std::printf("lints: %zu fired\n", lints.size());
  for (const fold::Lint& l : lints) {
    std::printf("  %-18s %s (x%llu; first at event #%llu, %.3f s)\n",
                std::string(fold::to_string(l.kind)).c_str(),
                fold::message(l, state, strings).c_str(), (unsigned long long)l.count,
                (unsigned long long)l.event, static_cast<double>(l.t) / 1e9);
  }
  return 3;
}

} // namespace

int run_headless(const CliOptions& o) {
  const Scenario* scenario = find_scenario(o.scenario);
  if (scenario == nullptr) {
    std::fprintf(stderr, "pollscope: unknown scenario '%s' (see --list-scenarios)\n",
                 o.scenario.c_str());
    return 2;
  }
  JsonlWriter json;
  if (!o.events_path.empty()) {
    std::string error;
    if (!json.open(o.events_path, error)) {
      std::fprintf(stderr, "pollscope: %s\n", error.c_str());
      return 2;
    }
  }

  std::unique_ptr<Clock> clock;
  if (o.clock == "virtual") {
    clock = std::make_unique<VirtualClock>();
  } else {
    clock = std::make_unique<RealClock>(o.time_scale);
  }
  StringTable strings;
  EventLog log(std::size_t{1} << 16);
  RuntimeContext rt({clock.get(), &strings, &log, false});

  std::atomic<bool> done{false};
  fold::Fold fold; // the printer's; read here only after it is joined (--lint)
  std::thread printer([&] {
    fold::TimeOrder time_order; // see fold/time_order.hpp
    std::vector<Event> batch;
    for (;;) {
      const bool last = done.load(std::memory_order_acquire);
      batch.clear();
      log.drain(batch);
      for (Event& e : batch) {
        time_order.apply(e);
        fold.apply(e);
        print_event(e, strings, fold.state(), o.quiet_timeline);
        json.write(e, strings);
      }
      std::fflush(stdout);
      if (last && batch.empty()) break;
      if (batch.empty()) log.wait_readable(20);
    }
  });

  std::printf("pollscope: scenario %s on the %s clock%s\n", std::string(scenario->name).c_str(),
              o.clock.c_str(), o.clock == "virtual" ? " (time jumps to the next deadline)" : "");
  const auto wall0 = std::chrono::steady_clock::now();
  std::uint64_t polls = 0;
  bool spawned = false;
  {
    auto [executor, spawner] = executor_and_spawner(rt, o.capacity);
    ScenarioParams params;
    params.count = o.count;
    params.seed = o.seed;
    spawned = scenario->spawn(spawner, params);
    spawner = Spawner{}; // drop(spawner): run() returns once every task is done
    polls = executor.run();
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const double runtime_secs = static_cast<double>(clock->now_ns()) / 1e9;
  done.store(true, std::memory_order_release);
  printer.join();

  if (!json.close()) {
    std::fprintf(stderr, "pollscope: writing '%s' failed (disk full?)\n", o.events_path.c_str());
    return 2;
  }
  if (!spawned) {
    std::fprintf(stderr,
                 "pollscope: the run queue (capacity %zu) filled up before the scenario had "
                 "spawned every task; "
                 "use a larger --capacity\n",
                 o.capacity);
    return 2;
  }
  std::printf(
      "executor: run() returned: channel closed and empty after %llu polls, %.3f s of %s time "
      "(%.3f s wall)\n",
      static_cast<unsigned long long>(polls), runtime_secs, o.clock.c_str(), wall);
  if (!o.events_path.empty()) {
    std::printf("events: %llu written to %s\n", static_cast<unsigned long long>(log.consumed()),
                o.events_path.c_str());
  }
  return o.lint ? print_lints(fold.state(), strings) : 0;
}

} // namespace pollscope
