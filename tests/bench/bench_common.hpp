// What every workload of pollscope-bench shares: the runtime it runs on, the
// event-log consumer thread, timing, peak RSS and percentiles.
//
// A workload is a function that takes its parsed arguments and returns one
// JSON object, printed as one line by main.cpp. Field names follow the Rust
// reference benchmark (../shared/anchors/rust-executors, binary `bench`), so
// compare.py can put the two side by side: `ns_per_poll`, `ns_per_task`,
// `wall_ms`, `overshoot_ms`, `arm_ramp_ms`, `late_us_p50`, `vm_hwm_kb`, ...
//
// Threading: BenchRuntime is built and torn down on the main thread; its
// LogConsumer (only when events are on) is the EventLog's one consumer.
#pragma once

#include "runtime/clock.hpp"
#include "runtime/event_log.hpp"
#include "runtime/policy.hpp"
#include "runtime/runtime_context.hpp"
#include "runtime/string_table.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace pollscope::bench {

using Json = nlohmann::ordered_json;
using SteadyClock = std::chrono::steady_clock;

// Peak resident set size of this process (VmHWM in /proc/self/status), in kB.
[[nodiscard]] std::uint64_t vm_hwm_kb();

// CPU time consumed so far by the calling thread / by the whole process, in
// ns. On a shared machine these are steadier than wall time: a thread waiting
// for a core costs nothing (but cache and lock interference still show).
[[nodiscard]] std::uint64_t thread_cpu_ns();
[[nodiscard]] std::uint64_t process_cpu_ns();

[[nodiscard]] inline double ns_since(SteadyClock::time_point t0) {
  return std::chrono::duration<double, std::nano>(SteadyClock::now() - t0).count();
}

// Nearest-rank percentile of sorted values, as the Rust anchor computes it.
[[nodiscard]] double percentile(const std::vector<double>& sorted, double p);

// Rounds for the JSON output (the anchor prints fixed decimals too).
[[nodiscard]] double round_to(double v, int decimals);

// The EventLog's one consumer: drains it concurrently for as long as it lives
// (like the GUI's drain thread), counting events by kind. It does not fold:
// the `log` workload measures the fold on its own.
class LogConsumer {
public:
  explicit LogConsumer(EventLog& log);
  ~LogConsumer(); // stops after one last drain
  LogConsumer(const LogConsumer&) = delete;
  LogConsumer& operator=(const LogConsumer&) = delete;

  // Stops the thread after draining everything appended before the call.
  void stop();
  [[nodiscard]] std::uint64_t drained() const noexcept {
    return drained_.load(std::memory_order_acquire);
  }
  [[nodiscard]] std::uint64_t count(EventKind k) const noexcept {
    return by_kind_[static_cast<std::size_t>(k)].load(std::memory_order_acquire);
  }
  // The latest time stamp (runtime clock, ns) seen on an event of kind `k`.
  [[nodiscard]] std::uint64_t last_t(EventKind k) const noexcept {
    return last_t_[static_cast<std::size_t>(k)].load(std::memory_order_acquire);
  }

private:
  void loop();
  EventLog& log_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> drained_{0};
  std::atomic<std::uint64_t> by_kind_[static_cast<std::size_t>(EventKind::Count)]{};
  std::atomic<std::uint64_t> last_t_[static_cast<std::size_t>(EventKind::Count)]{};
  std::thread thread_;
};

// The policies a workload runs under: set from pollscope-bench's
// --queue-policy / --timer-policy before the workload starts (main.cpp), read
// by BenchRuntime (and printed by the workloads that they change).
struct WorkloadConfig {
  QueuePolicy queue_policy = QueuePolicy::Book;
  TimerPolicy timer_policy = TimerPolicy::ThreadPerTimer;
};
[[nodiscard]] WorkloadConfig& workload_config();

// One runtime as a benchmark uses it: a real clock, a string table and,
// with `events`, an EventLog drained by a LogConsumer for the whole run.
struct BenchRuntime {
  explicit BenchRuntime(bool events, std::size_t log_capacity = std::size_t{1} << 20);
  ~BenchRuntime();

  RealClock clock;
  StringTable strings;
  std::unique_ptr<EventLog> log;         // null when events are off
  std::unique_ptr<LogConsumer> consumer; // null when events are off
  std::unique_ptr<RuntimeContext> rt;
};

} // namespace pollscope::bench
