#include "bench_common.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <fstream>
#include <string>

namespace pollscope::bench {

std::uint64_t vm_hwm_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

std::uint64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

std::uint64_t process_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return NAN;
  const auto idx =
      static_cast<std::size_t>(std::llround(p / 100.0 * static_cast<double>(sorted.size() - 1)));
  return sorted[std::min(idx, sorted.size() - 1)];
}

double round_to(double v, int decimals) {
  const double f = std::pow(10.0, decimals);
  return std::round(v * f) / f;
}

// --- LogConsumer --------------------------------------------------------------

LogConsumer::LogConsumer(EventLog& log) : log_(log), thread_([this] { loop(); }) {}

LogConsumer::~LogConsumer() { stop(); }

void LogConsumer::stop() {
  stop_.store(true, std::memory_order_release);
  if (thread_.joinable()) thread_.join();
}

void LogConsumer::loop() {
  std::vector<Event> batch;
  batch.reserve(4096);
  std::uint64_t counts[static_cast<std::size_t>(EventKind::Count)] = {};
  std::uint64_t last_t[static_cast<std::size_t>(EventKind::Count)] = {};
  auto drain_once = [&] {
    batch.clear();
    const std::size_t n = log_.drain(batch, 4096);
    for (const Event& e : batch) {
      const auto k = static_cast<std::size_t>(e.kind);
      if (k < std::size(counts)) {
        ++counts[k];
        last_t[k] = std::max(last_t[k], e.t);
      }
    }
    if (n > 0) {
      for (std::size_t k = 0; k < std::size(counts); ++k) {
        last_t_[k].store(last_t[k], std::memory_order_relaxed);
        by_kind_[k].store(counts[k], std::memory_order_relaxed);
      }
      drained_.fetch_add(n, std::memory_order_release);
    }
    return n;
  };
  while (!stop_.load(std::memory_order_acquire)) {
    // Like the GUI's pump: take what is there, then wait for a batch (or 1 ms)
    // rather than chase the producers one slot at a time.
    if (drain_once() < 4096) (void)log_.wait_readable(1, 4096);
  }
  // Everything appended before stop() is published by now (the appending
  // threads are done): take it all.
  while (drain_once() > 0) {
  }
}

// --- BenchRuntime -------------------------------------------------------------

BenchPolicies& bench_policies() {
  static BenchPolicies p;
  return p;
}

std::pair<Executor, Spawner> bench_executor(RuntimeContext& rt) {
  return executor_and_spawner(rt, kDefaultQueueCapacity, bench_policies().queue,
                              bench_policies().timer);
}

BenchRuntime::BenchRuntime(bool events, std::size_t log_capacity) {
  if (events) {
    log = std::make_unique<EventLog>(log_capacity);
    consumer = std::make_unique<LogConsumer>(*log);
  }
  RuntimeContext::Options o;
  o.clock = &clock;
  o.strings = &strings;
  o.log = log.get();
  o.timer_policy = bench_policies().timer;
  rt = std::make_unique<RuntimeContext>(o);
}

BenchRuntime::~BenchRuntime() {
  rt.reset(); // joins timer threads, which may still log: the consumer must run
  if (consumer) consumer->stop();
}

} // namespace pollscope::bench
