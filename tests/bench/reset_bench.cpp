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
// And under each wedge of issue 11 (the target: 200 ms):
//   wedge_<kind>_reset_ms  Controller::reset() returning with a fresh runtime
//   wedge_<kind>_quit_ms   Controller::shutdown() plus its destruction
// for kind = self_send (the executor blocked sending to its own full queue),
// lock_cycle (executor -> a timer's lock -> the full queue), timers_blocked
// (timer threads blocked waking into a full queue), blocked_poll (a task
// blocked inside poll: the runtime is abandoned after kAbandonAfter).
#include "workloads.hpp"

#include "runtime/async.hpp"
#include "runtime/controller.hpp"
#include "runtime/executor.hpp"
#include "runtime/timer_future.hpp"
#include "runtime/timer_threads.hpp"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

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
  auto [executor, spawner] = bench_executor(*br.rt);
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
  o.timer_policy = bench_policies().timer;
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

// --- the wedges ---------------------------------------------------------------

// A door a poll waits at until the bench opens it.
struct Gate {
  std::mutex mutex;
  std::condition_variable cv;
  bool entered = false;
  bool open = false;
  void wait_inside() {
    std::unique_lock lock(mutex);
    entered = true;
    cv.notify_all();
    cv.wait(lock, [&] { return open; });
  }
  [[nodiscard]] bool is_entered() {
    std::lock_guard lock(mutex);
    return entered;
  }
  void release() {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    cv.notify_all();
  }
};

Async<void> blocks_in_poll(Gate* gate) {
  gate->wait_inside();
  co_return;
}

// With a queue of one, the second wake blocks the executor on its own queue.
struct WakesSelfTwice {
  bool polled = false;
  Poll<void> poll(Context& cx) {
    if (polled) return Ready();
    polled = true;
    cx.waker().wake_by_ref();
    cx.waker().wake_by_ref();
    return Pending;
  }
};

Async<void> join_equal_timers(unsigned n, std::chrono::nanoseconds d) {
  std::vector<TimerFuture> timers;
  for (unsigned i = 0; i < n; ++i) timers.emplace_back(d);
  co_await join_all(std::move(timers));
}

enum class Wedge {
  SelfSend,
  LockCycle,
  TimersBlocked,
  BlockedPoll
};

ControllerOptions wedge_options(Wedge w) {
  ControllerOptions o; // the wedges are the book's (one thread per timer) whatever the policy
  o.scenario = "";
  o.queue_capacity = w == Wedge::BlockedPoll ? 16 : 1;
  o.initial_mode = w == Wedge::TimersBlocked ? ExecutorMode::Step : ExecutorMode::Run;
  o.clock = w == Wedge::LockCycle ? ClockKind::Virtual : ClockKind::Real;
  return o;
}

// Wedges the controller's current runtime and returns once it is stuck. We
// are the log's one consumer.
void wedge(Controller& c, Wedge w, Gate& gate) {
  std::vector<Event> batch;
  std::uint64_t exec_blocked = 0, timer_blocked = 0, lock_begin = 0, lock_end = 0;
  auto read = [&] {
    batch.clear();
    (void)c.log().drain(batch);
    for (const Event& e : batch) {
      exec_blocked += e.kind == EventKind::SendBlocked && e.lane == Lane::Executor;
      timer_blocked += e.kind == EventKind::SendBlocked && e.lane == Lane::Timer;
      lock_begin += e.kind == EventKind::LockWaitBegin;
      lock_end += e.kind == EventKind::LockWaitEnd;
    }
  };
  // What the runtime before this one logged (a reset has returned: all of it
  // is in the log) is not this wedge's.
  while (c.log().drain(batch) > 0) batch.clear();
  Spawner sp = c.spawner();
  switch (w) {
  case Wedge::SelfSend:
    (void)sp.try_spawn(WakesSelfTwice{}, "wakes-self-twice");
    wait_until_count([&] { return read(), exec_blocked; }, 1, "the executor's SendBlocked");
    break;
  case Wedge::LockCycle:
    (void)sp.try_spawn(join_equal_timers(8, 1s), "join");
    wait_until_count([&] { return read(), lock_begin > lock_end ? 1u : 0u; }, 1, "a lock wait");
    break;
  case Wedge::TimersBlocked:
    (void)sp.try_spawn(join_equal_timers(5, 1ms), "join");
    c.step();
    wait_until_count([&] { return read(), timer_blocked; }, 4, "the timers' SendBlocked");
    break;
  case Wedge::BlockedPoll:
    (void)sp.try_spawn(blocks_in_poll(&gate), "blocks");
    wait_until_count([&] { return gate.is_entered() ? 1u : 0u; }, 1, "the blocking poll");
    break;
  }
}

struct WedgeTimes {
  double reset_ms = 0;
  double quit_ms = 0;
};

WedgeTimes wedge_times(Wedge w) {
  WedgeTimes r;
  Gate first, second;
  {
    auto c = std::make_unique<Controller>(wedge_options(w));
    wedge(*c, w, first);
    auto t0 = SteadyClock::now();
    c->reset(wedge_options(w));
    r.reset_ms = ns_since(t0) / 1e6;
    wedge(*c, w, second);
    t0 = SteadyClock::now();
    (void)c->shutdown();
    c.reset();
    r.quit_ms = ns_since(t0) / 1e6;
  }
  first.release();
  second.release();
  if (!Controller::wait_for_abandoned(60s))
    throw std::runtime_error("reset: an abandoned runtime did not finish");
  return r;
}

} // namespace

Json reset_bench(std::size_t timers) {
  const DirectResult d = direct(timers);
  const double ctl = controller(timers);
  Json j;
  j["exec"] = "pollscope";
  j["workload"] = "reset";
  j["timer_policy"] = std::string(to_string(bench_policies().timer));
  j["timers"] = timers;
  j["arm_ms"] = round_to(d.arm_ms, 3);
  j["peak_timer_threads"] = d.peak;
  j["shutdown_ms"] = round_to(d.shutdown_ms, 3);
  j["shutdown_last_body_done_ms"] = round_to(d.last_exit_ms, 3);
  j["controller_ms"] = round_to(ctl, 3);
  const std::pair<const char*, Wedge> wedges[] = {{"self_send", Wedge::SelfSend},
                                                  {"lock_cycle", Wedge::LockCycle},
                                                  {"timers_blocked", Wedge::TimersBlocked},
                                                  {"blocked_poll", Wedge::BlockedPoll}};
  for (const auto& [name, w] : wedges) {
    const WedgeTimes t = wedge_times(w);
    j[std::string("wedge_") + name + "_reset_ms"] = round_to(t.reset_ms, 3);
    j[std::string("wedge_") + name + "_quit_ms"] = round_to(t.quit_ms, 3);
  }
  j["vm_hwm_kb"] = vm_hwm_kb();
  return j;
}

} // namespace pollscope::bench
