// TimerDriver: the `timer-thread` timer policy. One thread per runtime serves
// every TimerFuture, as real runtimes' timer drivers do, instead of the book's
// one OS thread per timer: it keeps the armed timers in a min-heap by
// deadline, sleeps on the runtime's clock until the earliest, then fires
// every timer that is due (the same steps and events as a timer's own
// thread: see TimerFuture::Shared::fire) and releases its Sleeper.
//
// Events: the driver writes, for each timer it serves, the events a timer
// thread writes — TimerThreadStarted when it takes the timer (armed),
// TimerThreadWaiting with the deadline, TimerFired and the wake, and
// TimerThreadExited when it is done with it — each naming its timer and task,
// and all from one thread-table row ("timer driver"). So the fold and the
// panels see one thread serving N timers.
//
// The thread starts at the first arm, through the runtime's TimerThreads, so
// it is owned, cancelled and joined like any timer thread (`peak()` is 1).
//
// Threading contract: `arm` may be called from any thread (one mutex guards
// the inbox); everything else runs on the driver thread. Cancellation (the
// TimerThreads' cancel) ends the driver: every timer it still holds exits
// cancelled, dropping its waker. An arm after that exits at once on the
// caller's thread, as a timer thread started after a cancel does.
#pragma once

#include "clock.hpp"
#include "event.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "timer_future.hpp"

namespace pollscope {

class RuntimeContext;

class TimerDriver {
public:
  explicit TimerDriver(RuntimeContext& rt) : rt_(rt) {}
  TimerDriver(const TimerDriver&) = delete;
  TimerDriver& operator=(const TimerDriver&) = delete;

  // The driver fires `timer` at `deadline` and then releases `sleeper`.
  // False if the driver thread could not be started (the caller completes
  // the timer at once, as for a refused timer thread).
  bool arm(std::shared_ptr<TimerFuture::Shared> timer, std::uint64_t deadline, Sleeper sleeper);

private:
  struct Armed {
    std::uint64_t deadline = 0;
    std::shared_ptr<TimerFuture::Shared> timer;
    Sleeper sleeper;
  };
  void run();                    // the driver thread
  void exit_cancelled(Armed& a); // any thread: the timer exits, its waker dropped

  RuntimeContext& rt_;
  std::mutex mutex_;
  std::vector<Armed> inbox_;           // guarded by mutex_: armed, not yet taken
  bool started_ = false;               // guarded by mutex_
  bool failed_ = false;                // guarded by mutex_: the thread could not start
  bool stopped_ = false;               // guarded by mutex_: the driver has ended
  std::atomic<bool> has_inbox_{false}; // read in the driver's wait predicate
  // The deadline the driver last went to sleep until (kNoDeadline: none).
  // An arm whose deadline is not earlier needs no wake: the driver takes the
  // inbox when it wakes anyway. seq_cst with has_inbox_ (Dekker): either the
  // arm sees the driver's latest value, or the driver, about to sleep, sees
  // the arm's has_inbox_ and does not.
  std::atomic<std::uint64_t> sleeping_until_{0};
};

} // namespace pollscope
