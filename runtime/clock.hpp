// Clock: where the runtime's time comes from, and how timer threads wait on it.
//
// Two clocks: RealClock (steady time — read from the TSC where that is safe,
// see ticks.hpp — optionally slowed down by a time
// scale for slow motion in the GUI) and VirtualClock (time moves only when
// told: tests and `--clock virtual` advance it by hand, or let the executor
// advance it to the next deadline when nothing else can run).
//
// Threading contract: every member may be called from any thread. Timer
// threads block in `sleep_until`; `cancel_all`, a waiter's own cancel flag
// (one runtime's reset: `wake_sleepers` after setting it) and any change of
// time (advance, a new time scale) wake them at once. A waiter is registered
// *before* its thread starts (`Sleeper`), so a virtual clock never advances
// past a timer it has not seen, and `advance_to` returns only after every
// timer it made due has finished firing (its Sleeper is released), which is
// what makes thread-per-timer tests deterministic without sleeps.
//
// One exception keeps that wait from deadlocking: a timer thread whose wake
// finds the run queue full blocks until the executor makes room, and the
// executor is the thread waiting in advance_to. Senders blocked on a full
// queue say so (`sender_blocked`); advance_to returns once every timer it
// made due has finished or is blocked so (each blocked sender stands for one
// due timer), and wait_all_parked returns while any sender is blocked, so the
// executor goes back to draining the queue (the blocked timers then fire
// into the room).
#pragma once

#include "ticks.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace pollscope {

enum class ClockKind : std::uint8_t {
  Real = 0,
  Virtual = 1
};
std::string_view to_string(ClockKind k) noexcept;

class Clock;

// A registered wait for a deadline. Created on the thread that arms the timer,
// moved into the timer thread, released when that thread has finished acting
// on the deadline.
class Sleeper {
public:
  Sleeper() = default;
  Sleeper(Sleeper&& o) noexcept;
  Sleeper& operator=(Sleeper&& o) noexcept;
  ~Sleeper();
  void release() noexcept; // idempotent
  [[nodiscard]] std::uint64_t deadline() const noexcept { return deadline_; }

private:
  friend class Clock;
  Clock* clock_ = nullptr;
  std::uint64_t deadline_ = 0;
  std::uint64_t key_ = 0;
};

class Clock {
public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual std::uint64_t now_ns() const noexcept = 0;
  [[nodiscard]] virtual ClockKind kind() const noexcept = 0;

  [[nodiscard]] Sleeper register_sleeper(std::uint64_t deadline_ns);
  // Blocks until now_ns() >= deadline (true) or the clock is cancelled
  // (false). Cancellation is sticky until `uncancel`.
  bool sleep_until(std::uint64_t deadline_ns);
  // The same, also returning false once `cancelled` is set (by another
  // thread, which then calls wake_sleepers): one runtime's timers are
  // cancelled without touching another runtime's on the same clock.
  bool sleep_until(std::uint64_t deadline_ns, const std::atomic<bool>& cancelled);
  void wake_sleepers(); // every waiter re-checks its deadline and its flag
  // Blocks until `done()` holds or the clock is cancelled, re-checking under
  // the clock's mutex whenever waiters are woken (wake_sleepers, cancel_all,
  // a change of time). A thread with no deadline waits here, not in
  // sleep_until: it is neither a sleeper nor parked, so a virtual clock
  // never advances for it and never waits for it. `done` must not block.
  void wait_until(const std::function<bool()>& done);
  void cancel_all();
  void uncancel();
  [[nodiscard]] bool cancelled() const;
  [[nodiscard]] std::size_t sleepers() const;
  // A sender started (true) or stopped (false) waiting on a full run queue.
  void sender_blocked(bool blocked);

  // The executor calls this when its queue is empty, before blocking. A
  // VirtualClock in auto mode advances to the next deadline and returns true;
  // every other clock returns false.
  virtual bool on_idle() { return false; }

protected:
  // Real clock: how long to block for a wait until `deadline` (in ns of
  // real time), or -1 to wait for a notification only.
  [[nodiscard]] virtual std::int64_t real_wait_ns(std::uint64_t deadline) const noexcept = 0;
  void notify_time_changed();
  friend class Sleeper;
  void release(std::uint64_t key) noexcept;

  mutable std::mutex mutex_;
  std::condition_variable changed_;                 // time moved, or cancelled
  std::condition_variable released_;                // a sleeper was released, or a thread parked
  std::multimap<std::uint64_t, std::uint64_t> due_; // deadline -> key, unreleased sleepers
  std::map<std::uint64_t, std::uint64_t> by_key_;   // key -> deadline
  std::uint64_t next_key_ = 1;
  std::size_t parked_ = 0;          // threads blocked in sleep_until right now
  std::size_t blocked_senders_ = 0; // threads blocked on a full run queue right now
  bool cancelled_ = false;
};

class RealClock final : public Clock {
public:
  explicit RealClock(double time_scale = 1.0);
  [[nodiscard]] std::uint64_t now_ns() const noexcept override;
  [[nodiscard]] ClockKind kind() const noexcept override { return ClockKind::Real; }
  // 1.0 = real time, 0.25 = a quarter speed. Continuous: now_ns() does not jump.
  void set_time_scale(double scale);
  [[nodiscard]] double time_scale() const noexcept;

private:
  [[nodiscard]] std::int64_t real_wait_ns(std::uint64_t deadline) const noexcept override;
  // now = virt + (ticks_now - ticks) * ns_per_tick, re-based on every scale
  // change so time stays continuous (ticks: see ticks.hpp; ns_per_tick
  // includes the time scale). Readers (twice per poll, when logging) load
  // one pointer; a scale change publishes a new Base and keeps the old ones
  // alive until the clock dies, so a reader never sees a freed Base.
  struct Base {
    std::uint64_t ticks;
    std::uint64_t virt;
    double scale;
    double ns_per_tick;
  };
  [[nodiscard]] static std::uint64_t now_from(const Base& b, std::uint64_t ticks) noexcept;
  const TickRate& rate_;
  std::mutex base_mutex_; // serialises writers only
  std::vector<std::unique_ptr<Base>> bases_;
  std::atomic<const Base*> base_{nullptr};
};

class VirtualClock final : public Clock {
public:
  explicit VirtualClock(bool auto_advance = true);
  [[nodiscard]] std::uint64_t now_ns() const noexcept override;
  [[nodiscard]] ClockKind kind() const noexcept override { return ClockKind::Virtual; }
  // Moves time forward (never back) and waits until every sleeper that became
  // due has been released by its thread or is blocked on a full queue (see
  // the top of this file).
  void advance_to(std::uint64_t t_ns);
  void advance_by(std::uint64_t dt_ns);
  // The earliest unreleased deadline, if any.
  [[nodiscard]] bool next_deadline(std::uint64_t& out) const;
  bool on_idle() override;
  // Blocks until every registered timer thread waits on this clock (or has
  // finished): a quiescent point for tests and for on_idle.
  void wait_all_parked();

private:
  [[nodiscard]] std::int64_t real_wait_ns(std::uint64_t) const noexcept override { return -1; }
  std::atomic<std::uint64_t> now_{0};
  bool auto_advance_;
};

} // namespace pollscope
