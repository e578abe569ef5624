// Measuring one side of a comparison in a child process: two runtimes in one
// process share one resident set, so compare mode's "peak RSS" row runs each
// side again, headless, as `pollscope --headless ... --metrics-json -` in a
// child of its own, and reads the child's peak RSS from wait4 and its
// RunMetrics from its standard output.
//
// Threading: run_side_in_child blocks until the child exits or `cancel` is
// set (it then kills the child); call it from a worker thread, never the UI's.
#pragma once

#include "fold/metrics.hpp"
#include "runtime/policy.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pollscope {

struct SideRun {
  std::optional<fold::RunMetrics> metrics; // none: the child failed (see error)
  // The child's own peak resident set (its VmHWM, which it reports in its JSON);
  // wait4's ru_maxrss only when it could not: posix_spawn's child shares the
  // parent's memory until exec, and Linux carries that memory's peak into the
  // child's ru_maxrss, so a 250 MiB app would see every side at 250 MiB.
  std::uint64_t peak_rss_kib = 0;
  int exit_status = 0; // 128 + N when a signal N ended it
  std::string error;   // why there are no metrics
  // From the child's JSON, with the metrics:
  std::uint64_t elapsed_ns = 0;        // its run's wall time (steady clock, run() alone)
  std::vector<std::string> lint_lines; // what --lint would print, one line per lint
  std::string stopped;                 // why the run stopped itself ("": it completed)
};

// Runs `exe` (the pollscope binary; "" = this process's own, /proc/self/exe)
// with `args` (the scenario and clock flags, and the side's policies), which
// must make it print its metrics JSON on stdout (`--metrics-json -`). The
// child's stdin is /dev/null and its stdout and stderr are read here (at most
// kMaxChildOutput bytes each: past that it is killed). Always reaps the child
// and closes every fd it opened, whatever happens. `cancel` (may be null) is
// polled at least every 50 ms: set, the child is killed (SIGKILL) and the
// result says "cancelled". Metrics come back for exit status 0, 1 (the run
// stopped itself: a deadlock) and 3 (--lint found a lint); any other status,
// or output that is not the JSON, is a failed side with `error` set (the
// child's last stderr line included).
[[nodiscard]] SideRun run_side_in_child(const std::string& exe,
                                        const std::vector<std::string>& args,
                                        const std::atomic<bool>* cancel);
inline constexpr std::size_t kMaxChildOutput = 4u << 20;

// --- The metrics JSON (`pollscope --headless --metrics-json FILE|-`) ----------
//
// One object on one line:
//   {"format": "pollscope-metrics", "version": 1,
//    "scenario": "double-wake", "queue_policy": "book", "timer_policy": "thread-per-timer",
//    "polls": 3, "duplicate_entries": 1, "peak_timer_threads": 1,
//    "run_time_ns": 1000000000,          // RunMetrics::wall_ns: first event to last, runtime clock
//    "elapsed_ns": 2345678,              // run() on the steady clock (SideRun::elapsed_ns)
//    "timer_lateness": {"samples": 1, "p50_ns": 0, "p99_ns": 0},
//    "scheduled_delay": {"samples": 3, "p50_ns": 1200, "p99_ns": 5000},
//    "channel_wakes": 2, "local_wakes": 0,
//    "lints": 1, "lint_lines": ["double-wake  task 1 (twice-woken) queued twice (x1; ...)"],
//    "finished": true, "stopped": ""}
struct MetricsReport {
  fold::RunMetrics metrics;
  std::string scenario;
  QueuePolicy queue_policy = QueuePolicy::Book;
  TimerPolicy timer_policy = TimerPolicy::ThreadPerTimer;
  std::uint64_t elapsed_ns = 0;
  std::uint64_t peak_rss_kib = 0; // the run's own VmHWM (own_peak_rss_kib); 0 = unknown
  std::vector<std::string> lint_lines;
  std::string stopped;
  bool operator==(const MetricsReport&) const = default;
};
// This process's peak resident set since it was exec'd, in KiB: VmHWM from
// /proc/self/status (0 if unreadable).
[[nodiscard]] std::uint64_t own_peak_rss_kib();
[[nodiscard]] std::string metrics_json(const MetricsReport& report);
// False (and `error` says why) unless `text` is one such object, every field
// present and of its type.
[[nodiscard]] bool parse_metrics_json(std::string_view text, MetricsReport& out,
                                      std::string& error);

} // namespace pollscope
