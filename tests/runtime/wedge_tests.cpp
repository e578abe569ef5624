// The app never wedges: Reset and shutdown finish whatever the runtime is
// doing — an executor blocked sending to its own full queue, a wait-for cycle
// through a timer's lock, a task blocked inside poll, timer threads blocked on
// a full queue — and the virtual clock runs equal timers into a full queue to
// completion. Each test runs under a watchdog that aborts the process (a
// failure, not a hang) if it is stuck for a minute; how fast Reset is, is
// measured by `pollscope-bench reset`, not asserted here.
#include "support.hpp"

#include "runtime/controller.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

using namespace pollscope;
using namespace std::chrono_literals;

namespace {

// Aborts the process if it is not destroyed within `limit`: a wedge in the
// code under test fails the suite instead of hanging CI.
class Watchdog {
public:
  explicit Watchdog(const char* what, std::chrono::seconds limit = 60s)
      : thread_([this, what, limit] {
          std::unique_lock lock(mutex_);
          if (!cv_.wait_for(lock, limit, [&] { return done_; })) {
            std::fprintf(stderr, "watchdog: '%s' still stuck after %llds\n", what,
                         static_cast<long long>(limit.count()));
            std::abort();
          }
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

// A door a poll can wait at: the test opens it when it is ready.
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
  void wait_entered() {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return entered; });
  }
  void release() {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    cv.notify_all();
  }
};

// A task that blocks inside its first poll until the gate opens, then keeps
// using its (by then abandoned) runtime: prints, arms a timer, awaits it.
Async<void> blocks_in_poll(Gate* gate) {
  gate->wait_inside();
  print("out of the blocking poll");
  co_await TimerFuture(1h);
}

// Wakes itself twice in one poll: with a queue of capacity 1 the second wake
// finds the queue full, and the executor blocks sending to its own queue.
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

// One task awaiting `n` timers of the same duration at once.
Async<void> join_equal_timers(unsigned n, std::chrono::nanoseconds d) {
  std::vector<TimerFuture> timers;
  for (unsigned i = 0; i < n; ++i) timers.emplace_back(d);
  co_await join_all(std::move(timers));
  print("joined");
}

// Every event of a controller's log, with waits bounded by the watchdog.
struct Log {
  explicit Log(Controller& c) : c(c) {}
  Controller& c;
  std::vector<Event> all;
  void drain() { c.log().drain(all); }
  template <class P>
  void until(P pred) {
    for (drain(); !pred(); drain()) c.log().wait_readable(20);
  }
  [[nodiscard]] std::size_t count(EventKind k, std::size_t from = 0) const {
    std::size_t n = 0;
    for (std::size_t i = from; i < all.size(); ++i) n += all[i].kind == k ? 1 : 0;
    return n;
  }
  [[nodiscard]] std::size_t count_where(EventKind k, Lane lane, std::size_t from = 0) const {
    std::size_t n = 0;
    for (std::size_t i = from; i < all.size(); ++i)
      n += all[i].kind == k && all[i].lane == lane ? 1 : 0;
    return n;
  }
  // The index of the first `k` at or after `from`, or all.size().
  [[nodiscard]] std::size_t find(EventKind k, std::size_t from = 0) const {
    for (std::size_t i = from; i < all.size(); ++i)
      if (all[i].kind == k) return i;
    return all.size();
  }
};

ControllerOptions options_for(std::size_t capacity, ExecutorMode mode,
                              ClockKind clock = ClockKind::Real) {
  ControllerOptions o;
  o.scenario = "";
  o.queue_capacity = capacity;
  o.initial_mode = mode;
  o.clock = clock;
  return o;
}

// The runtime before `from` is gone: torn down (RuntimeReset: the shut channel
// let every blocked sender give up, which is what happens) or, on a machine
// so loaded that the executor's cancelled poll did not return within
// kAbandonAfter, abandoned. A fresh runtime started after it.
void check_reset_done(const Log& log, std::size_t from) {
  const std::size_t reset = log.find(EventKind::RuntimeReset, from);
  const std::size_t abandoned = log.find(EventKind::RuntimeAbandoned, from);
  const std::size_t end = std::min(reset, abandoned);
  REQUIRE(end < log.all.size());
  CHECK(log.find(EventKind::RuntimeStarted, end) < log.all.size());
}

// After a reset: the fresh runtime runs a timer task to completion.
void check_fresh_runtime_works(Controller& c, Log& log) {
  const std::size_t from = log.all.size();
  c.set_mode(ExecutorMode::Run);
  REQUIRE(c.spawn_timer(0ns) == SpawnStatus::Spawned);
  log.until([&] { return log.count(EventKind::TaskCompleted, from) == 1; });
}

} // namespace

TEST_CASE("reset frees an executor blocked sending to its own full queue") {
  Watchdog dog("executor blocked on its own queue");
  Controller c(options_for(1, ExecutorMode::Run));
  Log log(c);
  REQUIRE(c.spawner().try_spawn(WakesSelfTwice{}, "wakes-self-twice") == SendResult::Ok);
  log.until([&] { return log.count_where(EventKind::SendBlocked, Lane::Executor) == 1; });

  c.reset();
  log.drain();
  check_reset_done(log, 0);
  check_fresh_runtime_works(c, log);
}

TEST_CASE("reset breaks the wait-for cycle executor -> a timer's lock -> the full queue") {
  Watchdog dog("timer lock cycle");
  // Eight timers due at the same virtual instant wake one task into a queue of
  // one: the first wake fills it, the next timer threads block in wake()
  // holding their locks, and the executor's poll of the join waits for one.
  Controller c(options_for(1, ExecutorMode::Run, ClockKind::Virtual));
  Log log(c);
  REQUIRE(c.spawner().try_spawn(join_equal_timers(8, 1s), "join") == SendResult::Ok);
  log.until([&] {
    return log.count(EventKind::LockWaitBegin) > log.count(EventKind::LockWaitEnd) ||
           log.count(EventKind::Output) == 1; // escaped the cycle (a thread was late)
  });
  INFO("a lock wait was logged: ", log.count(EventKind::LockWaitBegin));
  CHECK(log.count(EventKind::LockWaitBegin) >= 1);
  const Event& wait = log.all[log.find(EventKind::LockWaitBegin)];
  CHECK(wait.task == 1);
  CHECK(wait.timer != 0);
  CHECK(wait.lane == Lane::Executor);

  const std::size_t from = log.all.size();
  c.reset();
  log.drain();
  check_reset_done(log, from);
  check_fresh_runtime_works(c, log);
}

TEST_CASE("reset releases timer threads blocked on a full queue") {
  Watchdog dog("timer threads on a full queue");
  Controller c(options_for(1, ExecutorMode::Step));
  Log log(c);
  REQUIRE(c.spawner().try_spawn(join_equal_timers(5, 50ms), "join") == SendResult::Ok);
  c.step();
  log.until([&] { return log.count(EventKind::PollEnd) == 1; });
  // Each timer whose waker the poll stored wakes the task once (one that
  // fired before its poll, on a slow machine, stored none): the first wake
  // fills the queue, the other timer threads block in wake().
  const std::size_t stored = log.count(EventKind::WakerStored);
  const std::size_t blocked = stored > 0 ? stored - 1 : 0;
  log.until([&] { return log.count_where(EventKind::SendBlocked, Lane::Timer) == blocked; });

  const std::size_t from = log.all.size();
  c.reset();
  log.drain();
  check_reset_done(log, from);
  std::size_t gave_up = 0;
  for (std::size_t i = from; i < log.all.size(); ++i) {
    const Event& e = log.all[i];
    gave_up += e.kind == EventKind::SendUnblocked && field::cancelled(e);
  }
  // Every blocked timer thread gave up (unless the executor, stuck in a poll
  // on an overloaded machine, was abandoned and its events muted).
  if (log.count(EventKind::RuntimeAbandoned, from) == 0) CHECK(gave_up == blocked);
  check_fresh_runtime_works(c, log);
}

TEST_CASE(
    "reset abandons a runtime whose task blocks inside poll, and a fresh one starts at once") {
  Watchdog dog("task blocked inside poll");
  Gate gate;
  {
    Controller c(options_for(16, ExecutorMode::Run));
    Log log(c);
    REQUIRE(c.spawner().try_spawn(blocks_in_poll(&gate), "blocks") == SendResult::Ok);
    gate.wait_entered();

    c.reset();
    log.drain();
    const std::size_t abandoned = log.find(EventKind::RuntimeAbandoned);
    REQUIRE(abandoned < log.all.size());
    CHECK(field::polls_in_progress(log.all[abandoned]) == 1);   // one poll in progress, left behind
    CHECK(log.find(EventKind::RuntimeReset) == log.all.size()); // its teardown never logs
    CHECK(log.find(EventKind::RuntimeStarted, abandoned) < log.all.size());
    check_fresh_runtime_works(c, log);

    // The abandoned runtime finishes on its own; the fresh one never sees it.
    const std::size_t from = log.all.size();
    gate.release();
    REQUIRE(Controller::wait_for_abandoned(60s));
    const Controller::ShutdownReport left = c.shutdown();
    CHECK(left.abandoned_runtimes == 0);
    log.drain();
    for (std::size_t i = from; i < log.all.size(); ++i)
      CHECK(log.all[i].kind != EventKind::Output); // "out of the blocking poll" was muted
  }
}

TEST_CASE("shutdown with a task blocked inside poll returns at once and says what it left, and "
          "the stuck thread finishes later without touching freed memory") {
  Watchdog dog("quit with a task blocked inside poll");
  Gate gate;
  auto c = std::make_unique<Controller>(options_for(16, ExecutorMode::Run));
  REQUIRE(c->spawner().try_spawn(blocks_in_poll(&gate), "blocks") == SendResult::Ok);
  gate.wait_entered();
  const Controller::ShutdownReport left = c->shutdown();
  CHECK(left.abandoned_runtimes == 1);
  CHECK(left.polls_in_progress == 1);
  c.reset(); // the Controller is gone; its log, clock and strings live on with the thread
  gate.release();
  CHECK(Controller::wait_for_abandoned(60s));
}

TEST_CASE("equal timers waking into a full queue on the virtual clock run to completion") {
  Watchdog dog("virtual clock, equal timers, full queue");
  // A blocking spawner on its own thread and a queue of one; every timer is
  // due at the same virtual instant (1 s), so when the executor advances the
  // clock there, several timer threads wake into the full queue at once. The
  // clock must not wait for them (they wait for the executor to make room).
  test::TestRuntime t;
  constexpr unsigned kTasks = 8;
  constexpr std::uint64_t kDeadline = 1'000'000'000;
  auto [executor, spawner] = executor_and_spawner(t.rt, 1);
  auto task = [&]() -> Async<void> {
    const std::uint64_t now = t.clock.now_ns();
    co_await TimerFuture(std::chrono::nanoseconds(kDeadline > now ? kDeadline - now : 0));
    print("fired");
  };
  std::thread spawning([&, sp = std::move(spawner)]() mutable {
    for (unsigned i = 0; i < kTasks; ++i) CHECK(sp.spawn(task(), "timer") == SendResult::Ok);
  });
  executor.run();
  spawning.join();
  CHECK(t.output().size() == kTasks);
  CHECK(t.clock.now_ns() == kDeadline);
  CHECK(t.count(EventKind::SendBlocked) >= 1);
}

TEST_CASE("options() can be read while other threads reset with different options") {
  Watchdog dog("options race");
  Controller c(options_for(1, ExecutorMode::Pause));
  std::atomic<bool> stop{false};
  std::atomic<unsigned> bad{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        const ControllerOptions o = c.options();
        // Every options struct the resetters set has matching fields.
        if (o.scenario != (o.queue_capacity % 2 == 0 ? "yielders" : "")) ++bad;
      }
    });
  }
  std::vector<std::thread> resetters;
  for (int r = 0; r < 2; ++r) {
    resetters.emplace_back([&, r] {
      for (std::size_t i = 0; i < 10; ++i) {
        const std::size_t capacity = 2 * i + static_cast<std::size_t>(r) + 1;
        ControllerOptions o = options_for(capacity, ExecutorMode::Pause);
        o.scenario = capacity % 2 == 0 ? "yielders" : "";
        c.reset(o);
        (void)c.mode();
      }
    });
  }
  for (auto& t : resetters) t.join();
  stop = true;
  for (auto& t : readers) t.join();
  CHECK(bad == 0);
}
