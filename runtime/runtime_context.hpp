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
#include "policy.hpp"
#include "string_table.hpp"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace pollscope {

class TimerThreads;
class TimerDriver;
class DeliveryGate;
class Task;

class RuntimeContext {
public:
  struct Options {
    Clock* clock = nullptr;         // required
    StringTable* strings = nullptr; // required
    EventLog* log = nullptr;        // null: no events (the benchmark's "events off")
    bool introspection = false;     // keep live-task and live-waker registries
    // Who sleeps until a timer's deadline: a thread per timer (the book) or
    // one driver thread (timer_driver.hpp). Fixed for the runtime's life.
    TimerPolicy timer_policy = TimerPolicy::ThreadPerTimer;
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
  [[nodiscard]] TimerPolicy timer_policy() const noexcept { return timer_policy_; }
  [[nodiscard]] TimerDriver& timer_driver() noexcept { return *driver_; }
  // Off unless enabled before the first timer (virtual clock only).
  [[nodiscard]] DeliveryGate& gate() noexcept { return *gate_; }
  // Any thread: from now on this runtime's events are dropped. A reset that
  // abandons a wedged runtime mutes it, so what its stuck thread does later
  // cannot mix with the fresh runtime's events in the shared log.
  void mute() noexcept { muted_.store(true, std::memory_order_relaxed); }

  void emit(const Event& e) const noexcept {
    if (log_ != nullptr) emit_slow(e);
  }
  // Like emit, but `e.t` is already the event's time (read by the caller).
  void emit_at(const Event& e) const noexcept {
    if (log_ != nullptr) emit_stamped(e, e.t);
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

  // Registries (no-ops unless introspection is on; inline so the spawn and
  // poll paths pay one test when it is off).
  void waker_born(WakerId id) {
    if (introspection_) register_waker(id, true);
  }
  void waker_died(WakerId id) {
    if (introspection_) register_waker(id, false);
  }
  void task_born(Task* t) {
    if (introspection_) register_task(t, true);
  }
  void task_died(Task* t) {
    if (introspection_) register_task(t, false);
  }
  [[nodiscard]] std::vector<WakerId> live_wakers() const; // sorted
  [[nodiscard]] std::vector<Task*> live_tasks() const;    // in spawn order; quiescent use only

  // The runtime and task of the poll running on this thread, if any.
  [[nodiscard]] static RuntimeContext* current() noexcept;
  [[nodiscard]] static TaskId current_task() noexcept;

  // Names the calling thread's lane for the events it emits. A new role (a
  // lane or timer other than the current one) gets a new row of the thread
  // table at its next event.
  static void set_thread_lane(Lane lane, TimerId timer = 0) noexcept;

private:
  void register_waker(WakerId id, bool alive);
  void register_task(Task* t, bool alive);
  void emit_slow(const Event& e) const noexcept;
  void emit_stamped(const Event& e, std::uint64_t t) const noexcept;
  ThreadIndex register_thread(std::uint64_t t) const noexcept; // logs ThreadNamed

  Clock* clock_;
  StringTable* strings_;
  EventLog* log_;
  bool introspection_;
  std::atomic<bool> muted_{false}; // relaxed: a late event or two may slip past (see mute)
  // Their own cache line: a spawner takes two ids per task, and the flags
  // above are read on every task's drop on the executor's thread.
  alignas(64) std::atomic<TaskId> next_task_{1};
  std::atomic<WakerId> next_waker_{1};
  std::atomic<TimerId> next_timer_{1};
  alignas(64) TimerPolicy timer_policy_;
  // Destroyed after timers_ has joined every thread that uses them.
  std::unique_ptr<DeliveryGate> gate_;
  std::unique_ptr<TimerDriver> driver_;
  std::unique_ptr<TimerThreads> timers_;

  mutable std::mutex registry_mutex_;
  std::unordered_set<WakerId> live_wakers_;
  std::vector<Task*> live_tasks_;
};

namespace detail {

// What the calling thread is doing for the runtime: the poll it runs (if
// any), the stamp its events get, and its lane. Inline, constant-initialised
// thread_local: the poll path reads and writes it with plain moves, no TLS
// wrapper calls.
struct ThreadState {
  RuntimeContext* rt = nullptr;             // current(): the runtime of the poll running here
  const RuntimeContext* stamp_rt = nullptr; // whose events get `stamp` (null: read the clock)
  std::uint64_t stamp = 0;
  TaskId task = 0;
  TimerId timer = 0;
  Lane lane = Lane::External;
  // This thread's row in the thread table of the log whose id() is
  // `thread_log`, for its current role; registered at its first event there
  // (0: not yet).
  std::uint64_t thread_log = 0;
  ThreadIndex thread = 0;
};
inline constinit thread_local ThreadState t_state;

} // namespace detail

inline RuntimeContext* RuntimeContext::current() noexcept { return detail::t_state.rt; }
inline TaskId RuntimeContext::current_task() noexcept { return detail::t_state.task; }
inline void RuntimeContext::set_thread_lane(Lane lane, TimerId timer) noexcept {
  detail::ThreadState& ts = detail::t_state;
  if (ts.lane == lane && ts.timer == timer) return; // the executor calls this every tick
  ts.lane = lane;
  ts.timer = timer;
  ts.thread_log = 0; // a new role: a new thread table row
}

// Marks the calling thread as polling `task` of `rt` until destroyed, with
// `stamp` as the time of every event emitted meanwhile (when `rt` logs).
class PollScope {
public:
  PollScope(RuntimeContext* rt, TaskId task, std::uint64_t stamp) noexcept
      : prev_rt_(detail::t_state.rt),
        prev_stamp_rt_(detail::t_state.stamp_rt),
        prev_stamp_(detail::t_state.stamp),
        prev_task_(detail::t_state.task) {
    detail::ThreadState& ts = detail::t_state;
    ts.rt = rt;
    ts.task = task;
    ts.stamp_rt = rt != nullptr && rt->logging() ? rt : nullptr;
    ts.stamp = stamp;
  }
  ~PollScope() {
    detail::ThreadState& ts = detail::t_state;
    ts.rt = prev_rt_;
    ts.stamp_rt = prev_stamp_rt_;
    ts.stamp = prev_stamp_;
    ts.task = prev_task_;
  }
  PollScope(const PollScope&) = delete;
  PollScope& operator=(const PollScope&) = delete;

private:
  RuntimeContext* prev_rt_;
  const RuntimeContext* prev_stamp_rt_;
  std::uint64_t prev_stamp_;
  TaskId prev_task_;
};

// Gives every event the calling thread emits for `rt` meanwhile the time
// `stamp` (the executor's pop, read once with the poll's start). Unlike
// PollScope it leaves current() alone: no task is being polled. Only opened
// when `rt` logs.
class StampScope {
public:
  StampScope(const RuntimeContext* rt, std::uint64_t stamp) noexcept
      : prev_rt_(detail::t_state.stamp_rt), prev_stamp_(detail::t_state.stamp) {
    detail::t_state.stamp_rt = rt;
    detail::t_state.stamp = stamp;
  }
  ~StampScope() {
    detail::t_state.stamp_rt = prev_rt_;
    detail::t_state.stamp = prev_stamp_;
  }
  StampScope(const StampScope&) = delete;
  StampScope& operator=(const StampScope&) = delete;

private:
  const RuntimeContext* prev_rt_;
  std::uint64_t prev_stamp_;
};

} // namespace pollscope
