// TimerThreads: owns every timer thread of one runtime, so that none is ever
// detached. A finished thread is joined lazily (when the next one starts) or
// at shutdown; `cancel` wakes every sleeping timer thread of this runtime at
// once (and no other runtime's on the same clock), `shutdown` cancels and
// joins them all.
//
// Threading contract: `start`, `live`, `cancel`, `shutdown` may be called
// from any thread (one mutex; `cancel` takes none of ours, only the clock's,
// so a thread that must not wait — a reset on the GUI thread — can call it
// while the runtime's own threads are wedged). Cancellation is sticky: a
// timer started afterwards (by a poll that was still running) exits at once.
// A timer thread marks itself finished as its last act; joining it
// afterwards never waits for more than its exit.
#pragma once

#include "clock.hpp"
#include "event.hpp"

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace pollscope {

class RuntimeContext;

class TimerThreads {
public:
  explicit TimerThreads(RuntimeContext& rt) : rt_(rt) {}
  ~TimerThreads() { shutdown(); }
  TimerThreads(const TimerThreads&) = delete;
  TimerThreads& operator=(const TimerThreads&) = delete;

  // Runs `body` on a new thread, then marks the thread finished, then
  // releases `sleeper` — in that order, so that when a virtual clock's
  // advance_to returns, the threads it made due are no longer live. False if
  // the OS refused a thread (the caller reports it and carries on without).
  bool start(TimerId id, std::function<void()> body, Sleeper sleeper);
  [[nodiscard]] std::vector<TimerId> live() const; // threads not yet finished, sorted
  [[nodiscard]] std::size_t peak() const noexcept { return peak_.load(std::memory_order_relaxed); }
  // The timer threads' wait: until `deadline` on the runtime's clock (true),
  // or until this runtime's timers are cancelled (false).
  bool sleep_until(std::uint64_t deadline);
  // The same, also ending (false) once `stop()` holds; while parked the
  // caller counts as `weight` sleepers (see Clock::sleep_until).
  bool sleep_until(std::uint64_t deadline, const std::function<bool()>& stop, std::size_t weight);
  // Wakes every timer thread of this runtime, now and from now on. Never blocks
  // on a timer thread.
  void cancel();
  [[nodiscard]] bool cancelled() const noexcept {
    return cancelled_.load(std::memory_order_acquire);
  }
  // cancel(), then joins every thread.
  void shutdown();

private:
  struct Entry {
    TimerId id;
    std::atomic<bool> finished{false};
    std::thread thread;
  };
  void reap_locked();

  RuntimeContext& rt_;
  mutable std::mutex mutex_;
  std::list<Entry> threads_;
  std::atomic<std::size_t> peak_{0};
  std::atomic<bool> cancelled_{false}; // release/acquire: see Clock::sleep_until
};

} // namespace pollscope
