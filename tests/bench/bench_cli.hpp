// What both benchmark programs' main()s share: the policy options every
// workload takes, the unknown-workload message, and running the chosen
// workload to one JSON line.
//
// Two programs, because what a benchmark program links is part of what it
// measures: `pollscope-bench` runs the runtime's workloads (yield, spawn,
// timers, latency, reset) and links the runtime alone, as the Rust anchor's
// `bench` links its executors alone, so its peak RSS is the runtime's and
// not the record/fold pipeline's code as well; `pollscope-bench-record` runs
// the event pipeline's workloads (log, seek, recording, timeline).
#pragma once

#include "workloads.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace pollscope::bench {

struct BenchCli {
  CLI::App app;
  std::function<Json()> run;
  std::string queue_policy = "book";
  std::string timer_policy = "thread-per-timer";

  explicit BenchCli(std::string description);
  // --queue-policy and --timer-policy on each of `subs` (every workload
  // runs under the policies asked for: bench_common.hpp).
  void add_policy_options(std::initializer_list<CLI::App*> subs);
  // Parses, runs the chosen workload and prints its JSON line. Exit status:
  // 0, 2 for bad input (an unknown workload names the program that has it),
  // 1 when the workload failed.
  int main(int argc, char** argv, std::string_view program,
           const std::vector<std::string_view>& workloads, std::string_view other_program,
           const std::vector<std::string_view>& other_workloads);
};

} // namespace pollscope::bench
