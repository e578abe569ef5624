// The rows the panels draw: pure functions over a FoldState (and the string
// table, to resolve names for filters and sorts). The GUI calls these each
// frame and draws what they return; tests call them to check what the screen
// would show.
//
// Rows are indices into the state's item spans (`state.tasks.items()[i]`),
// valid until the state is next changed.
//
// Sections: 1. task rows  2. queue rows  3. waker rows  4. timer rows
//           5. event log filter.  One-line descriptions: describe.hpp.
#pragma once

#include "fold/describe.hpp"
#include "fold/state.hpp"
#include "runtime/event.hpp"
#include "runtime/string_table.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pollscope::fold {

// --- 1. Task rows --------------------------------------------------------------

// The task's times including the interval in progress at `now` (the state
// holds closed intervals only, so that it changes only when events arrive).
struct TaskTimes {
  std::uint64_t busy_ns = 0;
  std::uint64_t scheduled_ns = 0;
  std::uint64_t idle_ns = 0;
};
[[nodiscard]] TaskTimes task_times_at(const TaskView& task, std::uint64_t now) noexcept;

// A set of task states (the state filter's checkboxes).
class TaskStateSet {
public:
  [[nodiscard]] static constexpr TaskStateSet all() noexcept {
    return TaskStateSet((1u << kTaskStateCount) - 1);
  }
  [[nodiscard]] static constexpr TaskStateSet none() noexcept { return TaskStateSet(0); }
  [[nodiscard]] constexpr bool contains(TaskState s) const noexcept {
    return (bits_ >> bit(s)) & 1u;
  }
  constexpr void set(TaskState s, bool on) noexcept {
    bits_ = on ? (bits_ | (1u << bit(s))) : (bits_ & ~(1u << bit(s)));
  }
  constexpr bool operator==(const TaskStateSet&) const = default;

private:
  constexpr explicit TaskStateSet(std::uint32_t bits) : bits_(bits) {}
  static constexpr std::uint32_t bit(TaskState s) { return static_cast<std::uint32_t>(s); }
  std::uint32_t bits_;
};

enum class TaskColumn : std::uint8_t {
  Id,
  Name,
  State,
  Polls,
  Wakes,
  Busy,
  Idle,
  Scheduled
};
[[nodiscard]] std::string_view to_string(TaskColumn c) noexcept; // column header

struct TaskQuery {
  // Case-insensitive substring of the name, the decimal id or the spawn
  // location; empty matches every task.
  std::string text;
  TaskStateSet states = TaskStateSet::all();
  TaskColumn sort = TaskColumn::Id;
  bool descending = false;
  // The time at which to measure idle / scheduled for sorting; 0 = the last
  // event's time (state.log.last_t).
  std::uint64_t now = 0;
};

// Indices into state.tasks.items() that pass the query, sorted (stably: ties
// keep id order) by the query's column.
[[nodiscard]] std::vector<std::uint32_t>
task_rows(const FoldState& state, const StringTable& strings, const TaskQuery& query);

// --- 2. Queue rows -------------------------------------------------------------

struct QueueRow {
  std::uint32_t position = 0; // 0 = the front: popped next
  QueueEntry entry;
  // The 2nd, 3rd ... entry of the same task (a task woken while queued):
  // `occurrence` counts from 1 in channel order.
  bool duplicate = false;
  std::uint32_t occurrence = 1;
};
// The channel's contents in order.
[[nodiscard]] std::vector<QueueRow> queue_rows(const QueueView& queue);
// Length / capacity in [0, 1]; 0 when the capacity is not known.
[[nodiscard]] double queue_fill(const QueueView& queue) noexcept;

// --- 3. Waker rows -------------------------------------------------------------

// Indices into state.wakers.items() in creation order; dropped wakers only if
// `show_dropped`.
[[nodiscard]] std::vector<std::uint32_t> waker_rows(const FoldState& state, bool show_dropped);

// The "held by" cell: a few words for a narrow column, and the hover text
// that says them in full. A task's own waker belongs to its task (the task is
// its own waker, as with ArcWake); the executor only lends it to the Context
// of a poll, so it reads "executor (poll)" while the executor has the task in
// hand and "its task" in between — not "executor" for the task's whole life.
struct HolderText {
  std::string label;
  std::string_view help;
};
[[nodiscard]] HolderText holder_text(const FoldState& state, const WakerView& w);

// The line a panel shows under its count once the fold has forgotten some of
// its finished objects (see kKeepFinished): "+3000 older finished tasks not
// listed", with why on hover. Empty label when nothing was forgotten.
struct ForgottenNote {
  std::string label;
  std::string help;
};
[[nodiscard]] ForgottenNote forgotten_note(std::uint64_t forgotten, std::string_view what);

// --- 4. Timer rows -------------------------------------------------------------

struct TimerRow {
  std::uint32_t index = 0;        // into state.timers.items()
  double progress = 0;            // 0 at creation .. 1 at the deadline (1 once fired)
  std::uint64_t remaining_ns = 0; // until the deadline; 0 once reached
};
// Every timer in creation order, exited ones only if `show_exited`.
[[nodiscard]] std::vector<TimerRow> timer_rows(const FoldState& state, std::uint64_t now,
                                               bool show_exited = true);

// --- 5. Event log filter -------------------------------------------------------

static_assert(static_cast<int>(EventKind::Count) <= 64, "EventKindSet is one 64-bit mask");

class EventKindSet {
public:
  [[nodiscard]] static constexpr EventKindSet all() noexcept {
    return EventKindSet((std::uint64_t{1} << static_cast<int>(EventKind::Count)) - 1);
  }
  [[nodiscard]] static constexpr EventKindSet none() noexcept { return EventKindSet(0); }
  [[nodiscard]] constexpr bool contains(EventKind k) const noexcept {
    return k < EventKind::Count && ((bits_ >> static_cast<int>(k)) & 1u);
  }
  constexpr void set(EventKind k, bool on) noexcept {
    auto m = std::uint64_t{1} << static_cast<int>(k);
    bits_ = on ? (bits_ | m) : (bits_ & ~m);
  }
  constexpr bool operator==(const EventKindSet&) const = default;

private:
  constexpr explicit EventKindSet(std::uint64_t bits) : bits_(bits) {}
  std::uint64_t bits_;
};

struct EventFilter {
  EventKindSet kinds = EventKindSet::all();
  // 0 = every task. Otherwise the events about that task, including timer and
  // waker events that name only the timer or waker (resolved through the
  // TimerCreated / WakerCreated / WakerCloned events earlier in the log).
  TaskId task = 0;
  bool operator==(const EventFilter&) const = default;
};

// Indices of the events that pass, in log order. The log may hold more than
// one runtime; ids are resolved per runtime (they restart after a reset).
[[nodiscard]] std::vector<std::uint32_t> filter_events(std::span<const Event> events,
                                                       const EventFilter& filter);

// The same, incremental for a log that only grows: each `update` scans only
// the events appended since the last one. A new filter, or a log shorter than
// before (cleared), rescans from the start.
class FilteredEvents {
public:
  void update(std::span<const Event> events, const EventFilter& filter);
  [[nodiscard]] std::span<const std::uint32_t> rows() const noexcept { return rows_; }
  [[nodiscard]] const EventFilter& filter() const noexcept { return filter_; }

private:
  void restart(const EventFilter& filter);
  [[nodiscard]] TaskId owner(const Event& e);

  EventFilter filter_;
  std::size_t scanned_ = 0;
  std::vector<std::uint32_t> rows_;
  std::vector<TaskId> timer_task_; // timer id -> task, this runtime
  std::vector<TaskId> waker_task_; // waker id -> task, this runtime
};

} // namespace pollscope::fold
