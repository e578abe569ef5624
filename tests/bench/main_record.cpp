// pollscope-bench-record: the event pipeline's workloads (the log, the
// store and its cursor, recordings, the timeline's index), one JSON object
// on stdout:
//
//   pollscope-bench-record log [4000000]
//   pollscope-bench-record seek [10000000] [10000] [2000]
//   pollscope-bench-record recording [10000000]
//   pollscope-bench-record timeline [10000000] [10000] [10000]
//
// Every workload also takes --queue-policy and --timer-policy, as
// pollscope-bench's do (bench_cli.hpp says why the two are apart).
// Bad input: a message on stderr and exit status 2.
#include "bench_cli.hpp"

#include "runtime/executor.hpp"

namespace {

using namespace pollscope::bench;

constexpr std::size_t kQueue = pollscope::kDefaultQueueCapacity;

} // namespace

int main(int argc, char** argv) {
  BenchCli cli{"pollscope-bench-record: the event pipeline's workloads (one JSON line)"};
  CLI::App& app = cli.app;
  std::function<Json()>& run = cli.run;
  std::size_t m = 4'000'000;

  auto* g = app.add_subcommand(
      "log", "EventLog append ns/event (1 and 3 producers); drain + fold events/s");
  g->add_option("M", m, "events appended per producer")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  g->callback([&] { run = [&] { return log_bench(m); }; });

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

  cli.add_policy_options({g, sk, rec, tlc});
  return cli.main(argc, argv, "pollscope-bench-record", {"log", "seek", "recording", "timeline"},
                  "pollscope-bench", {"yield", "spawn", "timers", "latency", "reset"});
}
