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
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pollscope {

struct SideRun {
  std::optional<fold::RunMetrics> metrics; // none: the child failed (see error)
  std::uint64_t peak_rss_kib = 0;          // the child's ru_maxrss
  int exit_status = 0;
  std::string error; // why there are no metrics
};

// Runs `exe` (the pollscope binary; "" = this process's own, /proc/self/exe)
// with `args` (the scenario and clock flags, and the side's policies).
[[nodiscard]] SideRun run_side_in_child(const std::string& exe,
                                        const std::vector<std::string>& args,
                                        const std::atomic<bool>* cancel);

} // namespace pollscope
