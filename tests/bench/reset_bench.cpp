// reset [T]: how long tearing down a runtime with T (1000) timer threads
// waiting on hour-long timers takes, until every one of them is joined.
// Measured two ways, each after all T threads have logged TimerThreadWaiting:
//   shutdown_ms    RuntimeContext's TimerThreads::shutdown() on a runtime
//                  whose executor is driven by hand (cancel the clock, join all)
//   controller_ms  Controller::reset() followed by sync(): what the GUI's Reset
//                  button costs (shut the channel, join the timer threads,
//                  release the queued tasks, start a fresh runtime)
// plus arm_ms: how long arming the T timers took (thread creation), and
// shutdown_last_body_done_ms: when the last timer thread logged
// TimerThreadExited (its body done, before thread exit and join).
#include "workloads.hpp"

#include "runtime/async.hpp"
#include "runtime/controller.hpp"
#include "runtime/executor.hpp"
#include "runtime/timer_future.hpp"
#include "runtime/timer_threads.hpp"

#include <stdexcept>

namespace pollscope::bench {
namespace {

using namespace std::chrono_literals;

Async<void> sleeper_task() { co_await TimerFuture(1h); }

// Waits until `count()` reaches `want`, or throws after 60 s.
template <class F>
void wait_until_count(F count, std::uint64_t want, const char* what) {
  const auto give_up = SteadyClock::now() + 60s;
  while (count() < want) {
    if (SteadyClock::now() > give_up)
      throw std::runtime_error(std::string("reset: timed out waiting for ") + what);
    std::this_thread::sleep_for(1ms);
  }
}

struct DirectResult {
  double arm_ms = 0;
  double shutdown_ms = 0;
  double last_exit_ms = 0;
  std::size_t peak = 0;
};

DirectResult direct(std::size_t timers) {
  BenchRuntime br(true);
  DirectResult r;
  auto [executor, spawner] = executor_and_spawner(*br.rt);
  const auto t0 = SteadyClock::now();
  for (std::size_t i = 0; i < timers; ++i) spawner.spawn(sleeper_task(), "sleeper");
  while (executor.polls() < timers) {
    if (executor.try_tick() != TickResult::Polled)
      throw std::runtime_error("reset: a task was not polled");
  }
  r.arm_ms = ns_since(t0) / 1e6;
  wait_until_count([&] { return br.consumer->count(EventKind::TimerThreadWaiting); }, timers,
                   "TimerThreadWaiting events");
  const auto t1 = SteadyClock::now();
  const std::uint64_t c1 = br.clock.now_ns();
  br.rt->timers().shutdown();
  r.shutdown_ms = ns_since(t1) / 1e6;
  r.peak = br.rt->timers().peak();
  // When the last timer thread finished its body (its TimerThreadExited),
  // as opposed to when the last one was joined: splits the shutdown into
  // "wake every sleeper and run its tail" and "thread exit + join".
  br.consumer->stop();
  const std::uint64_t last_exit = br.consumer->last_t(EventKind::TimerThreadExited);
  r.last_exit_ms = last_exit > c1 ? static_cast<double>(last_exit - c1) / 1e6 : 0.0;
  return r;
}

double controller(std::size_t timers) {
  ControllerOptions o;
  o.scenario = "";
  o.initial_mode = ExecutorMode::Run;
  Controller c(o);
  c.sync(); // the worker is up and idle before anything is spawned
  if (c.spawn_timers(static_cast<unsigned>(timers), 1h, 1h, 1) != SpawnStatus::Spawned) {
    throw std::runtime_error("reset: Controller::spawn_timers failed");
  }
  // We are the log's one consumer: count the timer threads that wait.
  std::vector<Event> batch;
  std::uint64_t waiting = 0;
  wait_until_count(
      [&] {
        batch.clear();
        (void)c.log().drain(batch);
        for (const Event& e : batch) waiting += e.kind == EventKind::TimerThreadWaiting;
        return waiting;
      },
      timers, "the controller's TimerThreadWaiting events");
  const auto t0 = SteadyClock::now();
  c.reset();
  c.sync();
  return ns_since(t0) / 1e6;
}

} // namespace

Json reset_bench(std::size_t timers) {
  const DirectResult d = direct(timers);
  const double ctl = controller(timers);
  Json j;
  j["exec"] = "pollscope";
  j["workload"] = "reset";
  j["timers"] = timers;
  j["arm_ms"] = round_to(d.arm_ms, 3);
  j["peak_timer_threads"] = d.peak;
  j["shutdown_ms"] = round_to(d.shutdown_ms, 3);
  j["shutdown_last_body_done_ms"] = round_to(d.last_exit_ms, 3);
  j["controller_ms"] = round_to(ctl, 3);
  j["vm_hwm_kb"] = vm_hwm_kb();
  return j;
}

} // namespace pollscope::bench
