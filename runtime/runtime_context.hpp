// RuntimeContext: what every part of one runtime shares — the clock, the
// string table, the event log (optional), id counters, the timer threads and
// the registries the fold is checked against.
//
// Threading contract
//   - `emit` may be called from any thread; it stamps the event with the
//     clock's time (or, on the executor thread, the time the current tick
//     began: a StampScope or PollScope is open, so a poll costs two clock
//     reads however many events it emits) and the calling thread's lane,
//     then appends it to the log. `emit_at` keeps the caller's time.
//   - Id counters are atomics: ids are dense, starting at 1 per context.
//   - The registries (live tasks, live wakers) take a mutex; they exist for
//     introspection (tests compare them with the fold) and are kept only when
//     `Options::introspection` is set.
//   - `current()` is thread-local: set by the executor for the duration of a
//     poll, so code inside a task (print, TimerFuture) finds its runtime.
#pragma once

#include "clock.hpp"
#include "event.hpp"
#include "event_log.hpp"
#include "string_table.hpp"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace pollscope {

class TimerThreads;
class Task;

class RuntimeContext {
public:
  struct Options {
    Clock* clock = nullptr;         // required
    StringTable* strings = nullptr; // required
    EventLog* log = nullptr;        // null: no events (the benchmark's "events off")
    bool introspection = false;     // keep live-task and live-waker registries
  };
  explicit RuntimeContext(Options options);
  ~RuntimeContext(); // cancels and joins every timer thread still running
  RuntimeContext(const RuntimeContext&) = delete;
  RuntimeContext& operator=(const RuntimeContext&) = delete;

  [[nodiscard]] Clock& clock() const noexcept { return *clock_; }
  [[nodiscard]] StringTable& strings() const noexcept { return *strings_; }
  [[nodiscard]] EventLog* log() const noexcept { return log_; }
  [[nodiscard]] bool logging() const noexcept { return log_ != nullptr; }
  [[nodiscard]] bool introspection() const noexcept { return introspection_; }
  [[nodiscard]] TimerThreads& timers() noexcept { return *timers_; }

  void emit(Event e) const noexcept {
    if (log_ != nullptr) emit_slow(e);
  }
  // Like emit, but `e.t` is already the event's time (read by the caller).
  void emit_at(Event e) const noexcept {
    if (log_ != nullptr) emit_stamped(e);
  }

  [[nodiscard]] TaskId next_task_id() noexcept {
    return next_task_.fetch_add(1, std::memory_order_relaxed);
  }
  [[nodiscard]] WakerId next_waker_id() noexcept {
    return next_waker_.fetch_add(1, std::memory_order_relaxed);
  }
  [[nodiscard]] TimerId next_timer_id() noexcept {
    return next_timer_.fetch_add(1, std::memory_order_relaxed);
  }

  // Registries (no-ops unless introspection is on).
  void waker_born(WakerId id);
  void waker_died(WakerId id);
  void task_born(Task* t);
  void task_died(Task* t);
  [[nodiscard]] std::vector<WakerId> live_wakers() const; // sorted
  [[nodiscard]] std::vector<Task*> live_tasks() const;    // in spawn order; quiescent use only

  // The runtime and task of the poll running on this thread, if any.
  [[nodiscard]] static RuntimeContext* current() noexcept;
  [[nodiscard]] static TaskId current_task() noexcept;

  // Names the calling thread's lane for the events it emits.
  static void set_thread_lane(Lane lane, TimerId timer = 0) noexcept;

private:
  friend class PollScope;
  friend class StampScope;
  void emit_slow(Event e) const noexcept;
  void emit_stamped(Event e) const noexcept;

  Clock* clock_;
  StringTable* strings_;
  EventLog* log_;
  bool introspection_;
  std::atomic<TaskId> next_task_{1};
  std::atomic<WakerId> next_waker_{1};
  std::atomic<TimerId> next_timer_{1};
  std::unique_ptr<TimerThreads> timers_;

  mutable std::mutex registry_mutex_;
  std::unordered_set<WakerId> live_wakers_;
  std::vector<Task*> live_tasks_;
};

// Marks the calling thread as polling `task` of `rt` until destroyed, with
// `stamp` as the time of every event emitted meanwhile.
class PollScope {
public:
  PollScope(RuntimeContext* rt, TaskId task, std::uint64_t stamp) noexcept;
  ~PollScope();
  PollScope(const PollScope&) = delete;
  PollScope& operator=(const PollScope&) = delete;

private:
  RuntimeContext* prev_rt_;
  const RuntimeContext* prev_stamp_rt_;
  TaskId prev_task_;
  std::uint64_t prev_stamp_;
  bool prev_has_stamp_;
};

// Gives every event the calling thread emits for `rt` meanwhile the time
// `stamp` (the executor's pop, read once with the poll's start). A no-op when
// `rt` does not log.
class StampScope {
public:
  StampScope(RuntimeContext* rt, std::uint64_t stamp) noexcept;
  ~StampScope();
  StampScope(const StampScope&) = delete;
  StampScope& operator=(const StampScope&) = delete;

private:
  const RuntimeContext* prev_rt_;
  std::uint64_t prev_stamp_;
  bool prev_has_stamp_;
  bool active_;
};

} // namespace pollscope
