// The event schema: the one vocabulary every layer of pollscope speaks.
//
// The runtime writes one fixed-size `Event` per step it takes; the fold turns
// a prefix of that stream back into a picture of the runtime. Records are
// trivially copyable and 48 bytes, so the log is a flat array that can be
// copied, saved and replayed from any prefix (rewind and recordings build on
// this). Strings (task names, output text, source locations) never live in a
// record: they are interned once in a `StringTable` and referenced by id.
//
// Changing the meaning or layout of any field bumps `kEventSchemaVersion`.
//
// Schema v2 (from v1): records are 48 bytes; every event names the thread
// that wrote it (`thread`, an index into the log's thread table, which
// ThreadNamed events build); every timer event names the timer's task; the
// per-kind payload `a` / `b` is read only through the typed accessors at the
// end of this file. `t` is the raw clock time, never rewritten: display code
// that wants monotone times derives them (record/display_time.hpp).
//
// Schema v3 (from v2, the policies issue): RuntimeStarted's `b` also names the
// queue and timer policies (bits 8-15, 16-23); QueuePush / QueuePop tickets
// with bit 63 set are executor-local queue entries; TimerDue (a wake held by
// the delivery gate) is new, at the end of the kinds. A v2 stream is a v3
// stream in which none of these occur (policy bits 0 = book and
// thread-per-timer), so v2 recordings are read as they are
// (kOldestReadableSchema).
#pragma once

#include "policy.hpp"

#include <cstdint>
#include <string_view>
#include <type_traits>

namespace pollscope {

inline constexpr std::uint16_t kEventSchemaVersion = 3;
// The oldest schema whose streams read unchanged as this one's (see above).
inline constexpr std::uint16_t kOldestReadableSchema = 2;

using TaskId = std::uint32_t;   // 0 = no task
using WakerId = std::uint32_t;  // 0 = no waker (e.g. the spawner pushed)
using TimerId = std::uint32_t;  // 0 = no timer
using StringId = std::uint32_t; // 0 = the empty string
using ThreadIndex = std::uint32_t; // 0 = unknown (an event appended by hand)

// What kind of thread wrote an event. Timer threads share one lane kind; the
// event's `timer` field says which timer thread it was, and its `thread` field
// which row of the thread table.
enum class Lane : std::uint8_t {
  Executor = 0, // the thread that runs Executor::run / the controller worker
  Control = 1,  // the thread driving the controller (the GUI thread)
  External = 2, // any other thread: main() spawning before run, tests
  Timer = 3,    // a TimerFuture's own thread, or the timer driver serving them all
};

// Every field not listed for a kind is 0. `t` is the runtime clock's time in
// ns (virtual time under the virtual clock). "str" means a StringId.
enum class EventKind : std::uint8_t {
  // --- runtime lifecycle -------------------------------------------------
  RuntimeStarted, // a = queue capacity, b = clock kind (0 real, 1 virtual) in bits
                  // 0-7, the QueuePolicy in bits 8-15 and the TimerPolicy in
                  // bits 16-23 (policy.hpp; 0 and 0, the book's, in older logs)
  RuntimeReset,   // everything before this belongs to a torn-down runtime
  ChannelClosed,  // the last sender is gone: recv fails from now on
  // thread = the new thread table row, a = its name str, b = its Lane, timer =
  // the timer it serves (timer threads). Logged just before the first event a
  // thread writes in a role (a lane, and for timer threads a timer): rows are
  // dense from 1 and never reused within one log, resets included.
  ThreadNamed,

  // --- tasks ---------------------------------------------------------------
  TaskSpawned,   // task, a = name str, b = spawn location str
  TaskCompleted, // task: its future returned Ready (flags & kFlagFailed: threw)
  TaskDropped,   // task: the last reference is gone, the future destroyed

  // --- the run queue (the bounded channel) --------------------------------
  // a = ticket: the channel position of the entry, strictly increasing in
  // push order, so the fold can rebuild the exact contents of the channel
  // even when two senders race. b = queue length right after the operation.
  // Under the `local` queue policy an entry of the executor-local queue has
  // a ticket with kLocalQueueTicket set (its position in that queue's own
  // push order below it) and b counts both queues; the executor pops the
  // channel first, so ticket order stays the order of the pops.
  QueuePush,     // task, waker = the waker that pushed (0: the spawner)
  QueuePop,      // task
  SendBlocked,   // task: a sender found the queue full and now waits
  SendUnblocked, // task: that sender got its slot (a QueuePush follows), or
                 // gave up because the runtime shut down (flags & kFlagCancelled)
  TrySendFull,   // task: try_spawn refused because the queue is full

  // --- the executor --------------------------------------------------------
  ExecutorWaiting, // the queue is empty; the executor blocks on recv
  ExecutorMode,    // a = ExecutorMode (run, pause, step, throttle)
  StepRequested,   // a = steps now owed
  PollBegin,       // task
  PollEnd,         // task, flags & kFlagReady, a = poll duration ns,
                   // b = str of the await the task is suspended at (Pending)
  ExecutorDone,    // run() returned: channel closed and empty. a = polls

  // --- wakers --------------------------------------------------------------
  WakerCreated, // waker, task (0: not a task waker), a = WakerKind
  WakerCloned,  // waker = the new waker, task, b = the waker cloned from
  WakerWoken,   // waker, task, flags & kFlagByRef (wake_by_ref, not consumed)
  WakerDropped, // waker, task
  WakerStored,  // waker, timer: a future stored this waker (it is "registered")
  WakerRemoved, // waker, timer: the future took the waker out again

  // --- timers --------------------------------------------------------------
  // Every timer event carries `task`: the task that created the timer (0: made
  // outside any task). Under the timer-thread policy one driver thread writes
  // the "thread" events of every timer (timer_driver.hpp): Started = it took
  // the timer, Exited = it is done with it; `thread` names the driver's row.
  TimerCreated,       // timer, task, a = deadline ns, b = duration ns
  TimerThreadStarted, // timer, task
  TimerThreadWaiting, // timer, task, a = deadline ns
  TimerFired,         // timer, task: deadline reached, completed = true
  TimerThreadExited,  // timer, task (flags & kFlagCancelled: reset/shutdown)
  TimerThreadFailed,  // timer, task: the OS refused a thread; the timer completes now

  // --- output --------------------------------------------------------------
  Output, // task, a = text str (the book's println!)

  // --- locks and wedges ------------------------------------------------------
  LockWaitBegin,     // timer: the calling thread found the timer's shared-state
                     // mutex held by another thread and now waits for it; task =
                     // the task being polled on this thread (0: none)
  LockWaitEnd,       // timer: the waiting thread got the mutex
  RuntimeAbandoned,  // a = polls in progress left behind: reset gave up on an
                     // executor thread stuck inside a poll; a fresh runtime follows

  // --- the delivery gate (virtual clock; delivery_gate.hpp) ------------------
  // Added after schema v2's kinds, so no kind above is renumbered.
  TimerDue, // timer, task, a = deadline ns: the deadline came but the delivery
            // gate holds the wake ("due, not delivered"). When the user releases
            // it, its TimerFired (and the wake) follows; a TimerThreadExited with
            // kFlagCancelled instead means the runtime was torn down first.

  Count // not a kind: the number of kinds
};

enum class WakerKind : std::uint8_t {
  Task = 0,     // a task's own waker (ArcWake): waking re-sends the task
  Counting = 1, // counts wakes; used by tests
  Manual = 2,   // held by the user, e.g. a future completed from the GUI
};

enum class ExecutorMode : std::uint8_t {
  Run = 0,      // poll as fast as tasks arrive
  Pause = 1,    // poll nothing until told
  Step = 2,     // poll exactly once per step request
  Throttle = 3, // poll at most N times per second
};

inline constexpr std::uint8_t kFlagReady = 1u << 0;     // PollEnd
inline constexpr std::uint8_t kFlagByRef = 1u << 1;     // WakerWoken
inline constexpr std::uint8_t kFlagCancelled = 1u << 2; // TimerThreadExited, SendUnblocked
inline constexpr std::uint8_t kFlagFailed = 1u << 3;    // TaskCompleted

// The ticket bit of an executor-local queue entry (QueuePush, QueuePop).
inline constexpr std::uint64_t kLocalQueueTicket = std::uint64_t{1} << 63;

struct Event {
  std::uint64_t t = 0; // ns on the runtime clock
  std::uint64_t a = 0; // payload, meaning per kind (see EventKind)
  std::uint64_t b = 0; // payload, meaning per kind
  TaskId task = 0;
  WakerId waker = 0;
  TimerId timer = 0;
  EventKind kind = EventKind::Count;
  Lane lane = Lane::External;
  std::uint8_t flags = 0;
  std::uint8_t reserved = 0;
  ThreadIndex thread = 0;      // the writer's row in the thread table (ThreadNamed)
  std::uint32_t reserved2 = 0; // keeps the record 8-byte aligned; always 0
};

static_assert(std::is_trivially_copyable_v<Event>);
static_assert(std::is_standard_layout_v<Event>);
static_assert(sizeof(Event) == 48,
              "Event is a fixed 48-byte record; bump kEventSchemaVersion if it changes");
static_assert(static_cast<int>(EventKind::Count) < 256);

// Stable names: used by the JSON export, the event log panel and the CLI.
std::string_view to_string(EventKind k) noexcept;
std::string_view to_string(Lane l) noexcept;
std::string_view to_string(WakerKind k) noexcept;
std::string_view to_string(ExecutorMode m) noexcept;

// --- Typed payload accessors ----------------------------------------------------
// The one place that knows which kind keeps what in `a` and `b`. Each names
// the kinds it is meant for; on another kind it returns that field's value
// all the same (the fold is robust to odd logs, so nothing here asserts).
//
// The rule: no code outside this file READS `a`, `b` or a `kFlag...` bit of
// an Event; it calls these. Writing them (the runtime making an event, tests
// building a log by hand) is fine. A kind that gains a payload gains its
// accessor here, with the kind named above it. To check:
//   git grep -nE '(\.|->)(a|b)\b|flags *& *kFlag' -- '*.cpp' '*.hpp'
// must list only writes (`e.a = ...`) and comments.
namespace field {

// RuntimeStarted
[[nodiscard]] constexpr std::uint64_t queue_capacity(const Event& e) noexcept { return e.a; }
[[nodiscard]] constexpr bool virtual_clock(const Event& e) noexcept { return (e.b & 0xff) == 1; }
[[nodiscard]] constexpr QueuePolicy queue_policy(const Event& e) noexcept {
  return static_cast<QueuePolicy>((e.b >> 8) & 0xff);
}
[[nodiscard]] constexpr TimerPolicy timer_policy(const Event& e) noexcept {
  return static_cast<TimerPolicy>((e.b >> 16) & 0xff);
}
// The RuntimeStarted payload `b`, for the one writer (executor.cpp).
[[nodiscard]] constexpr std::uint64_t runtime_started_b(bool virt, QueuePolicy q,
                                                        TimerPolicy t) noexcept {
  return (virt ? 1u : 0u) | (std::uint64_t{static_cast<std::uint8_t>(q)} << 8) |
         (std::uint64_t{static_cast<std::uint8_t>(t)} << 16);
}
// ThreadNamed
[[nodiscard]] constexpr StringId thread_name(const Event& e) noexcept {
  return static_cast<StringId>(e.a);
}
[[nodiscard]] constexpr Lane thread_lane(const Event& e) noexcept {
  return static_cast<Lane>(e.b);
}
// TaskSpawned
[[nodiscard]] constexpr StringId task_name(const Event& e) noexcept {
  return static_cast<StringId>(e.a);
}
[[nodiscard]] constexpr StringId spawn_location(const Event& e) noexcept {
  return static_cast<StringId>(e.b);
}
// QueuePush, QueuePop, SendBlocked, SendUnblocked, TrySendFull
[[nodiscard]] constexpr std::uint64_t ticket(const Event& e) noexcept { return e.a; }
[[nodiscard]] constexpr std::uint64_t queue_length(const Event& e) noexcept { return e.b; }
// QueuePush, QueuePop: an entry of the executor-local queue (`local` policy).
[[nodiscard]] constexpr bool local_queue(const Event& e) noexcept {
  return (e.a & kLocalQueueTicket) != 0;
}
// ExecutorMode
[[nodiscard]] constexpr ExecutorMode mode(const Event& e) noexcept {
  return static_cast<ExecutorMode>(e.a);
}
// StepRequested
[[nodiscard]] constexpr std::uint64_t steps_owed(const Event& e) noexcept { return e.a; }
// PollEnd
[[nodiscard]] constexpr std::uint64_t poll_duration_ns(const Event& e) noexcept { return e.a; }
[[nodiscard]] constexpr StringId suspended_at(const Event& e) noexcept {
  return static_cast<StringId>(e.b);
}
[[nodiscard]] constexpr bool ready(const Event& e) noexcept { return (e.flags & kFlagReady) != 0; }
// ExecutorDone
[[nodiscard]] constexpr std::uint64_t total_polls(const Event& e) noexcept { return e.a; }
// WakerCreated
[[nodiscard]] constexpr WakerKind waker_kind(const Event& e) noexcept {
  return static_cast<WakerKind>(e.a);
}
// WakerCloned
[[nodiscard]] constexpr WakerId cloned_from(const Event& e) noexcept {
  return static_cast<WakerId>(e.b);
}
// WakerWoken
[[nodiscard]] constexpr bool by_ref(const Event& e) noexcept { return (e.flags & kFlagByRef) != 0; }
// TimerCreated, TimerThreadWaiting, TimerDue
[[nodiscard]] constexpr std::uint64_t deadline_ns(const Event& e) noexcept { return e.a; }
// TimerCreated
[[nodiscard]] constexpr std::uint64_t duration_ns(const Event& e) noexcept { return e.b; }
// TimerThreadExited, SendUnblocked
[[nodiscard]] constexpr bool cancelled(const Event& e) noexcept {
  return (e.flags & kFlagCancelled) != 0;
}
// TaskCompleted
[[nodiscard]] constexpr bool failed(const Event& e) noexcept { return (e.flags & kFlagFailed) != 0; }
// Output
[[nodiscard]] constexpr StringId output_text(const Event& e) noexcept {
  return static_cast<StringId>(e.a);
}
// RuntimeAbandoned
[[nodiscard]] constexpr std::uint64_t polls_in_progress(const Event& e) noexcept { return e.a; }

// Any kind: the payload as stored, meaning nothing in particular. Only for
// code that copies a record whole (the --events file's "a" and "b" columns)
// or checks that one came through whole (the log's and the store's tests tag
// events with a sequence number); code that means something by a payload
// calls its named accessor above.
[[nodiscard]] constexpr std::uint64_t raw_a(const Event& e) noexcept { return e.a; }
[[nodiscard]] constexpr std::uint64_t raw_b(const Event& e) noexcept { return e.b; }

} // namespace field

} // namespace pollscope
