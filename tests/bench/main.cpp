// pollscope-bench: the Rust anchor's workloads (../shared/anchors/
// rust-executors) on pollscope's runtime. Same command shape as its `bench`
// binary minus the executor name, one JSON object on stdout:
//
//   pollscope-bench yield 10000 100 [--events]
//   pollscope-bench spawn 1000000 [--events]
//   pollscope-bench timers 1000 100 [--events]
//   pollscope-bench latency 1000 1 [--events]
//   pollscope-bench reset [1000]
//
// Every workload also takes --queue-policy book|notified|local and
// --timer-policy thread-per-timer|timer-thread (runtime/policy.hpp). The
// event pipeline's workloads (log, seek, recording, timeline) are
// pollscope-bench-record's (main_record.cpp; bench_cli.hpp says why two).
//
// Bad input: a message on stderr and exit status 2. compare.sh runs it side
// by side with the anchor; workloads.hpp lists what each workload measures.
#include "bench_cli.hpp"

#include "runtime/executor.hpp"

namespace {

using namespace pollscope::bench;

// yield and timers spawn from the main thread before run(), as the book
// does: more tasks than the queue holds would block forever (the anchor's
// probes show the book doing exactly that), so refuse them up front.
constexpr std::size_t kQueue = pollscope::kDefaultQueueCapacity;

} // namespace

int main(int argc, char** argv) {
  BenchCli cli{"pollscope-bench: the Rust executors' workloads on pollscope's runtime (one JSON "
               "line)"};
  CLI::App& app = cli.app;
  std::function<Json()>& run = cli.run;

  std::size_t n = 10000, k = 100, reps = 1000, timers = 1000;
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
  bool pin_cores = false;
  s->add_flag("--pin-cores", pin_cores,
              "executor on CPU 0, spawner on CPU 1: the cross-core regime alone");
  s->callback([&] { run = [&] { return spawn_bench(n, events, pin_cores); }; });

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

  auto* r = app.add_subcommand(
      "reset", "tear down a runtime with T waiting timer threads: ms until all joined");
  r->add_option("T", timers, "waiting timer threads")
      ->check(CLI::Range(std::size_t{1}, kQueue))
      ->capture_default_str();
  r->callback([&] { run = [&] { return reset_bench(timers); }; });

  cli.add_policy_options({y, s, t, l, r});
  return cli.main(argc, argv, "pollscope-bench", {"yield", "spawn", "timers", "latency", "reset"},
                  "pollscope-bench-record", {"log", "seek", "recording", "timeline"});
}
