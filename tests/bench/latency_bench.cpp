// latency R D: one task awaits a fresh D-ms TimerFuture R times in a row.
// Lateness = the moment the task runs again - the deadline, in µs (the
// deadline is taken just before the timer is made, as in the anchor, so the
// cost of creating the timer's thread counts as lateness there too). The
// workload config's timer policy picks who fires it: a thread per timer, or
// the one timer driver.
#include "workloads.hpp"

#include "runtime/async.hpp"
#include "runtime/executor.hpp"
#include "runtime/timer_future.hpp"

#include <algorithm>
#include <numeric>

namespace pollscope::bench {
namespace {

Async<void> latency_task(std::size_t reps, std::chrono::milliseconds d,
                         std::vector<double>& late_us) {
  late_us.reserve(reps);
  for (std::size_t i = 0; i < reps; ++i) {
    const auto deadline = SteadyClock::now() + d;
    co_await TimerFuture(d);
    const auto now = SteadyClock::now();
    late_us.push_back(
        now > deadline ? std::chrono::duration<double, std::micro>(now - deadline).count() : 0.0);
  }
}

} // namespace

Json latency_bench(std::size_t reps, std::uint64_t d_ms, bool events) {
  BenchRuntime br(events);
  std::vector<double> late;
  const auto t0 = SteadyClock::now();
  {
    auto [executor, spawner] = bench_executor(*br.rt);
    spawner.spawn(latency_task(reps, std::chrono::milliseconds(d_ms), late), "latency");
    spawner = Spawner{};
    executor.run();
  }
  const double total_ms = ns_since(t0) / 1e6;
  std::sort(late.begin(), late.end());
  const double mean = late.empty() ? 0.0
                                   : std::accumulate(late.begin(), late.end(), 0.0) /
                                         static_cast<double>(late.size());

  Json j;
  j["exec"] = "pollscope";
  j["workload"] = "latency";
  j["timer_policy"] = std::string(to_string(bench_policies().timer));
  j["reps"] = reps;
  j["d_ms"] = d_ms;
  j["events"] = events;
  j["late_us_min"] = round_to(late.empty() ? 0.0 : late.front(), 1);
  j["late_us_p50"] = round_to(percentile(late, 50), 1);
  j["late_us_mean"] = round_to(mean, 1);
  j["late_us_p99"] = round_to(percentile(late, 99), 1);
  j["late_us_max"] = round_to(late.empty() ? 0.0 : late.back(), 1);
  j["total_ms"] = round_to(total_ms, 3);
  j["vm_hwm_kb"] = vm_hwm_kb();
  return j;
}

} // namespace pollscope::bench
