// `co_await yield_now()` takes a shortcut (async.hpp's YieldAwaiter): it
// wakes and suspends without polling a YieldNow, and resumes without polling
// it again. These pin down that it still means exactly what polling a
// YieldNow means, whoever polls the coroutine.
#include "runtime/async.hpp"

#include <doctest/doctest.h>

#include <source_location>
#include <utility>

using namespace pollscope;

namespace {

Async<int> yield_twice(int& steps) {
  ++steps;
  co_await yield_now();
  ++steps;
  co_await yield_now();
  ++steps;
  co_return steps;
}

} // namespace

TEST_CASE("a coroutine's yield wakes the polling waker once and suspends, and the next poll "
          "resumes it") {
  CountingWaker counting;
  const Waker w = counting.waker();
  Context cx(w);
  int steps = 0;
  Async<int> a = yield_twice(steps);

  CHECK(a.poll(cx).is_pending());
  CHECK(steps == 1);
  CHECK(counting.wakes() == 1);
  CHECK(a.poll(cx).is_pending());
  CHECK(steps == 2);
  CHECK(counting.wakes() == 2);
  Poll<int> p = a.poll(cx);
  REQUIRE(p.is_ready());
  CHECK(p.take() == 3);
  CHECK(counting.wakes() == 2); // finishing wakes nothing
}

TEST_CASE("a yield wakes the waker of the poll that reaches it, not an earlier poll's") {
  CountingWaker first, second;
  const Waker w1 = first.waker();
  const Waker w2 = second.waker();
  int steps = 0;
  Async<int> a = yield_twice(steps);
  Context cx1(w1);
  CHECK(a.poll(cx1).is_pending());
  Context cx2(w2);
  CHECK(a.poll(cx2).is_pending());
  CHECK(first.wakes() == 1);
  CHECK(second.wakes() == 1);
}

TEST_CASE("a suspended yield reports the line of its co_await") {
  int line = 0;
  auto body = [](int& at) -> Async<void> {
    at = static_cast<int>(std::source_location::current().line()) + 1;
    co_await yield_now();
  };
  Async<void> a = body(line);
  CountingWaker counting;
  const Waker w = counting.waker();
  Context cx(w);
  CHECK(a.where() == nullptr); // not started
  CHECK(a.poll(cx).is_pending());
  const std::source_location* at = a.where();
  REQUIRE(at != nullptr);
  CHECK(static_cast<int>(at->line()) == line);
  CHECK(a.poll(cx).is_ready());
  CHECK(a.where() == nullptr);
}

TEST_CASE("awaiting a YieldNow that has already yielded is Ready at once, as its poll is") {
  CountingWaker counting;
  const Waker w = counting.waker();
  Context cx(w);
  YieldNow spent;
  CHECK(spent.poll(cx).is_pending()); // its one Pending
  CHECK(counting.wakes() == 1);

  int after = 0;
  auto body = [](YieldNow y, int& out) -> Async<void> {
    co_await std::move(y); // an rvalue: the shortcut, which must see it has yielded
    out = 1;
  };
  Async<void> a = body(spent, after);
  CHECK(a.poll(cx).is_ready());
  CHECK(after == 1);
  CHECK(counting.wakes() == 1); // no second wake
}

TEST_CASE("an lvalue YieldNow is polled where it is, and yields once across awaits") {
  CountingWaker counting;
  const Waker w = counting.waker();
  Context cx(w);
  int after = 0;
  auto body = [](int& out) -> Async<void> {
    YieldNow y;
    co_await y; // Pending, then Ready on the next poll
    co_await y; // already yielded: Ready at once
    out = 1;
  };
  Async<void> a = body(after);
  CHECK(a.poll(cx).is_pending());
  CHECK(counting.wakes() == 1);
  CHECK(a.poll(cx).is_ready());
  CHECK(after == 1);
  CHECK(counting.wakes() == 1);
}
