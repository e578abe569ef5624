// TimerThreads: owns every timer thread of one runtime, so that none is ever
// detached. A finished thread is joined lazily (when the next one starts) or
// at shutdown; `shutdown` cancels the clock, which wakes every sleeping timer
// thread at once, and joins them all.
//
// Threading contract: `start`, `live`, `shutdown` may be called from any
// thread (one mutex). A timer thread marks itself finished as its last act;
// joining it afterwards never waits for more than its exit.
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
  // Cancels the clock's sleepers, joins every thread, then re-arms the clock.
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
};

} // namespace pollscope
