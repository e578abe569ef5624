// The book's own test, on the virtual clock: Hello, then World only after the
// 2 s timer fired, then run() returns once the spawner is dropped.
#include "support.hpp"

#include "runtime/timer_future.hpp"

#include <doctest/doctest.h>

using namespace pollscope;
using namespace std::chrono_literals;

TEST_CASE("the book's spawn_tasks test prints Hello, waits 2 s of virtual time, prints World, and "
          "run() returns") {
  test::TestRuntime t;
  auto [executor, spawner] = executor_and_spawner(t.rt);
  REQUIRE(spawner.spawn(test::hello_world(), "hello") == SendResult::Ok);
  spawner = Spawner{}; // drop(spawner)

  CHECK(executor.poll_one() == TickResult::Polled); // Hello, then Pending on the timer
  CHECK(t.output() == std::vector<std::string>{"Hello"});
  CHECK(t.clock.now_ns() == 0);

  const std::uint64_t polls = executor.run(); // advances virtual time to the deadline
  CHECK(polls == 1);
  CHECK(t.output() == std::vector<std::string>{"Hello", "World"});
  CHECK(t.clock.now_ns() == 2'000'000'000);

  // World was printed only after the timer fired.
  const auto& ev = t.events();
  std::size_t fired = 0, world = 0;
  for (std::size_t i = 0; i < ev.size(); ++i) {
    if (ev[i].kind == EventKind::TimerFired) fired = i;
    if (ev[i].kind == EventKind::Output && t.strings.get(field::output_text(ev[i])) == "World")
      world = i;
  }
  CHECK(fired > 0);
  CHECK(world > fired);
  CHECK(t.count(EventKind::ExecutorDone) == 1);
  CHECK(t.count(EventKind::ChannelClosed) == 1);
  CHECK(t.rt.live_tasks().empty());
  CHECK(t.rt.live_wakers().empty());
  CHECK(t.rt.timers().live().empty());
}

TEST_CASE("one timer task follows the book's nine-step flow, event by event") {
  test::TestRuntime t;
  auto [executor, spawner] = executor_and_spawner(t.rt);
  REQUIRE(spawner.spawn(test::hello_world(), "hello") == SendResult::Ok);
  spawner = Spawner{};
  executor.run();

  // Only the events that concern task 1, its wakers and its timer, in order.
  std::vector<EventKind> flow;
  for (const Event& e : t.events()) {
    switch (e.kind) {
    case EventKind::TaskSpawned: // 1. Spawner creates task
    case EventKind::QueuePush:   // 2. puts it into the queue (8. again, by the waker)
    case EventKind::QueuePop:
    case EventKind::PollBegin:   // 3. executor polls the future ...
    case EventKind::PollEnd:     //    ... and finds it Pending (9. Ready)
    case EventKind::WakerCloned: // 4. the future keeps track of the waker
    case EventKind::WakerStored:
    case EventKind::TimerFired:   // 5. duration elapses
    case EventKind::WakerRemoved: // 6. the future calls .wake
    case EventKind::WakerWoken:   // 7. ArcWake on the task is triggered
    case EventKind::TaskCompleted: flow.push_back(e.kind); break;
    default: break;
    }
  }
  const std::vector<EventKind> golden = {
      EventKind::TaskSpawned, EventKind::QueuePush,   EventKind::QueuePop,
      EventKind::PollBegin,   EventKind::WakerCloned, EventKind::WakerStored,
      EventKind::PollEnd,     EventKind::TimerFired,  EventKind::WakerRemoved,
      EventKind::WakerWoken,  EventKind::QueuePush,   EventKind::QueuePop,
      EventKind::PollBegin,   EventKind::PollEnd,     EventKind::TaskCompleted,
  };
  CHECK(flow == golden);

  // The first PollEnd is Pending and says where the task is suspended; the
  // second is Ready. The second push was made by the stored (cloned) waker.
  std::vector<Event> ends, pushes;
  WakerId stored = 0;
  for (const Event& e : t.events()) {
    if (e.kind == EventKind::PollEnd) ends.push_back(e);
    if (e.kind == EventKind::QueuePush) pushes.push_back(e);
    if (e.kind == EventKind::WakerStored) stored = e.waker;
  }
  REQUIRE(ends.size() == 2);
  CHECK_FALSE(field::ready(ends[0]));
  CHECK(std::string(t.strings.get(field::suspended_at(ends[0]))).find("support.hpp:") == 0);
  CHECK(field::ready(ends[1]));
  REQUIRE(pushes.size() == 2);
  CHECK(pushes[0].waker == 0);
  CHECK(pushes[1].waker == stored);
  CHECK(pushes[1].lane == Lane::Timer);
}
