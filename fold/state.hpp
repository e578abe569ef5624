// FoldState: everything the GUI draws, folded from the event log.
//
// The fold (fold.hpp) is the only writer; panels read these plain structs and
// never a live runtime object. Every field is a function of the events applied
// so far and nothing else, so folding any prefix of a log from scratch gives
// exactly the state the live fold had after that prefix (`operator==` is
// defaulted everywhere so tests can check that).
//
// Sections: 1. task states  2. timer states  3. executor activity
//           4. the "what just happened" flow step  4b. the book's nine steps
//           and the latest wake  5. the views  6. FoldState
//
// Strings are StringIds into the runtime's StringTable; view.hpp resolves them.
// Times are ns on the runtime clock (the events' `t`).
#pragma once

#include "fold/id_table.hpp"
#include "fold/lints.hpp"
#include "runtime/event.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <string_view>
#include <vector>

namespace pollscope::fold {

// --- 1. Task states ----------------------------------------------------------
//
// A task's state is derived from facts the events establish (TaskView's
// `dropped`, `completed`, `polling`, `queue_entries`, `polls`) with the
// precedence Dropped > Done > Polling > Queued > Pending > Spawned, so it never
// depends on the order in which two facts arrived. The enum is in life order
// (the Tasks panel sorts by it):
enum class TaskState : std::uint8_t {
  // Entered on TaskSpawned. Left at its first QueuePush. A task stays here
  // while the spawner is blocked sending it into a full queue.
  Spawned,
  // Has at least one entry in the run queue and is not being polled. Entered
  // on a QueuePush (by the spawner or a waker), or on PollEnd(Pending) if it
  // was woken during its own poll. Left when the executor pops an entry of
  // it (it is then Polling). A task woken twice while queued is still Queued;
  // the number of entries is `TaskView::queue_entries`.
  Queued,
  // In the executor's hands: entered when the executor pops it (QueuePop) or
  // on PollBegin, left on PollEnd (or, in a log that never closes the poll,
  // when the executor takes another task or waits). Wins over Queued: a task
  // that wakes itself mid-poll (yield_now) is pushed while still Polling.
  Polling,
  // Polled, returned Pending, no queue entry: parked until some waker pushes
  // it again. Entered on PollEnd(Pending), left on the next QueuePush.
  Pending,
  // Its future returned Ready (or threw: `failed`). Entered on PollEnd(Ready)
  // or TaskCompleted; left only for Dropped. A stale wake may still queue it;
  // it stays Done.
  Done,
  // The last reference is gone and the future destroyed. Entered on
  // TaskDropped; final.
  Dropped,
};
inline constexpr std::size_t kTaskStateCount = 6;

// The GUI's label ("queued") and hover help (one line).
[[nodiscard]] std::string_view to_string(TaskState s) noexcept;
[[nodiscard]] std::string_view describe(TaskState s) noexcept;

// --- 2. Timer states ---------------------------------------------------------
enum class TimerState : std::uint8_t {
  Created, // TimerCreated: deadline known; its thread may be starting
  Waiting, // TimerThreadWaiting: the thread waits on the clock for the deadline
  Fired,   // TimerFired: completed = true, the stored waker is taken and woken
  Exited,  // TimerThreadExited: the thread ended (after firing, or cancelled)
  Failed,  // TimerThreadFailed: no thread could be made; the timer completed
};
inline constexpr std::size_t kTimerStateCount = 5;
[[nodiscard]] std::string_view to_string(TimerState s) noexcept;
[[nodiscard]] std::string_view describe(TimerState s) noexcept;

// --- 3. Executor activity ----------------------------------------------------
//
// Derived, like the task state, by precedence from the facts in ExecutorView:
enum class ExecutorActivity : std::uint8_t {
  Idle,     // nothing else holds: running but no news (e.g. before run())
  Waiting,  // ExecutorWaiting: blocked in recv on an empty queue; cleared by
            // the next QueuePop, PollBegin or ExecutorDone (not by a mode
            // change: the executor logs its wait once, until it next polls)
  Polling,  // holds `current_task`: from its QueuePop (or PollBegin) to PollEnd
  Paused,   // mode is Pause (and not mid-poll)
  Stepping, // mode is Step with no step owed: waits for the user's Step
  Blocked,  // the executor thread is a sender blocked on the full queue
            // (SendBlocked on the executor lane, until SendUnblocked)
  Done,     // ExecutorDone: run() returned; final until a reset
};
inline constexpr std::size_t kExecutorActivityCount = 7;
[[nodiscard]] std::string_view to_string(ExecutorActivity a) noexcept;
[[nodiscard]] std::string_view describe(ExecutorActivity a) noexcept;

// --- 4. The book's flow: "what just happened" --------------------------------
//
// The last step of the book's flow that any task took. Events outside the flow
// (clones, drops, output, mode changes) leave it as it was.
enum class FlowStep : std::uint8_t {
  None,          // nothing yet since the runtime started
  Spawned,       // TaskSpawned
  Queued,        // QueuePush by the spawner
  Popped,        // QueuePop: the executor took the task off the queue
  PollStarted,   // PollBegin
  WakerStored,   // WakerStored: a future kept a clone of the waker
  PolledPending, // PollEnd(Pending)
  TimerWaiting,  // TimerThreadWaiting
  TimerFired,    // TimerFired
  WakerTaken,    // WakerRemoved: the timer took its stored waker out
  Woken,         // WakerWoken
  QueuedAgain,   // QueuePush by a waker
  PolledReady,   // PollEnd(Ready)
  Completed,     // TaskCompleted
  Dropped,       // TaskDropped
  SendBlocked,   // SendBlocked: a sender waits for room in the queue
  ExecutorDone,  // ExecutorDone
  SpawnRefused,  // TrySendFull: try_spawn found the queue full (the task is dropped unpolled)
  // QueuePop of a task that already completed: a leftover entry from a
  // duplicate wake, dropped without a poll (not one of the book's steps).
  PoppedFinished,
};
inline constexpr std::size_t kFlowStepCount = 19;
[[nodiscard]] std::string_view to_string(FlowStep s) noexcept; // short label

struct FlowView {
  FlowStep step = FlowStep::None;
  TaskId task = 0;   // the task the step concerns (0: none)
  TimerId timer = 0; // for timer steps and WakerStored / WakerTaken
  WakerId waker = 0; // for waker steps and QueuedAgain
  std::uint64_t t = 0;
  bool operator==(const FlowView&) const = default;
};

// --- 4b. The book's nine steps, and the latest wake ---------------------------
//
// The Rust async book's executor chapter follows one task through nine steps.
// The fold marks each on the one event that is that moment, so stepping the
// log one book step at a time shows each on its own (hello-world's order):
//
//   1 spawned                          TaskSpawned
//   2 queued (by the spawner)          QueuePush with waker 0
//   3 polled                           PollBegin: the executor polls the future
//                                      (hello-world's first poll is the one that
//                                      finds it Pending; that PollEnd comes
//                                      after step 4, inside the same poll)
//   4 waker stored by the timer        WakerStored (the future keeps the waker)
//   5 duration elapsed                 TimerFired (TimerThreadWaiting is not a
//                                      step: its thread logs it at a moment that
//                                      races the executor's poll)
//   6 the timer calls wake             WakerRemoved by a timer that has fired
//                                      (not the replacement on a re-poll, not a
//                                      cancelled timer dropping its waker)
//   7 the task's wake runs             WakerWoken
//   8 queued again (by a waker)        QueuePush with a waker
//   9 polled -> Ready                  PollEnd(Ready), or TaskCompleted
//
// A task "advances" when an event takes a step it has not taken before, so a
// task makes at most nine advances however many times it is polled (a second
// poll's PollBegin is not step 3 again: its PollEnd(Ready) is step 9).
inline constexpr int kBookSteps = 9;

struct BookView {
  // The latest advance in this runtime: which step (1..9; 0 = none yet), by
  // which task, the flow as that event set it (for the narration), and the
  // index of that event in the log.
  std::uint8_t step = 0;
  TaskId task = 0;
  FlowView moment;
  std::uint64_t event = 0;
  // +1 on every advance of any task. Never reset, not even by a runtime
  // reset (which would otherwise read as an advance), so that a cursor can
  // find "the next book step" by folding forward from event i until this
  // changes: the event that changed it is that step (Shift+Right).
  std::uint64_t advances = 0;
  bool operator==(const BookView&) const = default;
};

// The newest WakerWoken of this runtime: the wake the diagram's arrow shows.
struct WakeView {
  TaskId task = 0; // 0: no wake yet
  WakerId waker = 0;
  TimerId timer = 0; // the timer thread that woke it (0: another thread)
  Lane lane = Lane::External;
  bool by_ref = false;
  std::uint64_t t = 0;
  std::uint64_t event = 0; // its index in the log
  bool operator==(const WakeView&) const = default;
};

// --- 5. The views ------------------------------------------------------------

// The fold remembers at most this many finished objects of each kind (dropped
// tasks, dead wakers, exited timers) beyond twice as many: when a kind passes
// 2 x kKeepFinished, its oldest finished ones are forgotten down to
// kKeepFinished. Enough for the panels' "show dropped" history, while memory,
// the fold's speed and the GUI's per-frame snapshot stay proportional to what
// is alive (a yield loop makes a waker per poll: millions). The counters keep
// the totals. Forgetting depends only on the events, so prefix rebuilds agree.
inline constexpr std::size_t kKeepFinished = 1024;

struct TaskView {
  TaskId id = 0;
  StringId name = 0;     // field::task_name of its TaskSpawned
  StringId location = 0; // where it was spawned (field::spawn_location)
  TaskState state = TaskState::Spawned;
  std::uint32_t polls = 0;         // PollBegins (or a PollEnd whose begin
                                   // fell before a partial log's start)
  std::uint32_t wakes = 0;         // WakerWoken naming this task
  std::uint32_t queue_entries = 0; // entries in the run queue now
  std::uint64_t busy_ns = 0;       // sum of PollEnd durations
  // Time spent Queued / Pending, closed intervals only: the one in progress is
  // added by `task_times_at(task, now)` in view.hpp.
  std::uint64_t scheduled_ns = 0;
  std::uint64_t idle_ns = 0;
  StringId suspended_at = 0; // the await it is parked on (field::suspended_at); 0 after Ready
  std::uint64_t spawned_t = 0;
  std::uint64_t last_change_t = 0; // when `state` last changed
  std::uint16_t book_steps = 0;    // bit k-1: it has taken the book's step k (4b)
  bool failed = false;             // completed by throwing (TaskCompleted kFlagFailed)
  bool seen_spawn = false;         // false: first met mid-run (a log prefix), no name
  // Facts the state is derived from (see TaskState).
  bool polling = false;   // in the executor's hands: popped, or inside poll
  bool completed = false; // PollEnd(Ready) or TaskCompleted seen
  bool dropped = false;
  bool operator==(const TaskView&) const = default;
};

struct QueueEntry {
  std::uint64_t ticket = 0; // channel position (field::ticket of its QueuePush)
  TaskId task = 0;
  WakerId pushed_by = 0; // 0: the spawner
  Lane lane = Lane::External;
  std::uint64_t t = 0; // when pushed
  bool operator==(const QueueEntry&) const = default;
};

struct BlockedSender {
  TaskId task = 0; // the task being sent
  Lane lane = Lane::External;
  std::uint64_t since = 0;
  bool operator==(const BlockedSender&) const = default;
};

struct QueueView {
  // Channel order: sorted by ticket. Senders that race may log their pushes
  // out of ticket order; each push is inserted where its ticket belongs.
  std::deque<QueueEntry> entries;
  std::uint64_t capacity = 0;         // field::queue_capacity; 0 = not known
  std::vector<BlockedSender> blocked; // in the order they blocked
  bool closed = false;                // ChannelClosed
  std::uint64_t max_length = 0;       // the longest the queue has been
  std::uint64_t pushes = 0;
  std::uint64_t pops = 0;
  // Pushes of a task that already had an entry: the book's duplicates (the
  // double-wake lint fires on each). Never counted under `notified`/`local`.
  std::uint64_t duplicate_pushes = 0;
  // Where the wakes went: pushes made by a waker (not the spawner), and the
  // pushes into the executor-local queue (`local` policy: ticket bit 63).
  std::uint64_t waker_pushes = 0;
  std::uint64_t local_pushes = 0;
  std::uint64_t try_send_refused = 0; // TrySendFull count ("queue full")
  TaskId last_refused_task = 0;
  std::uint64_t last_refused_t = 0;
  bool operator==(const QueueView&) const = default;
};

// Who keeps a waker alive right now.
enum class WakerHolder : std::uint8_t {
  None, // a fresh clone in flight, one a timer took out to wake, or dropped
  // A task's own waker (WakerCreated of kind Task, made at spawn: the task is
  // its own waker, as with ArcWake). It lives as long as the task; the
  // executor lends it, borrowed, to the Context of each poll.
  ExecutorContext,
  Timer, // stored in a TimerFuture's shared state (`holder_timer`)
  User,  // a Manual waker (the GUI) or a Counting one (tests)
};
[[nodiscard]] std::string_view to_string(WakerHolder h) noexcept;
[[nodiscard]] std::string_view describe(WakerHolder h) noexcept; // hover help

struct WakerView {
  WakerId id = 0;
  TaskId task = 0; // the task it wakes (0: not a task waker)
  WakerKind kind = WakerKind::Task;
  bool alive = false;
  WakerId cloned_from = 0; // 0: made fresh
  WakerHolder holder = WakerHolder::None;
  TimerId holder_timer = 0; // when holder == Timer
  std::uint32_t wakes = 0;
  std::uint32_t clones = 0; // clones made from this waker
  std::uint64_t created_t = 0;
  std::uint64_t dropped_t = 0; // when it died (drop, or a consuming wake)
  bool operator==(const WakerView&) const = default;
};

struct TimerView {
  TimerId id = 0;
  TaskId task = 0;
  std::uint64_t duration_ns = 0;
  std::uint64_t deadline_ns = 0;
  std::uint64_t created_t = 0;
  TimerState state = TimerState::Created;
  bool cancelled = false;   // exited by reset/shutdown (kFlagCancelled)
  bool fired = false;       // TimerFired seen (survives Exited)
  bool thread_live = false; // between TimerThreadStarted and Exited
  // The delivery gate holds its wake: between TimerDue and TimerFired (or
  // its cancelled exit). Shown as "due, not delivered".
  bool due_held = false;
  ThreadIndex thread = 0;   // the thread-table row serving it (its own, or the driver's)
  WakerId stored_waker = 0; // the waker its shared state holds (0: none)
  bool operator==(const TimerView&) const = default;
};

struct ExecutorView {
  ExecutorActivity activity = ExecutorActivity::Idle; // derived from the below
  ExecutorMode mode = ExecutorMode::Run;
  TaskId current_task = 0; // popped or being polled (0: none)
  std::uint64_t total_polls = 0;
  // Steps owed, as the controller counts them: StepRequested's
  // field::steps_owed, minus one per QueuePop (each pop is one executor tick,
  // which pays one step; the schema has no "step spent" event), and 0 on
  // leaving Step mode.
  std::uint64_t steps_owed = 0;
  bool waiting = false; // in recv on an empty queue
  bool blocked = false; // sending into a full queue
  bool done = false;
  std::uint64_t reported_polls = 0; // field::total_polls of ExecutorDone
  TaskId last_polled = 0;           // the task of the last PollEnd
  bool last_poll_ready = false;
  bool operator==(const ExecutorView&) const = default;
};

struct OutputLine {
  std::uint64_t t = 0;
  TaskId task = 0;
  StringId text = 0;
  bool operator==(const OutputLine&) const = default;
};

// Counts for the runtime since it (re)started.
struct Counters {
  std::array<std::uint64_t, static_cast<std::size_t>(EventKind::Count)> per_kind{};
  std::uint64_t live_tasks = 0;  // seen and not dropped
  std::uint64_t live_wakers = 0; // alive
  // Threads serving at least one timer right now: one per live timer under
  // thread-per-timer, one for all of them under timer-thread (a timer event
  // with no thread row counts as its own thread).
  std::uint64_t live_timer_threads = 0;
  std::uint64_t peak_timer_threads = 0; // the most live_timer_threads has been
  std::uint64_t held_timers = 0;        // due, wake held by the delivery gate
  std::uint64_t finished_timers = 0;    // remembered timers Exited or Failed
  // Finished objects no longer in the tables (see kKeepFinished).
  std::uint64_t forgotten_tasks = 0;
  std::uint64_t forgotten_wakers = 0;
  std::uint64_t forgotten_timers = 0;
  [[nodiscard]] std::uint64_t count(EventKind k) const noexcept {
    return per_kind[static_cast<std::size_t>(k)];
  }
  bool operator==(const Counters&) const = default;
};

// The log as a whole: not cleared by a reset (the log spans runtimes).
struct LogStats {
  std::uint64_t events_applied = 0;
  std::uint64_t runtime_starts = 0; // RuntimeStarted + RuntimeReset seen
  std::uint64_t last_t = 0;         // the latest event time seen
  bool operator==(const LogStats&) const = default;
};

// One row of the log's thread table (ThreadNamed). Like the log, it spans
// runtimes: a reset does not clear it.
struct ThreadView {
  StringId name = 0;
  Lane lane = Lane::External;
  TimerId timer = 0; // the timer a timer thread serves (0: none)
  bool operator==(const ThreadView&) const = default;
};
// Rows past this are ignored (a corrupt or hostile log must not make the
// table allocate without bound); a real run names one row per thread.
inline constexpr std::size_t kMaxThreads = std::size_t{1} << 22;

// --- 6. FoldState ------------------------------------------------------------
struct FoldState {
  // Index: ThreadIndex (row 0, "unknown", stays empty). Not cleared by resets.
  std::vector<ThreadView> threads;
  IdTable<TaskView> tasks; // first-seen (= spawn) order
  // Task id -> name for every task spawned in this runtime, forgotten ones
  // included: the event log names tasks long after they are gone. 0 = unknown.
  std::vector<StringId> task_names;
  QueueView queue;
  IdTable<WakerView> wakers; // creation order, dropped ones included
  IdTable<TimerView> timers; // creation order
  // Index: ThreadIndex. How many live timers each thread serves (this runtime).
  std::vector<std::uint32_t> timers_served;
  ExecutorView executor;
  std::vector<OutputLine> output;
  FlowView flow;
  BookView book;
  WakeView wake;
  Counters counters;
  LogStats log;
  bool virtual_clock = false; // field::virtual_clock of RuntimeStarted
  // The runtime's policies (runtime/policy.hpp), from its RuntimeStarted.
  QueuePolicy queue_policy = QueuePolicy::Book;
  TimerPolicy timer_policy = TimerPolicy::ThreadPerTimer;
  std::uint64_t started_t = 0;
  // The index in the log of the event that began this runtime (its
  // RuntimeStarted or RuntimeReset): the log from there on is this runtime's.
  // Counted in events applied, so it is an index into the log when the fold
  // has seen the log from its first event (the pump, a cursor, a replay).
  std::uint64_t runtime_begin = 0;
  LintFacts lints; // fold/lints.hpp: faults detected as they happen
  bool operator==(const FoldState&) const = default;
};

} // namespace pollscope::fold
