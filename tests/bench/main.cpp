// pollscope-bench: the Rust anchor's workloads (../shared/anchors/
// rust-executors) on pollscope's runtime. Same command shape as its `bench`
// binary minus the executor name, one JSON object on stdout:
//
//   pollscope-bench yield 10000 100 [--events]
//   pollscope-bench spawn 1000000 [--events]
//   pollscope-bench timers 1000 100 [--events]
//   pollscope-bench latency 1000 1 [--events]
//   pollscope-bench log [4000000]
//   pollscope-bench reset [1000]
//   pollscope-bench seek [10000000] [10000] [2000]
//   pollscope-bench recording [10000000]
//   pollscope-bench timeline [10000000] [10000] [10000]
//
// Bad input: a message on stderr and exit status 2. compare.sh runs it side
// by side with the anchor; workloads.hpp lists what each workload measures.
#include "workloads.hpp"

#include "runtime/executor.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <functional>
#include <iostream>
#include <string_view>

namespace {

using namespace pollscope::bench;

// yield and timers spawn from the main thread before run(), as the book
// does: more tasks than the queue holds would block forever (the anchor's
// probes show the book doing exactly that), so refuse them up front.
constexpr std::size_t kQueue = pollscope::kDefaultQueueCapacity;

} // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "pollscope-bench: the Rust executors' workloads on pollscope's runtime (one JSON line)"};
  app.require_subcommand(1);
  std::function<Json()> run;

  std::size_t n = 10000, k = 100, reps = 1000, m = 4'000'000, timers = 1000;
  std::uint64_t d_ms = 100;
  bool events = false;

  auto* y = app.add_subcommand("yield", "N tasks each yielding K times: ns per poll");
  y->add_option("N", n, "tasks (<= 10000: spawned before run(), as in the book)")
      ->check(CLI::Range(std::size_t{1}, kQueue))
      ->capture_default_str();
  y->add_option("K", k, "yields per task")
      ->check(CLI::Range(std::size_t{0}, std::size_t{100000000}))
      ->capture_default_str();
  y->add_flag("--events", events, "log every event; a consumer thread drains the log concurrently");
  y->callback([&] { run = [&] { return yield_bench(n, k, events); }; });

  auto* s =
      app.add_subcommand("spawn", "spawn + poll + drop N trivial tasks: ns per task, peak RSS");
  s->add_option("N", n, "tasks (a producer thread spawns while run() drains)")
      ->check(CLI::PositiveNumber)
      ->default_val(1000000);
  s->add_flag("--events", events, "log every event; a consumer thread drains the log concurrently");
  s->callback([&] { run = [&] { return spawn_bench(n, events); }; });

  auto* t =
      app.add_subcommand("timers", "N concurrent timers of D ms: wall, overshoot, RSS, threads");
  t->add_option("N", n, "timers (<= 10000: spawned before run(), as in the book)")
      ->check(CLI::Range(std::size_t{1}, kQueue))
      ->default_val(1000);
  t->add_option("D", d_ms, "duration in ms")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{600000}))
      ->capture_default_str();
  t->add_flag("--events", events, "log every event; a consumer thread drains the log concurrently");
  t->callback([&] { run = [&] { return timers_bench(n, d_ms, events); }; });

  auto* l =
      app.add_subcommand("latency", "R sequential timers of D ms in one task: lateness p50/p99");
  l->add_option("R", reps, "repetitions")->check(CLI::PositiveNumber)->capture_default_str();
  l->add_option("D", d_ms, "duration in ms")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{60000}))
      ->default_val(1);
  l->add_flag("--events", events, "log every event; a consumer thread drains the log concurrently");
  l->callback([&] { run = [&] { return latency_bench(reps, d_ms, events); }; });

  auto* g = app.add_subcommand(
      "log", "EventLog append ns/event (1 and 3 producers); drain + fold events/s");
  g->add_option("M", m, "events appended per producer")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  g->callback([&] { run = [&] { return log_bench(m); }; });

  auto* r = app.add_subcommand(
      "reset", "tear down a runtime with T waiting timer threads: ms until all joined");
  r->add_option("T", timers, "waiting timer threads")
      ->check(CLI::Range(std::size_t{1}, kQueue))
      ->capture_default_str();
  r->callback([&] { run = [&] { return reset_bench(timers); }; });

  std::size_t seek_events = 10'000'000, seek_tasks = 10000, seeks = 2000;
  auto* sk = app.add_subcommand(
      "seek", "record E events of T tasks, then S cursor seeks to random events: p50/p99 ms");
  sk->add_option("E", seek_events, "events to record (<= 16 Mi, the store's bound)")
      ->check(CLI::Range(std::size_t{1000}, std::size_t{1} << 24))
      ->capture_default_str();
  sk->add_option("T", seek_tasks, "yielding tasks (<= 10000: spawned before run())")
      ->check(CLI::Range(std::size_t{1}, kQueue))
      ->capture_default_str();
  sk->add_option("S", seeks, "seeks")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->capture_default_str();
  sk->callback([&] { run = [&] { return seek_bench(seek_events, seek_tasks, seeks); }; });

  std::size_t rec_events = 10'000'000;
  auto* rec = app.add_subcommand(
      "recording", "a real run of M events: .pscope save/stream/open and Chrome trace export");
  rec->add_option("M", rec_events, "events (about)")
      ->check(CLI::Range(std::size_t{1000}, std::size_t{200'000'000}))
      ->capture_default_str();
  rec->callback([&] { run = [&] { return recording_bench(rec_events); }; });

  std::size_t tl_events = 10'000'000, tl_tasks = 10000, tl_timers = 10000;
  auto* tlc = app.add_subcommand(
      "timeline", "the timeline's index over E events of T tasks and R timer threads: build "
                  "time, then frame queries zoomed out, on one poll and panning");
  tlc->add_option("E", tl_events, "events (about)")
      ->check(CLI::Range(std::size_t{1000}, std::size_t{100'000'000}))
      ->capture_default_str();
  tlc->add_option("T", tl_tasks, "tasks")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();
  tlc->add_option("R", tl_timers, "timer threads (each a lane)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1'000'000}))
      ->capture_default_str();
  tlc->callback([&] { run = [&] { return timeline_bench(tl_events, tl_tasks, tl_timers); }; });

  if (argc > 1 && argv[1][0] != '-') {
    const std::string_view w = argv[1];
    if (w != "yield" && w != "spawn" && w != "timers" && w != "latency" && w != "log" &&
        w != "reset" && w != "seek" && w != "recording" && w != "timeline") {
      std::fprintf(stderr,
                   "pollscope-bench: unknown workload '%s' (yield, spawn, timers, latency, log, "
                   "reset, seek, recording, timeline)\n",
                   argv[1]);
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e); // --help
  } catch (const CLI::ParseError& e) {
    (void)app.exit(e);
    return 2;
  }

  try {
    const Json j = run();
    std::cout << j.dump() << std::endl;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pollscope-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
