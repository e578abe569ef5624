// yield N K: N tasks, each awaiting a self-waking yield K times, spawned from
// the main thread before run() as the book does (so N <= the queue's 10000,
// or spawn blocks forever, exactly like the book). N*(K+1) polls; the timing
// starts before the first spawn, as in the anchor.
//
// --events: every event is logged into a real EventLog that a consumer
// thread drains concurrently for the whole run (the GUI's situation).
#include "workloads.hpp"

#include "runtime/async.hpp"
#include "runtime/executor.hpp"
#include "runtime/ticks.hpp"

namespace pollscope::bench {
namespace {

Async<void> yield_task(std::size_t k) {
  for (std::size_t i = 0; i < k; ++i) co_await yield_now();
}

} // namespace

Json yield_bench(std::size_t n, std::size_t k, bool events) {
  BenchRuntime br(events);
  const std::uint64_t polls_expected = static_cast<std::uint64_t>(n) * (k + 1);
  auto [executor, spawner] = bench_executor(*br.rt);
  const auto t0 = SteadyClock::now();
  const std::uint64_t c0 = thread_cpu_ns();
  for (std::size_t i = 0; i < n; ++i) spawner.spawn(yield_task(k), "yield");
  spawner = Spawner{};
  const std::uint64_t polls = executor.run();
  const double ns = ns_since(t0);
  const auto cpu = static_cast<double>(thread_cpu_ns() - c0);

  Json j;
  j["exec"] = "pollscope";
  j["workload"] = "yield";
  j["n"] = n;
  j["k"] = k;
  j["events"] = events;
  j["polls"] = polls;
  j["polls_expected"] = polls_expected;
  j["wall_ms"] = round_to(ns / 1e6, 3);
  j["ns_per_poll"] = round_to(ns / static_cast<double>(polls), 2);
  j["mpolls_per_s"] = round_to(static_cast<double>(polls) / ns * 1e3, 3);
  // The executor thread's CPU time per poll: the same cost, minus the time
  // the thread spent waiting for a core on a busy machine.
  j["cpu_ns_per_poll"] = round_to(cpu / static_cast<double>(polls), 2);
  if (events) {
    br.consumer->stop(); // after its last drain: every event of the run counted
    j["events_logged"] = br.log->appended();
    j["events_drained"] = br.consumer->drained();
    j["clock_ticks"] = tick_rate().tsc ? "tsc" : "steady_clock"; // see runtime/ticks.hpp
    j["events_per_poll"] =
        round_to(static_cast<double>(br.log->appended()) / static_cast<double>(polls), 2);
    j["producer_waits"] = br.log->producer_waits();
  }
  j["vm_hwm_kb"] = vm_hwm_kb();
  return j;
}

} // namespace pollscope::bench
