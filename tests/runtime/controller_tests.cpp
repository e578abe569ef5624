// The controller: step, run, pause and spawn from another thread, never
// blocking the caller. Everything is observed through the event log.
#include "runtime/controller.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <vector>

using namespace pollscope;
using namespace std::chrono_literals;

namespace {

struct LogReader {
  explicit LogReader(Controller& c) : c(c) {}
  Controller& c;
  std::vector<Event> all;
  std::size_t count(EventKind k) const {
    std::size_t n = 0;
    for (const Event& e : all) n += e.kind == k ? 1 : 0;
    return n;
  }
  void drain() { c.log().drain(all); }
  // Drains until `pred` holds; the worker reports every effect as events.
  // Bounded, so a broken runtime fails the test instead of hanging it.
  template <class P>
  void until(P pred) {
    int waits = 0;
    for (drain(); !pred(*this); drain()) {
      REQUIRE_MESSAGE(++waits < 600, "the expected events did not arrive within ~30 s");
      c.log().wait_readable(50);
    }
  }
};

} // namespace

TEST_CASE("the controller starts paused in step mode on hello-world and polls once per step") {
  ControllerOptions o;
  o.clock = ClockKind::Virtual;
  Controller c(o);
  c.sync();
  LogReader r(c);
  r.drain();
  CHECK(c.mode() == ExecutorMode::Step);
  CHECK(r.count(EventKind::TaskSpawned) == 1);
  CHECK(r.count(EventKind::PollBegin) == 0); // nothing happens until a step

  c.step();
  r.until([](const LogReader& l) { return l.count(EventKind::PollEnd) == 1; });
  CHECK(r.count(EventKind::PollBegin) == 1);

  // The second step waits for the timer; the virtual clock jumps to it when idle.
  c.step();
  // TaskCompleted follows the PollEnd of the poll that returned Ready.
  r.until([](const LogReader& l) {
    return l.count(EventKind::PollEnd) == 2 && l.count(EventKind::TaskCompleted) == 1;
  });
  CHECK(r.count(EventKind::TimerFired) == 1);
  CHECK(c.now_ns() == 2'000'000'000);
}

TEST_CASE("spawning into a full queue reports QueueFull at once instead of blocking") {
  ControllerOptions o;
  o.queue_capacity = 2;
  o.scenario = "";
  o.initial_mode = ExecutorMode::Pause;
  Controller c(o);
  CHECK(c.spawn_timer(1s) == SpawnStatus::Spawned);
  CHECK(c.spawn_timer(1s) == SpawnStatus::Spawned);
  CHECK(c.spawn_timer(1s) == SpawnStatus::QueueFull);
  CHECK(c.spawn_timer(-1s) == SpawnStatus::BadArgument);
  CHECK(c.load_scenario("nope") == SpawnStatus::BadArgument);
  LogReader r(c);
  r.until([](const LogReader& l) { return l.count(EventKind::TrySendFull) == 1; });
  CHECK(r.count(EventKind::TaskSpawned) == 3); // the third was created, refused, dropped
  CHECK(r.count(EventKind::TaskDropped) == 1);
}

TEST_CASE("run mode finishes every spawned timer, reset clears and restarts with the scenario") {
  ControllerOptions o;
  o.clock = ClockKind::Virtual;
  o.initial_mode = ExecutorMode::Run;
  o.scenario = "";
  Controller c(o);
  REQUIRE(c.spawn_timers(10, 100ms, 900ms, 42) == SpawnStatus::Spawned);
  LogReader r(c);
  r.until([](const LogReader& l) { return l.count(EventKind::TaskCompleted) == 10; });
  CHECK(r.count(EventKind::TimerFired) == 10);

  ControllerOptions next = o;
  next.scenario = "hello-world";
  next.initial_mode = ExecutorMode::Step;
  c.reset(next);
  r.until([](const LogReader& l) {
    return l.count(EventKind::RuntimeReset) == 1 && l.count(EventKind::TaskSpawned) == 11;
  });
  CHECK(c.mode() == ExecutorMode::Step);
}

TEST_CASE("steps asked for on an empty queue do not pile up: one waits for the next task") {
  ControllerOptions o;
  o.clock = ClockKind::Virtual;
  o.scenario = "";
  o.initial_mode = ExecutorMode::Step;
  Controller c(o);
  for (int i = 0; i < 5; ++i) c.step();
  LogReader r(c);
  r.until([](const LogReader& l) { return l.count(EventKind::StepRequested) == 5; });
  for (const Event& e : r.all)
    if (e.kind == EventKind::StepRequested)
      CHECK(field::steps_owed(e) == 1); // capped: queue empty + 1
  // The owed step polls the next task to arrive, once; nothing else is owed.
  REQUIRE(c.spawn_timer(1s) == SpawnStatus::Spawned);
  r.until([](const LogReader& l) { return l.count(EventKind::PollEnd) == 1; });
  c.sync();
  r.drain();
  CHECK(r.count(EventKind::PollBegin) == 1);
  CHECK(r.count(EventKind::TimerFired) == 0); // the virtual clock only moves when a step waits
}
