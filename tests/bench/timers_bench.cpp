// timers N D: N tasks each awaiting one TimerFuture of D ms (one OS thread per
// timer under thread-per-timer, one driver thread under timer-thread: the
// workload config's timer policy), spawned from the main thread before run()
// as the book does.
//   wall_ms       first spawn to run() returning (ideal: D)
//   overshoot_ms  wall - D
//   arm_ramp_ms   when the last timer was armed (its task's first poll began)
//   peak_timer_threads  the most timer threads alive at once (TimerThreads::peak)
//   thread_spawn_failures  timers that completed before their deadline: the
//                 runtime completes a timer at once when the OS refuses it a
//                 thread (TimerThreadFailed), like the anchor's count
#include "workloads.hpp"

#include "runtime/async.hpp"
#include "runtime/executor.hpp"
#include "runtime/timer_future.hpp"
#include "runtime/timer_threads.hpp"

#include <algorithm>

namespace pollscope::bench {
namespace {

struct TimersShared {
  SteadyClock::time_point t0;
  std::uint64_t last_arm_ns = 0; // executor thread only
  std::size_t early = 0;         // executor thread only
};

Async<void> timer_task(TimersShared& s, std::chrono::milliseconds d) {
  const auto armed = SteadyClock::now();
  s.last_arm_ns = std::max<std::uint64_t>(
      s.last_arm_ns, static_cast<std::uint64_t>(std::chrono::nanoseconds(armed - s.t0).count()));
  co_await TimerFuture(d);
  if (SteadyClock::now() < armed + d) ++s.early;
}

} // namespace

Json timers_bench(std::size_t n, std::uint64_t d_ms, bool events) {
  BenchRuntime br(events);
  TimersShared shared;
  const auto d = std::chrono::milliseconds(d_ms);
  auto [executor, spawner] = bench_executor(*br.rt);
  shared.t0 = SteadyClock::now();
  for (std::size_t i = 0; i < n; ++i) spawner.spawn(timer_task(shared, d), "timer");
  spawner = Spawner{};
  executor.run();
  const double ms = ns_since(shared.t0) / 1e6;

  Json j;
  j["exec"] = "pollscope";
  j["workload"] = "timers";
  j["timer_policy"] = std::string(to_string(bench_policies().timer));
  j["n"] = n;
  j["d_ms"] = d_ms;
  j["events"] = events;
  j["wall_ms"] = round_to(ms, 3);
  j["overshoot_ms"] = round_to(ms - static_cast<double>(d_ms), 3);
  j["arm_ramp_ms"] = round_to(static_cast<double>(shared.last_arm_ns) / 1e6, 3);
  j["thread_spawn_failures"] = shared.early;
  j["peak_timer_threads"] = br.rt->timers().peak();
  if (events) {
    br.rt->timers().shutdown(); // every timer thread joined: its events are in
    br.consumer->stop();
    j["events_logged"] = br.log->appended();
    j["producer_waits"] = br.log->producer_waits();
  }
  j["vm_hwm_kb"] = vm_hwm_kb();
  return j;
}

} // namespace pollscope::bench
