// Shutdown and reset with many waiting timer threads: every thread is joined,
// promptly, and nothing leaks (ASan checks the leaks).
#include "support.hpp"

#include "runtime/controller.hpp"
#include "runtime/timer_future.hpp"

#include <doctest/doctest.h>

#include <chrono>

using namespace pollscope;
using namespace std::chrono_literals;

namespace {

Async<void> long_timer() { co_await TimerFuture(1h); }

} // namespace

TEST_CASE("shutting down a runtime with 1,000 waiting timer threads joins them all promptly and "
          "frees every task") {
  RealClock clock;
  StringTable strings;
  EventLog log(1u << 16);
  RuntimeContext rt({&clock, &strings, &log, true});
  {
    auto [executor, spawner] = executor_and_spawner(rt);
    for (int i = 0; i < 1000; ++i) REQUIRE(spawner.spawn(long_timer(), "t") == SendResult::Ok);
    for (int i = 0; i < 1000; ++i) REQUIRE(executor.try_tick() == TickResult::Polled);
    CHECK(rt.timers().live().size() <= 1000);
    CHECK(rt.live_tasks().size() == 1000);

    const auto t0 = std::chrono::steady_clock::now();
    executor.channel().shut_down();
    rt.timers().shutdown();
    const auto took = std::chrono::steady_clock::now() - t0;
    // The target is 200 ms (measured by pollscope-bench reset); this bound is
    // generous so a loaded CI machine or a sanitizer build still passes.
    CHECK(took < 10s);
    CHECK(rt.timers().live().empty());
    // Cancelled timers dropped the wakers they held: the tasks are gone.
    CHECK(rt.live_tasks().empty());
    CHECK(rt.live_wakers().empty());
  }
  std::vector<Event> ev;
  log.drain(ev);
  std::size_t cancelled = 0;
  for (const Event& e : ev) {
    if (e.kind == EventKind::TimerThreadExited && field::cancelled(e)) ++cancelled;
  }
  CHECK(cancelled == 1000);
}

TEST_CASE(
    "a controller reset with 1,000 waiting timer threads starts a fresh runtime with none left") {
  ControllerOptions o;
  o.scenario = "";
  o.initial_mode = ExecutorMode::Run;
  Controller c(o);
  REQUIRE(c.spawn_timers(1000, 1h, 2h, 7) == SpawnStatus::Spawned);
  c.sync();
  // Wait for all 1,000 first polls (the executor runs freely) by reading the log.
  std::vector<Event> ev;
  std::size_t stored = 0;
  while (stored < 1000) {
    ev.clear();
    c.log().drain(ev);
    for (const Event& e : ev) stored += e.kind == EventKind::WakerStored ? 1 : 0;
    if (ev.empty()) c.log().wait_readable(50);
  }
  c.reset();
  c.sync(); // the reset has been carried out: every thread joined
  ev.clear();
  c.log().drain(ev);
  std::size_t exited = 0, dropped = 0;
  bool reset = false, restarted = false;
  for (const Event& e : ev) {
    exited += e.kind == EventKind::TimerThreadExited ? 1 : 0;
    dropped += e.kind == EventKind::TaskDropped ? 1 : 0;
    if (e.kind == EventKind::RuntimeReset) {
      reset = true;
      CHECK(exited == 1000); // all before the reset event
      CHECK(dropped == 1000);
    }
    if (e.kind == EventKind::RuntimeStarted && reset) restarted = true;
  }
  CHECK(reset);
  CHECK(restarted);
}
