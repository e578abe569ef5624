// Controller: runs a runtime on a worker thread and takes commands from any
// thread — run, pause, step one poll, throttle, spawn, reset, shutdown.
//
// Threading contract
//   - Every public member may be called from any thread, concurrently.
//     Commands other than reset and shutdown are queued (a mutex held for a
//     push only) and carried out by the worker, which reports every effect as
//     events in `log()`; they never block their caller.
//   - Spawning from the caller's thread uses the channel's try_send, so a full
//     queue is reported (SpawnStatus::QueueFull, plus a TrySendFull event)
//     instead of blocking a GUI frame.
//   - Reset and shutdown never wait for a wedged worker to read a command:
//     the calling thread cancels the runtime itself (shuts the channel, which
//     releases every blocked sender, and cancels its timer threads), which
//     undoes every wedge but one. A worker still inside a poll after
//     kAbandonAfter is stuck there (a task blocking in poll cannot be
//     interrupted): the runtime is then abandoned — muted, a RuntimeAbandoned
//     event logged, its thread detached to finish on its own — and a fresh
//     runtime starts at once. So both return within about kAbandonAfter plus
//     the teardown (joining cancelled timer threads). A worker outside a poll
//     is always waited for (it is only short of CPU), up to 10 s.
//   - Each runtime and its worker thread share ownership of what that thread
//     touches (the runtime, the log, the string table, the clock), so an
//     abandoned thread never touches freed memory, even after the Controller
//     is gone. A muted runtime's late events are dropped, not mixed into the
//     next runtime's.
//   - `log()` and `strings()` live as long as the Controller and survive
//     reset: one consumer thread drains the log (EventLog's contract).
#pragma once

#include "clock.hpp"
#include "event.hpp"
#include "event_log.hpp"
#include "executor.hpp"
#include "policy.hpp"
#include "scenarios.hpp"
#include "string_table.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace pollscope {

struct ControllerOptions {
  std::size_t queue_capacity = 10000; // the run channel's bound (sync_channel)
  ClockKind clock = ClockKind::Real;  // Virtual: time advances only when idle
  double time_scale = 1.0;            // real clock only: 0.25 = 4x slow motion
  std::size_t log_capacity = std::size_t{1} << 20;
  ExecutorMode initial_mode = ExecutorMode::Step;
  double throttle_polls_per_second = 2.0; // used in ExecutorMode::Throttle
  std::string scenario = "hello-world";   // loaded at start and after reset; "" = none
  ScenarioParams params;                  // --count / --seed, for scenarios that take them
  QueuePolicy queue_policy = QueuePolicy::Book;            // applied at start and reset
  TimerPolicy timer_policy = TimerPolicy::ThreadPerTimer; // applied at start and reset
  // Virtual clock only: due timers' wakes are held until deliver() or
  // deliver_all() (the delivery gate, delivery_gate.hpp). Applied at reset.
  bool hold_due_timers = false;
};

enum class SpawnStatus : std::uint8_t {
  Spawned,     // the task is on the run queue
  QueueFull,   // the channel is at capacity: nothing was spawned
  BadArgument, // e.g. a negative or absurd duration
};
std::string_view to_string(SpawnStatus s) noexcept;

class Controller {
public:
  explicit Controller(ControllerOptions options = {});
  ~Controller(); // shutdown(), if not called before
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // How long reset and shutdown wait for a worker inside a poll to answer
  // before they abandon its runtime.
  static constexpr std::chrono::milliseconds kAbandonAfter{100};

  // What shutdown left behind: runtimes whose executor thread was still stuck
  // inside a poll (this one, or ones a reset abandoned earlier).
  struct ShutdownReport {
    unsigned abandoned_runtimes = 0;
    std::uint64_t polls_in_progress = 0;
  };
  // Tears the runtime down (as reset does, without starting a new one) and
  // says what it left. Idempotent; commands afterwards do nothing.
  ShutdownReport shutdown();
  // Process-wide: waits until every abandoned worker thread has finished, at
  // most `timeout`; true if none is left. For tests and orderly exits.
  static bool wait_for_abandoned(std::chrono::milliseconds timeout);

  // --- execution ---
  void set_mode(ExecutorMode mode);
  void step(unsigned polls = 1); // owes `polls` more polls; switches to Step mode
  void set_throttle(double polls_per_second);
  void set_time_scale(double scale); // real clock: 1 = real time
  // Tears every task and timer thread down and starts a fresh runtime with
  // `options` (capacity, scenario; the log, string table and clock carry on).
  // Returns once the fresh runtime is running (see the contract above).
  void reset(ControllerOptions options);
  void reset(); // same options as now

  // --- spawning (never blocks) ---
  // One task: await a TimerFuture of `duration`, then print that it is done.
  SpawnStatus spawn_timer(std::chrono::nanoseconds duration);
  // `count` such tasks with durations uniform in [min, max], seeded. Stops at
  // the first refusal; `spawned` (if given) says how many went in before it.
  SpawnStatus spawn_timers(unsigned count, std::chrono::nanoseconds min,
                           std::chrono::nanoseconds max, std::uint64_t seed,
                           unsigned* spawned = nullptr);
  // Spawns a named scenario into the current runtime (see scenarios.hpp).
  SpawnStatus load_scenario(std::string_view name);
  // A copy of the current runtime's spawner, for any future (tests, and
  // workloads the named ones do not cover). It fails once that runtime is
  // reset: take a new one after a reset.
  [[nodiscard]] Spawner spawner();

  // --- the delivery gate (hold_due_timers) ---
  // Releases one held wake (false: `timer` is not held right now), or every
  // held wake in deadline order (how many). Never block: the wakes are
  // delivered by the threads serving the timers.
  bool deliver(TimerId timer);
  std::size_t deliver_all();

  // --- observation ---
  [[nodiscard]] EventLog& log() noexcept;
  [[nodiscard]] const StringTable& strings() const noexcept;
  [[nodiscard]] std::uint64_t now_ns() const noexcept; // the runtime clock
  [[nodiscard]] ExecutorMode mode() const noexcept;
  // As last set: a copy, taken under the lock a reset holds when it changes them.
  [[nodiscard]] ControllerOptions options() const;

  // Blocks until the worker has carried out every command sent before this
  // call (tests and the headless CLI use it; the GUI never does).
  void sync();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace pollscope
