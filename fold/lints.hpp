// Lints: the executor's well-known faults, detected in the fold as they happen.
//
// Two layers, so that thresholds never make the fold depend on the GUI:
//   - LintFacts (a member of FoldState) is folded from the events like the
//     rest of the state: threshold-free lints that fire at one event (a lost
//     waker, a double wake, a wait-for cycle, a wake before the store, a task
//     dropped unfinished) plus the raw facts the threshold lints need (long
//     polls, self-wakes, the poll in progress). Deterministic: a prefix folded
//     from scratch gives the same LintFacts as the live fold.
//   - `evaluate(state, thresholds)` is a pure function that turns those facts
//     into the list of warnings for the thresholds the user set now. Changing
//     a threshold re-evaluates, it never re-folds.
//
// Every lint remembers the index of the event where it fired (the event's
// position in the log the fold was fed, counted from the fold's first event),
// so the UI can seek there.
//
// Sections: 1. kinds and thresholds  2. the wait-for cycle  3. the facts
//           4. evaluation and words
#pragma once

#include "fold/id_table.hpp"
#include "runtime/event.hpp"
#include "runtime/string_table.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pollscope::fold {

struct FoldState;

// --- 1. Kinds and thresholds -------------------------------------------------
enum class LintKind : std::uint8_t {
  // A task is Pending and no waker that could wake it is alive: the last
  // clone (anything but the task's own waker, which only the task holds) was
  // dropped while the task was neither queued nor polling, or a poll returned
  // Pending with no such clone alive. The task can never run again.
  LostWaker,
  // A second entry of the same task in the run queue: the book's channel has
  // no "already notified" bit, so two wakes queue the task twice.
  DoubleWake,
  // A wait-for cycle through the full run queue (see WaitForCycle).
  Deadlock,
  // A poll that ran at least the threshold: every other task waited.
  BlockingPoll,
  // The poll in progress has run at least the threshold (as of the latest
  // event). The same fact as BlockingPoll seen before the poll returns; it
  // turns into a BlockingPoll when it does. One threshold serves both so the
  // two can never disagree about the same poll (tokio-console words the
  // "never yielded" case on its own, and so do we).
  NeverYielded,
  // A timer fired while no waker was stored in it, and afterwards a waker was
  // stored into that already-fired timer: the wake it was waiting for is gone.
  WakeBeforeStore,
  // More than the threshold percentage of a task's wakes came from its own
  // poll (yield_now is exactly this, so yielders raise it on purpose).
  SelfWake,
  // A task was dropped before it completed (its future never returned Ready).
  DroppedIncomplete,
};
inline constexpr std::size_t kLintKindCount = 8;

[[nodiscard]] std::string_view to_string(LintKind k) noexcept; // short title
[[nodiscard]] std::string_view describe(LintKind k) noexcept;  // hover help

// Polls shorter than this are never remembered, so no threshold can go below
// it (the GUI's slider starts here).
inline constexpr std::uint64_t kLongPollFloorNs = 1'000'000;

struct LintThresholds {
  std::uint64_t blocking_poll_ns = 100'000'000; // BlockingPoll and NeverYielded
  std::uint32_t self_wake_percent = 50;         // SelfWake: strictly above this
  bool operator==(const LintThresholds&) const = default;
};

// --- 2. The wait-for cycle ---------------------------------------------------
//
// Who waits for whom when the run queue is full. Two cycles are possible in
// the book's executor, whose queue only the executor empties:
//   (a) executor -> full queue -> executor: the executor itself is a sender
//       blocked on its own full queue (a task woke itself by reference while
//       the queue was full);
//   (b) executor -> timer N's lock -> full queue -> executor: the executor
//       waits for timer N's mutex, which timer N's thread holds while it is
//       blocked sending the woken task into the full queue (the book wakes
//       while holding the lock). Closed only while the queue is full (by
//       the event that makes it so: the lock wait, the block, or the push
//       that fills the queue): just after a pop, the blocked timer's send is
//       about to go through and the executor's wait to end.
enum class PartyKind : std::uint8_t {
  Executor,
  TimerLock,
  FullQueue
};
struct WaitParty {
  PartyKind kind = PartyKind::Executor;
  TimerId timer = 0; // for TimerLock
  bool operator==(const WaitParty&) const = default;
};
[[nodiscard]] std::string party_label(const WaitParty& p); // "timer 3's lock"

struct WaitForCycle {
  // The parties in wait-for order, starting at the executor; the last waits
  // for the first. Empty: no cycle now.
  std::vector<WaitParty> parties;
  TaskId task = 0;         // the task being sent into the full queue
  std::uint64_t event = 0; // the event that closed the cycle
  std::uint64_t t = 0;
  [[nodiscard]] bool active() const noexcept { return !parties.empty(); }
  bool operator==(const WaitForCycle&) const = default;
};

// --- 3. The facts ------------------------------------------------------------

// One threshold-free lint for one task, with how often it fired.
struct LintRecord {
  LintKind kind = LintKind::LostWaker;
  TaskId task = 0;
  TimerId timer = 0; // WakeBeforeStore, Deadlock (b): the timer involved
  std::uint64_t count = 0;
  std::uint64_t first_event = 0; // where it first fired (the seek target)
  std::uint64_t first_t = 0;
  std::uint64_t last_event = 0;
  std::uint64_t last_t = 0;
  std::vector<WaitParty> parties; // Deadlock: the cycle as it first closed
  bool operator==(const LintRecord&) const = default;
};

struct LongPoll {
  TaskId task = 0;
  std::uint64_t duration_ns = 0; // field::poll_duration_ns of the PollEnd
  std::uint64_t event = 0;       // the PollEnd
  std::uint64_t t = 0;
  bool operator==(const LongPoll&) const = default;
};

// Per task, only what the lints need beyond the fold's TaskView.
struct LintTaskFacts {
  TaskId id = 0;
  // Live wakers that could wake it other than its own task waker: clones
  // (stored in a timer, in flight) and Manual/Counting wakers.
  std::uint32_t outside_wakers = 0;
  std::uint32_t wakes = 0;
  std::uint32_t self_wakes = 0; // wakes made during its own poll
  std::uint64_t first_self_wake_event = 0;
  std::uint64_t first_self_wake_t = 0;
  bool dropped = false;
  bool operator==(const LintTaskFacts&) const = default;
};

struct OpenPoll {
  TaskId task = 0; // 0: no poll in progress
  std::uint64_t begin_t = 0;
  std::uint64_t begin_event = 0;
  bool operator==(const OpenPoll&) const = default;
};

struct TimerSender { // a timer thread blocked sending its task into the full queue
  TimerId timer = 0;
  TaskId task = 0;
  bool operator==(const TimerSender&) const = default;
};

// Bounds, so a pathological run cannot grow the state (and the GUI's
// per-frame copy of it) without limit. Past them the totals still count.
inline constexpr std::size_t kMaxLintRecords = 256;
inline constexpr std::size_t kMaxLongPolls = 1024;
inline constexpr std::size_t kMaxRecentTimers = 64; // fired-unregistered timers, stuck wakers
inline constexpr std::size_t kKeepDroppedLintTasks = 1024;

// The kinds LintFacts looks at: the rest skip it without a call.
constexpr std::uint64_t lint_bit(EventKind k) {
  return std::uint64_t{1} << static_cast<unsigned>(k);
}
inline constexpr std::uint64_t kLintWatchedKinds =
    lint_bit(EventKind::WakerCreated) | lint_bit(EventKind::WakerCloned) |
    lint_bit(EventKind::WakerWoken) | lint_bit(EventKind::WakerDropped) |
    lint_bit(EventKind::WakerStored) | lint_bit(EventKind::TimerFired) |
    lint_bit(EventKind::QueuePush) | lint_bit(EventKind::PollBegin) | lint_bit(EventKind::PollEnd) |
    lint_bit(EventKind::ExecutorWaiting) | lint_bit(EventKind::ExecutorDone) |
    lint_bit(EventKind::TaskDropped) | lint_bit(EventKind::SendBlocked) |
    lint_bit(EventKind::SendUnblocked) | lint_bit(EventKind::LockWaitBegin) |
    lint_bit(EventKind::LockWaitEnd);
static_assert(static_cast<int>(EventKind::Count) <= 64);

struct LintFacts {
  std::vector<LintRecord> records;                    // threshold-free lints, in first-fired order
  std::array<std::uint64_t, kLintKindCount> totals{}; // threshold-free fires per kind
  std::uint64_t unrecorded = 0;     // fires of a (kind, task) past kMaxLintRecords
  std::vector<LongPoll> long_polls; // polls >= kLongPollFloorNs, in log order
  std::uint64_t long_polls_unrecorded = 0;
  IdTable<LintTaskFacts> tasks;
  std::uint64_t dropped_tasks = 0; // remembered facts of dropped tasks
  OpenPoll open_poll;
  // Inputs of the wait-for cycle.
  bool executor_send_blocked = false;
  TaskId executor_send_task = 0;
  TimerId executor_lock_wait = 0; // the timer whose lock the executor waits for
  TaskId lock_wait_task = 0;
  std::vector<TimerSender> timer_senders;
  WaitForCycle cycle;
  // Wake-before-store: timers that fired with no waker stored (most recent
  // kMaxRecentTimers), and wakers stored into such a timer afterwards (they
  // can never be woken).
  std::vector<TimerId> fired_unregistered;
  std::vector<WakerId> stuck_wakers;

  // Called by Fold::apply for every event BEFORE the fold's own handler, so
  // `before` is the state the event found; `index` is the event's position.
  // Kinds no lint looks at return at once, without a call (the fold's speed).
  void apply(const Event& e, const FoldState& before, std::uint64_t index) {
    if (static_cast<std::size_t>(e.kind) < 64 &&
        ((kLintWatchedKinds >> static_cast<unsigned>(e.kind)) & 1u) != 0)
      watch(e, before, index);
  }

  bool operator==(const LintFacts&) const = default;

private:
  void watch(const Event& e, const FoldState& before, std::uint64_t index);
  void fire(LintKind k, TaskId task, TimerId timer, std::uint64_t index, std::uint64_t t,
            const std::vector<WaitParty>* parties = nullptr);
  LintTaskFacts& task_facts(TaskId id);
  void waker_died(const Event& e, const FoldState& before);
  [[nodiscard]] bool nobody_can_wake(TaskId task, const FoldState& before) const;
  void check_lost(TaskId task, const FoldState& before, const Event& e, std::uint64_t index);
  void settle_cycle(const Event& e, std::uint64_t index, bool queue_full);
  void forget_dropped();
};

// --- 4. Evaluation and words -------------------------------------------------

struct Lint {
  LintKind kind = LintKind::LostWaker;
  TaskId task = 0;
  TimerId timer = 0;
  std::uint64_t count = 0; // times it fired (BlockingPoll: polls over the threshold)
  std::uint64_t event = 0; // where it fired: seek here
  std::uint64_t t = 0;
  // BlockingPoll: the longest such poll; NeverYielded: how long so far;
  // SelfWake: the percentage of self-wakes.
  std::uint64_t value = 0;
  std::uint64_t total = 0;        // SelfWake: all wakes (count = the self-wakes)
  bool active = false;            // Deadlock: the cycle still holds
  std::vector<WaitParty> parties; // Deadlock
  bool operator==(const Lint&) const = default;
};

// Every warning for these thresholds, in the order they fired.
[[nodiscard]] std::vector<Lint> evaluate(const FoldState& state, const LintThresholds& th);

// "task 1 (lost) is pending and nobody holds its waker". `state` names tasks.
[[nodiscard]] std::string message(const Lint& lint, const FoldState& state,
                                  const StringTable& strings);

// The lints that name this task (for badges), for these thresholds.
[[nodiscard]] std::vector<LintKind> lints_of(const std::vector<Lint>& lints, TaskId task);

} // namespace pollscope::fold
