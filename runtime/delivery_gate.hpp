// DeliveryGate: the user chooses the interleaving (the policies issue, §3).
// On a virtual clock with the gate on, a timer whose deadline has come does
// not wake its task: its wake is held ("due, not delivered", a TimerDue
// event) until it is released — one at a time in any order (the app: click
// a due timer; headless: `--deliver 3,1,2`), or all in deadline order.
// Released wakes are delivered one after another in release order (each
// timer's TimerFired, its wake, its exit), so the run queue gets the tasks in
// exactly the chosen order, whichever thread serves each timer.
//
// Two modes:
//   - Interactive (the app): while a wake is held, an idle executor does not
//     move time; it waits for the user.
//   - Scripted (--deliver): at each idle moment the gate releases the next
//     timer of the script if it is held; if not, time moves to the next
//     deadline (so a later timer can be delivered before an earlier one);
//     when neither is possible, or the script is used up, held wakes go in
//     deadline order. Deterministic: every decision is taken at a quiescent
//     point (every timer thread parked or held), on the executor thread.
//
// Threading contract: every member may be called from any thread. One mutex
// guards the held set and the delivery queue. Lock order: the clock's mutex,
// then this one (`head` runs inside the clock's wait predicates); the gate
// never calls the clock while it holds its own mutex.
#pragma once

#include "clock.hpp"
#include "event.hpp"

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

namespace pollscope {

class RuntimeContext;

class DeliveryGate final : public IdleGate {
public:
  enum class Mode : std::uint8_t {
    Off,         // every due timer wakes its task at once (the book)
    Interactive, // held until released by the user
    Scripted,    // released in the order of a script (see the top)
  };
  explicit DeliveryGate(RuntimeContext& rt) : rt_(rt) {}
  ~DeliveryGate() override;
  DeliveryGate(const DeliveryGate&) = delete;
  DeliveryGate& operator=(const DeliveryGate&) = delete;

  // Before any timer is armed. Only a virtual clock can gate: on a real
  // clock this leaves the gate off.
  void enable(Mode mode, std::vector<TimerId> script = {});
  // Scripted: the part of the script not played yet. After a run, a
  // non-empty one names a timer that never became due (no such timer), so
  // the order from it on was not applied.
  [[nodiscard]] std::vector<TimerId> script_left() const;
  [[nodiscard]] bool enabled() const noexcept { return mode_ != Mode::Off; }
  [[nodiscard]] Mode mode() const noexcept { return mode_; }

  // --- the thread serving a timer ---
  // The deadline came: logs TimerDue and holds the wake.
  void hold(TimerId id, TaskId task, std::uint64_t deadline);
  // The released timer whose turn it is to deliver (0: none).
  [[nodiscard]] TimerId head() const;
  // The head delivered its wake: the next one may go.
  void delivered(TimerId id);
  // The runtime is torn down: `id` leaves the gate, held or released.
  void forget(TimerId id);

  // --- the user ---
  // False if `id` is not held right now.
  bool release(TimerId id);
  // Every held wake, in deadline order (then by id); how many.
  std::size_t release_all();
  struct Held {
    TimerId id;
    TaskId task;
    std::uint64_t deadline;
  };
  [[nodiscard]] std::vector<Held> held() const; // deadline order

  // IdleGate: the executor has nothing to run (see the top).
  bool on_idle(VirtualClock& clock) override;

private:
  void wake_servers(); // the threads waiting for their turn re-check
  bool release_locked(TimerId id);

  RuntimeContext& rt_;
  Mode mode_ = Mode::Off; // fixed once timers exist
  mutable std::mutex mutex_;
  std::vector<Held> held_;        // guarded by mutex_
  std::deque<TimerId> releasing_; // guarded by mutex_: released, in delivery order
  std::deque<TimerId> script_;    // guarded by mutex_: Scripted's order still to come
  // Wakes delivered so far; release/acquire: the delivery's push is visible
  // to the executor that sees the count move.
  std::atomic<std::uint64_t> delivered_{0};
  std::uint64_t seen_delivered_ = 0; // the executor thread only (on_idle)
};

} // namespace pollscope
