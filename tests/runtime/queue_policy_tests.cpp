// The queue policies (runtime/policy.hpp): book queues a task once per wake,
// notified once per need, local keeps the executor thread's own wakes off the
// channel. Stepped by hand on the virtual clock.
#include "support.hpp"

#include "runtime/fault_futures.hpp"

#include <doctest/doctest.h>

#include <thread>

using namespace pollscope;

namespace {

Async<void> double_waker() { co_await DoubleWakeFuture(); }
Async<void> yielder(int k) {
  for (int i = 0; i < k; ++i) co_await yield_now();
}

std::vector<const Event*> of_kind(const std::vector<Event>& all, EventKind k) {
  std::vector<const Event*> out;
  for (const Event& e : all)
    if (e.kind == k) out.push_back(&e);
  return out;
}

} // namespace

TEST_CASE("the start event names the runtime's queue and timer policies") {
  test::TestRuntime t;
  auto [executor, spawner] =
      executor_and_spawner(t.rt, 5, QueuePolicy::Local, TimerPolicy::TimerThread);
  const auto started = of_kind(t.events(), EventKind::RuntimeStarted);
  REQUIRE(started.size() == 1);
  CHECK(field::queue_capacity(*started[0]) == 5);
  CHECK(field::virtual_clock(*started[0]));
  CHECK(field::queue_policy(*started[0]) == QueuePolicy::Local);
  CHECK(field::timer_policy(*started[0]) == TimerPolicy::TimerThread);
  CHECK(executor.channel().policy() == QueuePolicy::Local);
}

TEST_CASE("a task woken twice in one poll is queued twice under book and once under notified and "
          "local") {
  for (const QueuePolicy policy : {QueuePolicy::Book, QueuePolicy::Notified, QueuePolicy::Local}) {
    CAPTURE(to_string(policy));
    test::TestRuntime t;
    auto [executor, spawner] = executor_and_spawner(t.rt, 10, policy);
    REQUIRE(spawner.spawn(double_waker(), "double") == SendResult::Ok);
    REQUIRE(executor.try_tick() == TickResult::Polled);
    const std::size_t expected = policy == QueuePolicy::Book ? 2 : 1;
    CHECK(executor.channel().snapshot().size() == expected);
    CHECK(of_kind(t.events(), EventKind::WakerWoken).size() == 2); // both wakes happened
    spawner = Spawner{};
    CHECK(executor.run() == 1); // one more poll; the book's second entry is dropped unpolled
    CHECK(of_kind(t.events(), EventKind::QueuePop).size() == 1 + expected);
  }
}

TEST_CASE("under notified a wake during a poll queues the task once, when the poll has returned "
          "Pending") {
  test::TestRuntime t;
  auto [executor, spawner] = executor_and_spawner(t.rt, 10, QueuePolicy::Notified);
  REQUIRE(spawner.spawn(yielder(1), "yielder") == SendResult::Ok);
  const TaskId id = t.rt.live_tasks().front()->id();
  REQUIRE(executor.try_tick() == TickResult::Polled);
  // The push waits for the poll to return, and is logged before its PollEnd
  // (as the book's is), so the log reads the same to the fold and the lints.
  std::vector<EventKind> seen;
  for (const Event& e : t.events()) {
    if (e.task == id && (e.kind == EventKind::WakerWoken || e.kind == EventKind::QueuePush ||
                         e.kind == EventKind::PollEnd || e.kind == EventKind::PollBegin))
      seen.push_back(e.kind);
  }
  CHECK(seen == std::vector<EventKind>{EventKind::QueuePush, EventKind::PollBegin,
                                       EventKind::WakerWoken, EventKind::QueuePush,
                                       EventKind::PollEnd});
  const auto pushes = of_kind(t.events(), EventKind::QueuePush);
  CHECK(pushes.back()->waker == t.rt.live_tasks().front()->waker_id()); // the wake it carries out
  CHECK_FALSE(field::local_queue(*pushes.back()));                      // notified: the channel
  CHECK(executor.channel().snapshot() == std::vector<TaskId>{id});
  spawner = Spawner{};
  CHECK(executor.run() == 1);
}

TEST_CASE("under local a self-wake goes to the executor-local queue and a wake from another thread "
          "to the channel") {
  test::TestRuntime t;
  auto [executor, spawner] = executor_and_spawner(t.rt, 10, QueuePolicy::Local);
  REQUIRE(spawner.spawn(yielder(1), "yielder") == SendResult::Ok);
  REQUIRE(executor.try_tick() == TickResult::Polled);
  auto pushes = of_kind(t.events(), EventKind::QueuePush);
  REQUIRE(pushes.size() == 2);
  CHECK_FALSE(field::local_queue(*pushes[0])); // the spawn: always the channel
  CHECK(field::local_queue(*pushes[1]));       // the yield's wake, on the executor thread
  CHECK(field::ticket(*pushes[1]) == (kLocalQueueTicket | 0));
  CHECK(executor.channel().size() == 0);
  CHECK(executor.channel().local_size() == 1);

  // The task is queued (locally): a wake from another thread changes nothing.
  Task* task = t.rt.live_tasks().front();
  Waker w = Waker::adopt((task->retain(), task), &Task::kWakerVTable);
  std::thread([&] { w.wake_by_ref(); }).join();
  CHECK(executor.channel().size() == 0);
  CHECK(executor.channel().local_size() == 1);

  REQUIRE(executor.try_tick() == TickResult::Polled); // the local entry: the task finishes
  const auto pops = of_kind(t.events(), EventKind::QueuePop);
  CHECK(field::local_queue(*pops.back()));
  w.reset();
  spawner = Spawner{};
  CHECK(executor.try_tick() == TickResult::Closed);
}

TEST_CASE("under local the channel's entries are received before the local queue's, as the "
          "snapshot lists them") {
  test::TestRuntime t;
  auto [executor, spawner] = executor_and_spawner(t.rt, 10, QueuePolicy::Local);
  REQUIRE(spawner.spawn(yielder(2), "a") == SendResult::Ok);
  REQUIRE(spawner.spawn(yielder(2), "b") == SendResult::Ok);
  const TaskId a = t.rt.live_tasks()[0]->id(), b = t.rt.live_tasks()[1]->id();
  REQUIRE(executor.try_tick() == TickResult::Polled); // a yields: a goes local
  CHECK(executor.channel().snapshot() == std::vector<TaskId>{b, a});
  REQUIRE(executor.try_tick() == TickResult::Polled); // b from the channel first
  CHECK(executor.channel().snapshot() == std::vector<TaskId>{a, b});
  spawner = Spawner{};
  CHECK(executor.run() == 4);
}

TEST_CASE("under local a task that keeps waking itself never blocks on a full channel of one") {
  // The book deadlocks here (full-queue-self-wake): the executor would send
  // its own task to its own full channel.
  test::TestRuntime t;
  auto [executor, spawner] = executor_and_spawner(t.rt, 1, QueuePolicy::Local);
  REQUIRE(spawner.spawn(yielder(50), "self-waker") == SendResult::Ok);
  CHECK(spawner.try_spawn(yielder(50), "other") == SendResult::Full); // the channel is full
  REQUIRE(executor.try_tick() == TickResult::Polled);
  CHECK(spawner.try_spawn(yielder(50), "other") == SendResult::Ok); // the self-wake left room
  spawner = Spawner{};
  CHECK(executor.run() == 101);
  CHECK(t.count(EventKind::SendBlocked) == 0);
}

TEST_CASE("under notified and local a wake on a finished task changes nothing") {
  for (const QueuePolicy policy : {QueuePolicy::Notified, QueuePolicy::Local}) {
    CAPTURE(to_string(policy));
    test::TestRuntime t;
    auto [executor, spawner] = executor_and_spawner(t.rt, 10, policy);
    REQUIRE(spawner.spawn(yielder(0), "once") == SendResult::Ok);
    Task* task = t.rt.live_tasks().front();
    Waker w = Waker::adopt((task->retain(), task), &Task::kWakerVTable);
    REQUIRE(executor.try_tick() == TickResult::Polled);
    CHECK(task->done());
    w.wake_by_ref();
    CHECK(executor.channel().snapshot().empty());
    CHECK(of_kind(t.events(), EventKind::QueuePush).size() == 1); // the spawn only
    w.reset();
    spawner = Spawner{};
    CHECK(executor.try_tick() == TickResult::Closed);
  }
}
