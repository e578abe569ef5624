// Fault futures: small futures that break the Future contract on purpose, one
// per failure mode the fault scenarios teach (assets/scenarios/*.json). Each
// is deterministic on the virtual clock; none is used by a healthy scenario.
//
//   LostWakerFuture       Pending without storing the waker: nobody will
//                         ever wake the task (poll.hpp's "lost waker").
//   DoubleWakeFuture      wakes two clones of its waker in one poll: the
//                         book's channel queues the task twice.
//   BlockingPollFuture    blocks inside poll for N ms: on the virtual clock
//                         the poll moves time forward by N (timers due
//                         meanwhile fire, their tasks wait); on the real clock
//                         it sleeps, at most kMaxBlockingPoll.
//   WakeBeforeStoreFuture a timer whose poll checks `completed` and stores the
//                         waker in two separate critical sections; a scripted
//                         pause between the two lets the timer fire, so the
//                         wake finds no waker and is lost.
//
// Threading: like every future, each is polled by one thread at a time (the
// executor). WakeBeforeStoreFuture shares {completed, waker} with its timer
// thread under a mutex — but, on purpose, not for the whole check-then-store.
#pragma once

#include "future.hpp"
#include "poll.hpp"
#include "waker.hpp"

#include <chrono>
#include <memory>

namespace pollscope {

// The longest a BlockingPollFuture blocks a real-clock executor.
inline constexpr std::chrono::milliseconds kMaxBlockingPoll{10000};

class LostWakerFuture {
public:
  // Always Pending; the waker is neither stored nor cloned.
  Poll<void> poll(Context&) { return Pending; }
};

class DoubleWakeFuture {
public:
  // First poll: clone the waker twice, wake both, Pending. Later polls: Ready.
  Poll<void> poll(Context& cx);

private:
  bool woken_ = false;
};

class BlockingPollFuture {
public:
  explicit BlockingPollFuture(std::chrono::milliseconds duration) : duration_(duration) {}
  // Blocks for the duration (see above), then Ready: one poll.
  Poll<void> poll(Context& cx);

private:
  std::chrono::milliseconds duration_;
};

class WakeBeforeStoreFuture {
public:
  // Uses the runtime of the task being polled (throws std::logic_error
  // outside a poll), like TimerFuture.
  explicit WakeBeforeStoreFuture(std::chrono::nanoseconds duration);
  Poll<void> poll(Context& cx);

  struct Shared; // {completed, waker} under a mutex; defined in the .cpp

private:
  std::shared_ptr<Shared> shared_;
  std::uint64_t deadline_ = 0;
  bool custodian_ = false; // a thread drops the stranded waker at teardown
};

} // namespace pollscope
