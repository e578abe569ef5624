// The `pollscope` command line: one parser for the desktop app and the
// headless runner, so both accept and reject exactly the same flags.
//
// Bad input (unknown flag, unknown scenario or clock, negative or absurd
// numbers, a seed that is not a decimal uint64, a time scale that is not a
// number, an empty file name) is reported with a clear message and exit
// status 2; so is a recording that does not load (its message names the
// file, the block and the offset). A headless run stopped by SIGINT or
// SIGTERM exits 128 + the signal; one whose output could not be written (a
// full disk) exits 2; one stopped because it could make no more progress
// exits 1 (3 with --lint).
#pragma once

#include "runtime/policy.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pollscope {

struct CliOptions {
  bool headless = false;                        // --headless: no window, print to stdout
  std::string scenario = "hello-world";         // --scenario NAME
  bool scenario_given = false;                  // the user named one explicitly
  std::string scenario_file;                    // --scenario-file PATH: loaded and registered
  std::string clock = "real";                   // --clock real|virtual
  std::string events_path;                      // --events FILE.jsonl: every event as a JSON line
  double time_scale = 1.0;                      // --time-scale X (real clock; 0.25 = slow motion)
  std::size_t capacity = 10000;                 // --capacity N: the run queue's bound
  QueuePolicy queue_policy = QueuePolicy::Book; // --queue-policy book|notified|local
  TimerPolicy timer_policy = TimerPolicy::ThreadPerTimer; // --timer-policy NAME
  unsigned count = 10;         // --count N: tasks for the random-timers scenario
  std::uint64_t seed = 1;      // --seed S: random-timers durations
  bool quiet_timeline = false; // --quiet: output lines and the summary only
  bool lint = false;           // --lint: print the lints at the end; exit 3 if any
  std::string record_path;     // --record FILE.pscope: stream the run to a recording
  std::string open_path;       // --open FILE (or a positional FILE.pscope): a recording, no runtime
  std::string trace_path;      // --export-trace FILE.json: the Chrome trace of the run or recording
  std::vector<std::uint32_t> deliver; // --deliver 3,1,2: the delivery gate's order (timer ids)
  std::string
      metrics_path; // --metrics-json FILE|-: the run's RunMetrics as JSON ("-": stdout only)
  // --compare POLICIES (e.g. "notified", "local,timer-thread"): compare mode,
  // side A runs the policies above, side B these (a name it leaves out is A's).
  // A scenario file's "compare" section turns it on too (runtime/scenario_file.hpp)
  // with the file's sides, unless --compare, --queue-policy or --timer-policy
  // is given (a policy flag alone runs that one side by itself).
  bool compare = false;
  QueuePolicy compare_queue_policy = QueuePolicy::Book;
  TimerPolicy compare_timer_policy = TimerPolicy::ThreadPerTimer;
  // GUI only
  std::string screenshot_path; // --screenshot FILE.png: render, save, exit
  unsigned frames = 3;         // --frames N: frames to render before the screenshot
  bool print_ready = false;    // --print-ready: print a ready line with control rectangles
  std::string mode = "step";   // --mode run|pause|step: how the GUI starts
};

struct CliParse {
  CliOptions options;
  std::optional<int> exit_code; // set: exit now with this status (help, version, error, list)
};

// Parses argv. Prints --help / --version / --list-scenarios / errors itself.
[[nodiscard]] CliParse parse_cli(int argc, char** argv);

// Runs a scenario with no window: prints output lines and a readable event
// timeline as they happen, then the executor's completion line. Returns the
// process exit status.
[[nodiscard]] int run_headless(const CliOptions& options);

// Compare mode without a window (cli/compare_headless.cpp): side A and side
// B each run in a child process of this binary, at once, with the same
// scenario and clock flags; then each side's lints and a metrics table.
// Exit status: 0; 3 with --lint when either side linted; 1 when a side failed
// (or stopped itself, like a single run); 2 for bad input. `exe` is the
// pollscope binary the sides run ("" = this process's own).
[[nodiscard]] int run_compare_headless(const CliOptions& options, const std::string& exe = "");
// Where side `side` ('A' or 'B') of a headless compare writes the file the
// user named: "runs/x.pscope" -> "runs/x-A.pscope", "x" -> "x-A" (the app's
// Save side A proposes the same names).
[[nodiscard]] std::string compare_side_file(const std::string& path, char side);

} // namespace pollscope
