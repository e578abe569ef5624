// Stepping the executor by hand: each step is exactly one poll.
#include "support.hpp"

#include "runtime/timer_future.hpp"

#include <doctest/doctest.h>

using namespace pollscope;
using namespace std::chrono_literals;

namespace {

Async<void> yield_times(int n) {
  for (int i = 0; i < n; ++i) co_await yield_now();
}

} // namespace

TEST_CASE("each poll_one takes one task off the queue and polls it exactly once") {
  test::TestRuntime t;
  auto [executor, spawner] = executor_and_spawner(t.rt);
  REQUIRE(spawner.spawn(yield_times(2), "a") == SendResult::Ok);
  REQUIRE(spawner.spawn(yield_times(2), "b") == SendResult::Ok);
  spawner = Spawner{};

  // a, b, a, b, a, b: each yields twice, so three polls each, taking turns.
  const std::vector<TaskId> expected = {1, 2, 1, 2, 1, 2};
  for (std::size_t step = 0; step < expected.size(); ++step) {
    const std::size_t begins_before = t.count(EventKind::PollBegin);
    REQUIRE(executor.poll_one() == TickResult::Polled);
    CHECK(t.count(EventKind::PollBegin) == begins_before + 1);
    TaskId polled = 0;
    for (const Event& e : t.events()) {
      if (e.kind == EventKind::PollBegin) polled = e.task;
    }
    CHECK(polled == expected[step]);
    CHECK(executor.polls() == step + 1);
  }
  CHECK(executor.poll_one() == TickResult::Closed);
  CHECK(t.rt.live_tasks().empty());
}

TEST_CASE("stepping the book's test walks its flow one poll at a time on a hand-driven clock") {
  test::TestRuntime t(/*auto_advance=*/false);
  auto [executor, spawner] = executor_and_spawner(t.rt);
  REQUIRE(spawner.spawn(test::hello_world(), "hello") == SendResult::Ok);
  spawner = Spawner{};

  // Step 1: Hello, Pending, the waker stored in the timer.
  REQUIRE(executor.try_tick() == TickResult::Polled);
  CHECK(t.output() == std::vector<std::string>{"Hello"});
  CHECK(t.count(EventKind::WakerStored) == 1);
  CHECK(executor.try_tick() == TickResult::Empty); // nothing queued: the task waits for its waker

  // 1.999 s: the timer has not fired; still nothing to poll.
  t.clock.advance_to(1'999'999'999);
  CHECK(t.count(EventKind::TimerFired) == 0);
  CHECK(executor.try_tick() == TickResult::Empty);

  // 2 s: advance_to returns once the timer thread has fired and woken the task.
  t.clock.advance_to(2'000'000'000);
  CHECK(t.count(EventKind::TimerFired) == 1);
  CHECK(executor.channel().snapshot() == std::vector<TaskId>{1});

  // Step 2: World, Ready.
  REQUIRE(executor.try_tick() == TickResult::Polled);
  CHECK(t.output() == std::vector<std::string>{"Hello", "World"});
  CHECK(t.count(EventKind::TaskCompleted) == 1);
  CHECK(executor.try_tick() == TickResult::Closed);
}

TEST_CASE("on the real clock a step's pop and poll share one time, and its end is that time plus "
          "the duration") {
  RealClock clock;
  StringTable strings;
  EventLog log(1u << 12);
  RuntimeContext rt(RuntimeContext::Options{&clock, &strings, &log, false});
  {
    auto [executor, spawner] = executor_and_spawner(rt);
    spawner.spawn(yield_times(3), "yielder");
    spawner = Spawner{};
    CHECK(executor.run() == 4);
  }
  std::vector<Event> ev;
  log.drain(ev);
  std::uint64_t pop_t = 0;
  std::uint64_t begin_t = 0;
  int polls = 0;
  std::uint64_t last_end = 0;
  for (const Event& e : ev) {
    if (e.kind == EventKind::QueuePop) pop_t = e.t;
    if (e.kind == EventKind::PollBegin) {
      begin_t = e.t;
      CHECK(begin_t == pop_t);    // one clock read for the pop and the poll's start
      CHECK(begin_t >= last_end); // time runs forward from step to step
    }
    if (e.kind == EventKind::PollEnd) {
      ++polls;
      CHECK(e.t ==
            begin_t + field::poll_duration_ns(e)); // the end is the start plus the poll's duration
      last_end = e.t;
    }
    if (e.kind == EventKind::TaskCompleted) CHECK(e.t == last_end);
  }
  CHECK(polls == 4);
}
