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
//
// Each waiter in sleep_until waits on its own condition variable, filed by
// its deadline, so moving time wakes only the waiters it made due: with
// thousands of timer threads asleep, waking them all on every advance made a
// virtual-clock run quadratic (5,000 timers took 100 s). Cancellation and
// wake_sleepers still wake every waiter.
//
// The delivery gate (delivery_gate.hpp) holds the wakes of due timers. A held
// timer has finished acting on its deadline as far as advance_to is
// concerned (`timer_held`, like a blocked sender), and while any is held an
// idle executor does not move time on its own: the gate, if one is attached
// (`attach_gate`), decides what an idle moment does.
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
class VirtualClock;

// What an idle executor does on a virtual clock when a delivery gate is
// attached; implemented by DeliveryGate. Called on the executor thread with no
// lock of the clock's held.
class IdleGate {
public:
  virtual ~IdleGate() = default;
  // True if something happened (time moved, a wake was released): the
  // executor looks at its queue again. False: it waits for work.
  virtual bool on_idle(VirtualClock& clock) = 0;
};

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
  class VirtualClock;

  // What an idle executor does on a virtual clock when a delivery gate is
  // attached; implemented by DeliveryGate. Called on the executor thread with no
  // lock of the clock's held.
  class IdleGate {
  public:
    virtual ~IdleGate() = default;
    // True if something happened (time moved, a wake was released): the
    // executor looks at its queue again. False: it waits for work.
    virtual bool on_idle(VirtualClock& clock) = 0;
  };
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
  // The general wait: until `deadline_ns` (true; kNoDeadline: none) or until
  // `stop()` holds or the clock is cancelled (false). `stop` is checked under
  // the clock's mutex (it must not block or take the clock); whoever makes it
  // true calls wake_sleepers. While parked the caller counts as `weight`
  // parked sleepers: a timer driver waits once for all the timers it holds.
  static constexpr std::uint64_t kNoDeadline = ~std::uint64_t{0};
  bool sleep_until(std::uint64_t deadline_ns, const std::function<bool()>& stop,
                   std::size_t weight);
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
  // A due timer's wake was held by the delivery gate (true), or the gate let
  // it go (false).
  void timer_held(bool held);
  [[nodiscard]] std::size_t held() const;
  // A timer driver firing a batch of due timers one by one: how many of the
  // batch still wait behind the one it is firing. While a sender is blocked
  // on a full queue they count as blocked too (the driver's wake is stuck,
  // so they cannot fire until the executor makes room).
  void due_behind(std::size_t n);

  // The executor calls this when its queue is empty, before blocking. A
  // VirtualClock in auto mode advances to the next deadline and returns true;
  // every other clock returns false.
  virtual bool on_idle() { return false; }

protected:
  // Real clock: how long to block for a wait until `deadline` (in ns of
  // real time), or -1 to wait for a notification only.
  [[nodiscard]] virtual std::int64_t real_wait_ns(std::uint64_t deadline) const noexcept = 0;
  void notify_time_changed();
  void notify_all_waiters_locked();                  // every sleep_until waiter and changed_
  void notify_due_waiters_locked(std::uint64_t now); // waiters whose deadline <= now
  friend class Sleeper;
  void release(std::uint64_t key) noexcept;

  struct Waiter {
    std::condition_variable cv;
  };

  mutable std::mutex mutex_;
  std::condition_variable changed_;                 // wait_until waiters: time moved, cancelled
  std::multimap<std::uint64_t, Waiter*> waiters_;   // sleep_until waiters by deadline
  std::condition_variable released_;                // a sleeper was released, or a thread parked
  std::multimap<std::uint64_t, std::uint64_t> due_; // deadline -> key, unreleased sleepers
  std::map<std::uint64_t, std::uint64_t> by_key_;   // key -> deadline
  std::uint64_t next_key_ = 1;
  std::size_t parked_ = 0;          // threads blocked in sleep_until right now
  std::size_t blocked_senders_ = 0; // threads blocked on a full run queue right now
  std::size_t held_ = 0;            // due timers whose wake the delivery gate holds
  std::size_t due_behind_ = 0;      // due timers queued behind a driver's current wake
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
  // finished): a quiescent point for tests and for on_idle. Timers held by
  // the delivery gate count as parked.
  void wait_all_parked();
  // The earliest unreleased deadline later than now, if any.
  [[nodiscard]] bool next_future_deadline(std::uint64_t& out) const;
  // A delivery gate decides what idle moments do while it is attached (one at
  // a time: the current runtime's). detach_gate does nothing if `g` is not
  // the attached one.
  void attach_gate(IdleGate* g) noexcept { gate_.store(g, std::memory_order_release); }
  void detach_gate(IdleGate* g) noexcept {
    gate_.compare_exchange_strong(g, nullptr, std::memory_order_acq_rel);
  }
  // The plain idle step: wait for every timer thread to park, then move
  // time to the next deadline (true) if there is one.
  bool advance_when_idle();

private:
  std::atomic<IdleGate*> gate_{nullptr};
  [[nodiscard]] std::int64_t real_wait_ns(std::uint64_t) const noexcept override { return -1; }
  std::atomic<std::uint64_t> now_{0};
  bool auto_advance_;
};

} // namespace pollscope
