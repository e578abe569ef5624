// The headless runner: every event the runtime writes reaches the --events
// file, the last timer thread's exit included (it is logged after the
// thread's last wake, so a printer that stops when run() returns can lose it).
#include "cli/cli.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <sched.h>
#include <unistd.h>

namespace pollscope {
namespace {

std::size_t count_kind(const std::string& path, const std::string& kind) {
  std::ifstream in(path);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);)
    n += line.find("\"kind\":\"" + kind + "\"") != std::string::npos ? 1 : 0;
  return n;
}

TEST_CASE("every timer thread's exit reaches the events file, run after run") {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("pollscope-headless-test-" + std::to_string(::getpid()) + ".jsonl"))
                               .string();
  CliOptions o;
  o.headless = true;
  o.scenario = "random-timers";
  o.count = 1;
  o.seed = 1;
  o.time_scale = 1000; // real threads and clock, ~1 ms timers: the race is in the threads
  o.quiet_timeline = true;
  o.events_path = path;
  // Pinned to one core, like the bug report's `taskset -c 0` run: the runtime
  // and its timer threads (which inherit this thread's affinity) then take
  // turns on one core, where the exit most often came after the last drain.
  cpu_set_t before;
  CPU_ZERO(&before);
  const bool pinned = sched_getaffinity(0, sizeof before, &before) == 0;
  if (pinned) {
    cpu_set_t one;
    CPU_ZERO(&one);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &before)) {
        CPU_SET(cpu, &one);
        break;
      }
    }
    sched_setaffinity(0, sizeof one, &one);
  }
  for (int run = 0; run < 40; ++run) {
    CAPTURE(run);
    REQUIRE(run_headless(o) == 0);
    REQUIRE(count_kind(path, "timer_thread_started") == 1);
    REQUIRE(count_kind(path, "timer_thread_exited") == 1);
    REQUIRE(count_kind(path, "executor_done") == 1);
  }
  if (pinned) sched_setaffinity(0, sizeof before, &before);
  std::remove(path.c_str());
}

TEST_CASE("an events file that cannot be written is refused with status 2") {
  CliOptions o;
  o.headless = true;
  o.events_path = "/nonexistent-dir/x.jsonl";
  CHECK(run_headless(o) == 2);
}

} // namespace
} // namespace pollscope
