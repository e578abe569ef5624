// The run queue: a bounded channel with sync_channel semantics.
#include "support.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

using namespace pollscope;

namespace {

Async<void> nothing() { co_return; }

} // namespace

TEST_CASE("try_spawn refuses when the queue is at capacity, and says so with an event") {
  test::TestRuntime t;
  auto [executor, spawner] = executor_and_spawner(t.rt, 3);
  for (int i = 0; i < 3; ++i) CHECK(spawner.try_spawn(nothing(), "n") == SendResult::Ok);
  CHECK(spawner.try_spawn(nothing(), "n") == SendResult::Full);
  CHECK(executor.channel().size() == 3);
  CHECK(t.count(EventKind::TrySendFull) == 1);
  // The refused task was never queued and is gone.
  CHECK(t.rt.live_tasks().size() == 3);
  REQUIRE(executor.try_tick() == TickResult::Polled);
  CHECK(spawner.try_spawn(nothing(), "n") == SendResult::Ok);
}

TEST_CASE(
    "a blocking spawn waits while the queue is full and goes through once the executor takes one") {
  test::TestRuntime t;
  auto [executor, spawner] = executor_and_spawner(t.rt, 1);
  REQUIRE(spawner.spawn(nothing(), "first") == SendResult::Ok);
  std::atomic<bool> sent{false};
  std::thread producer([&, sp = spawner] {
    REQUIRE(const_cast<Spawner&>(sp).spawn(nothing(), "second") == SendResult::Ok);
    sent = true;
  });
  // Wait (without sleeping) until the producer reports that it is blocked.
  while (t.count(EventKind::SendBlocked) == 0) std::this_thread::yield();
  CHECK_FALSE(sent.load());
  REQUIRE(executor.poll_one() == TickResult::Polled); // frees the slot
  producer.join();
  CHECK(sent.load());
  CHECK(t.count(EventKind::SendUnblocked) == 1);
  spawner = Spawner{};
  CHECK(executor.run() == 1);
}

TEST_CASE("the channel closes when the spawner and every task are gone, and run() returns") {
  test::TestRuntime t;
  auto [executor, spawner] = executor_and_spawner(t.rt);
  Spawner copy = spawner;
  REQUIRE(spawner.spawn(nothing(), "n") == SendResult::Ok);
  spawner = Spawner{};
  CHECK_FALSE(executor.channel().closed()); // the copy still holds a sender
  copy = Spawner{};
  CHECK_FALSE(executor.channel().closed()); // the queued task holds one too
  CHECK(executor.try_tick() == TickResult::Polled);
  CHECK(executor.channel().closed());
  CHECK(executor.try_tick() == TickResult::Closed);
  CHECK(t.count(EventKind::ChannelClosed) == 1);
}

TEST_CASE("a task woken twice while queued is queued twice (book-faithful)") {
  test::TestRuntime t;
  auto [executor, spawner] = executor_and_spawner(t.rt);
  REQUIRE(spawner.spawn(
              []() -> Async<void> {
                co_await yield_now(); // the first wake queues the task...
              }(),
              "y") == SendResult::Ok);
  spawner = Spawner{};
  REQUIRE(executor.try_tick() == TickResult::Polled);
  CHECK(executor.channel().snapshot() == std::vector<TaskId>{1});
  // ...and a second wake, from the task's own waker while it is queued,
  // queues it again: two entries for one task.
  Task* queued = executor.channel().try_recv();
  REQUIRE(queued != nullptr);
  {
    Waker w = Waker::borrowed(queued, &Task::kWakerVTable, queued->waker_id());
    w.wake_by_ref();
    w.wake_by_ref();
  }
  queued->release();
  CHECK(executor.channel().snapshot() == std::vector<TaskId>{1, 1});
  CHECK(executor.run() == 1); // polled once; the duplicate is popped and dropped
}

TEST_CASE("tickets are strictly increasing in push order and pops take them in order") {
  test::TestRuntime t;
  auto [executor, spawner] = executor_and_spawner(t.rt, 4);
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 4; ++i) REQUIRE(spawner.try_spawn(nothing(), "n") == SendResult::Ok);
    for (int i = 0; i < 4; ++i) REQUIRE(executor.try_tick() == TickResult::Polled);
  }
  std::uint64_t push_ticket = 0, pop_ticket = 0;
  for (const Event& e : t.events()) {
    if (e.kind == EventKind::QueuePush) CHECK(field::ticket(e) == push_ticket++);
    if (e.kind == EventKind::QueuePop) CHECK(field::ticket(e) == pop_ticket++);
  }
  CHECK(push_ticket == 20);
  CHECK(pop_ticket == 20);
}
