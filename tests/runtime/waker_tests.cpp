// Wakers: ids, clones and drops, the timer's stored waker, and waking a task
// that already finished.
#include "support.hpp"

#include "runtime/timer_future.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace pollscope;
using namespace std::chrono_literals;

namespace {

struct Counter {
  int polls = 0;
  Poll<void> poll(Context& cx) {
    ++polls;
    if (polls == 1) {
      // Wake ourselves twice while queued once already: queued twice.
      cx.waker().wake_by_ref();
      cx.waker().wake_by_ref();
      return Pending;
    }
    return Ready();
  }
};

} // namespace

TEST_CASE("every waker created or cloned is dropped by the end, and each id is unique") {
  test::TestRuntime t;
  auto [executor, spawner] = executor_and_spawner(t.rt);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(spawner.spawn([]() -> Async<void> { co_await TimerFuture(10ms); }(), "timer") ==
            SendResult::Ok);
  }
  spawner = Spawner{};
  executor.run();

  std::map<WakerId, int> balance;
  for (const Event& e : t.events()) {
    if (e.kind == EventKind::WakerCreated || e.kind == EventKind::WakerCloned) {
      CHECK(balance.count(e.waker) == 0); // a fresh id every time
      balance[e.waker] += 1;
    }
    if (e.kind == EventKind::WakerDropped) balance[e.waker] -= 1;
  }
  CHECK(balance.size() == 10); // 5 task wakers + 5 clones stored in timers
  for (auto [id, b] : balance) CHECK_MESSAGE(b == 0, "waker ", id);
  CHECK(t.rt.live_wakers().empty());
}

TEST_CASE(
    "a TimerFuture stores a fresh clone of the waker on every Pending poll, dropping the old one") {
  test::TestRuntime t(/*auto_advance=*/false);
  auto [executor, spawner] = executor_and_spawner(t.rt);
  auto timer = std::make_shared<std::optional<TimerFuture>>();
  REQUIRE(spawner.spawn(
              [](std::shared_ptr<std::optional<TimerFuture>> slot) -> Async<void> {
                slot->emplace(5s);
                co_await **slot;
              }(timer),
              "t") == SendResult::Ok);
  spawner = Spawner{};
  REQUIRE(executor.try_tick() == TickResult::Polled);
  CHECK(t.count(EventKind::WakerStored) == 1);

  // Poll the same timer twice more by hand with another waker: each poll
  // removes the previous waker and stores a new clone.
  CountingWaker counting(&t.rt);
  Waker w = counting.waker();
  Context cx(w);
  CHECK((*timer)->poll(cx).is_pending());
  CHECK((*timer)->poll(cx).is_pending());
  CHECK(t.count(EventKind::WakerStored) == 3);
  CHECK(t.count(EventKind::WakerRemoved) == 2);
  // The task's own clone was the last thing that could wake it: replacing it
  // was a lost waker, and with no reference left the task is gone.
  CHECK(t.count(EventKind::TaskDropped) == 1);
  CHECK(executor.try_tick() == TickResult::Closed);
  // Firing now wakes only the counting waker.
  t.clock.advance_to(5'000'000'000);
  CHECK(counting.wakes() == 1);
  timer->reset();
  w.reset();
}

TEST_CASE(
    "waking a task after it completed is harmless: it is popped and dropped, never polled again") {
  test::TestRuntime t;
  auto [executor, spawner] = executor_and_spawner(t.rt);
  REQUIRE(spawner.spawn(Counter{}, "counter") == SendResult::Ok);
  spawner = Spawner{};
  REQUIRE(executor.poll_one() == TickResult::Polled); // Pending, woken twice: queued twice
  CHECK(executor.channel().snapshot() == std::vector<TaskId>{1, 1});
  REQUIRE(executor.poll_one() == TickResult::Polled); // Ready
  CHECK(t.count(EventKind::TaskCompleted) == 1);
  // The second entry is popped but not polled.
  const std::size_t begins = t.count(EventKind::PollBegin);
  executor.run();
  CHECK(t.count(EventKind::PollBegin) == begins);
  CHECK(t.count(EventKind::QueuePop) == 3);
  CHECK(t.count(EventKind::TaskDropped) == 1);
}

TEST_CASE("a counting waker counts wakes across clones and releases every reference") {
  CountingWaker counting;
  {
    Waker a = counting.waker();
    Waker b = a.clone();
    CHECK(counting.live_refs() == 2);
    a.wake_by_ref();
    std::move(b).wake();
    CHECK(b.empty());
    CHECK(counting.wakes() == 2);
    CHECK(counting.live_refs() == 1);
  }
  CHECK(counting.live_refs() == 0);
}
