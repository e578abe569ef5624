// TimerFuture: the book's timer. Creating one starts a thread that waits until
// the deadline, sets `completed`, takes the stored waker and wakes it. Each
// poll that finds it incomplete stores a clone of the current waker (replacing
// the previous one) and returns Pending — exactly the book's poll.
//
// Differences from the book, each for a reason:
//   - the thread waits on the runtime's Clock instead of thread::sleep, so
//     reset and shutdown wake it at once and a virtual clock can drive it;
//   - the thread is owned by the runtime's TimerThreads and always joined;
//   - if the OS refuses a thread, the timer completes at once and a
//     TimerThreadFailed event says so (the book would panic).
//
// Threading contract: the shared state {completed, waker} is guarded by its
// mutex, held by the poll (executor thread) and by the timer thread while it
// fires and wakes — as in the book, the wake happens under the lock. So a
// wake that blocks on a full queue holds the lock, and a poll of the same
// timer then waits for the executor itself: a poll that finds the lock taken
// logs LockWaitBegin before it waits and LockWaitEnd once it has the lock, so
// that wait-for cycle shows in the log. The timer thread waits on the
// runtime's TimerThreads (not the clock directly), so cancelling one runtime
// leaves another's timers on the same clock alone.
#pragma once

#include "future.hpp"
#include "poll.hpp"
#include "waker.hpp"

#include <chrono>
#include <memory>
#include <mutex>

namespace pollscope {

class RuntimeContext;

class TimerFuture {
public:
  // Uses the runtime of the task being polled; throws std::logic_error when
  // called outside a poll.
  explicit TimerFuture(std::chrono::nanoseconds duration);
  TimerFuture(RuntimeContext& rt, std::chrono::nanoseconds duration);

  Poll<void> poll(Context& cx);
  [[nodiscard]] TimerId id() const noexcept;

  struct Shared; // {completed, waker} under a mutex; defined in the .cpp

private:
  std::shared_ptr<Shared> shared_;
};

} // namespace pollscope
