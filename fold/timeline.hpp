// Timeline: the model under the Timeline and Histograms panels. Every thread
// of the log on one time axis, as lanes of spans; counter tracks; the arrows
// from a wake (or a spawn) to the poll it caused; histograms. Built
// incrementally, one event at a time, by the recorder's writer thread, and
// queried by the UI thread at the count of events its snapshot covers.
//
// Sections: 1. lanes and spans  2. arrows  3. counters  4. the index
//
// What the lanes hold (a lane is a row of the schema-v2 thread table):
//   - the executor lane, track 0: poll slices (PollBegin -> PollEnd), and
//     between them waiting on an empty queue (ExecutorWaiting -> its next
//     event), paused (ExecutorMode Pause -> another mode or a poll) and
//     waiting for a Step (Step mode with no step owed -> the next poll);
//   - any lane, track 1: blocked sending to a full queue (SendBlocked ->
//     SendUnblocked) and waiting for a timer's lock (LockWaitBegin -> End),
//     which may happen inside a poll, hence their own track;
//   - a timer thread's lane, track 0: started (TimerThreadStarted ->
//     Waiting), waiting until the deadline (-> TimerFired, or -> Exited when
//     cancelled; `deadline` says where the bar ends), fired (TimerFired ->
//     TimerThreadExited: the wake happens in it).
//   - rows: one thread serving several timers at once (the timer driver of
//     --timer-policy timer-thread, whose timers wait side by side) would
//     overlap their spans on track 0. So each timer holds a row of its lane
//     from its first event there to its TimerThreadExited, assigned as it
//     appends (O(1): a free row of the lane, else a new one): row 0 is track
//     0, row r >= 1 is track row_track(r), a track like any other. A lane of
//     one timer at a time (a thread per timer) has row 0 only; the
//     executor's lane gives a timer it serves (an arm after a cancel) a row
//     of its own, never its polls' row 0. See row_count.
// Spans of one track never overlap and are sorted by begin time and, equally,
// by the event that closed them. A span shows once it is closed: the span
// open at the newest event (a poll in progress) is not in the index yet.
//
// Time axis: ns, the events' raw `t`, except that a runtime whose clock
// starts again below where the previous runtime ended (the virtual clock
// after a reset) is shifted to start there, so the axis never goes back
// (`axis_offset_at`). Within one lane a time is never earlier than the one
// before it (an event stamped before its predecessor on the lane is drawn at
// the predecessor's time, as record/display_time.hpp does for the log).
//
// Threading contract
//   - One writer thread (the fold pump's, through record::Recorder) calls
//     `append` for every event, in log order.
//   - Any thread may call the const queries with an `upto` not above the
//     event count its snapshot was published with (record::EventsView::count):
//     they see exactly what the first `upto` events built, however far the
//     writer has got since. Everything they read lives in AppendOnly vectors
//     (fold/append_only.hpp) published with release/acquire, or in atomics;
//     nothing is ever rewritten, so no query takes a lock or waits.
//   - Queries cost O(pixels * log n) or O(what they return), never O(events):
//     no frame walks all events. The exceptions say so (`in_bucket`).
//
// From a panel, per frame (`pump.timeline()`, `upto = snapshot.events.count`,
// or the history cursor's position to show the run as it was then):
//   for each visible lane:  query(lane, 0, t0, t1, width_px, upto, items)
//     (and track 1 for blocked sends); an item with count 1 is span(lane, 0,
//     item.first); a merged one is drawn in the colour of span(lane, 0,
//     item.longest)'s task, with item.count in its tooltip;
//     rows r = 1 .. row_count(lane, upto) - 1 (a timer driver's lane): the
//     same with track row_track(r), one sub-row below the other (a timer's
//     span still open at the cursor: on row timer_row(...));
//   counters:               query(Counter::QueueLength, t0, t1, width_px, upto, c)
//   arrows:                 arrows_in(t0, t1, upto, ids, limit), or for the
//                           selected task arrows_of(*find_task(id, upto), upto, ids);
//                           each starts on row track_row(from_track) of its lane;
//   the cursor line:        store.display_time(i) + axis_offset_at(i, upto);
//   click to seek:          event_near_time(t, upto), then the store's times;
//   histograms:             histogram(m, upto), task_histogram(m, key, upto);
//                           a clicked bar: in_bucket(m, k, upto, task, refs).
#pragma once

#include "fold/append_only.hpp"
#include "fold/histogram.hpp"
#include "runtime/event.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace pollscope::fold {

inline constexpr std::uint64_t kNoEvent = UINT64_MAX;
inline constexpr std::uint32_t kNoIndex = UINT32_MAX;

// --- 1. Lanes and spans ----------------------------------------------------------

using LaneId = std::uint32_t; // = the thread-table row - 1 (rows are dense from 1)

struct LaneInfo {
  ThreadIndex thread = 0;        // the thread-table row
  StringId name = 0;             // ThreadNamed's name
  Lane kind = Lane::External;    // executor, control (GUI / spawner), timer, ...
  TimerId timer = 0;             // timer lanes: the timer the thread serves
  TaskId task = 0;               // timer lanes: that timer's task (0: unknown when named)
  std::uint64_t named_event = 0; // the ThreadNamed event's index
};

enum class SpanKind : std::uint8_t {
  Poll,          // executor, track 0: one poll of `task`
  WaitingEmpty,  // executor, track 0: the queue is empty, recv blocks
  Paused,        // executor, track 0: ExecutorMode Pause
  StepWait,      // executor, track 0: Step mode, no step owed
  BlockedSend,   // any lane, track 1: sending `task` into a full queue
  LockWait,      // any lane, track 1: waiting for timer `timer`'s lock
  TimerStarting, // timer lane: the thread started, not yet waiting
  TimerWaiting,  // timer lane: waiting until `deadline`
  TimerFired,    // timer lane: fired, woke its task, exiting
};
inline constexpr std::size_t kSpanKindCount = 9;
[[nodiscard]] std::string_view to_string(SpanKind k) noexcept;

// Tracks of every lane: 0 what the thread does (row 0), 1 blocked inside it.
// Tracks from kTracks on are track 0's further rows (row_track).
inline constexpr std::size_t kTracks = 2;

struct Span {
  std::uint64_t begin_t = 0, end_t = 0; // axis ns (see the time axis above)
  std::uint64_t begin_event = 0;        // index of the event that opened it
  std::uint64_t end_event = 0;          // index of the event that closed it
  // Poll: the scheduled delay, QueuePush -> PollBegin (0 when unknown).
  // TimerWaiting: the deadline (axis ns). Others: 0.
  std::uint64_t extra = 0;
  TaskId task = 0;                // Poll, BlockedSend; timer lanes: the timer's task
  TimerId timer = 0;              // timer lanes, LockWait
  std::uint32_t poll_number = 0;  // Poll: 1 for the task's first poll
  StringId suspended_at = 0;      // Poll, Pending: the await it stopped at
  std::uint32_t arrow = kNoIndex; // Poll: the arrow that led to it (what woke it)
  SpanKind kind = SpanKind::Poll;
  bool ready = false;     // Poll: returned Ready
  bool cancelled = false; // TimerWaiting: ended by a cancel, not a fire

  [[nodiscard]] std::uint64_t duration() const noexcept { return end_t - begin_t; }
};

// Where a span lives: for selections and links between spans.
struct SpanRef {
  LaneId lane = kNoIndex;
  std::uint32_t track = 0;
  std::uint32_t index = kNoIndex; // in the track
  bool operator==(const SpanRef&) const = default;
};

// One item of a level-of-detail query: a span of its own (count == 1) or the
// spans that begin in one pixel column, merged.
struct LodItem {
  std::uint64_t begin_t = 0; // of the first span merged
  std::uint64_t end_t = 0;   // of the last span merged
  std::uint64_t busy_ns = 0; // the merged spans' durations, summed
  std::uint32_t first = 0;   // index in the track of the first span merged
  std::uint32_t count = 0;   // spans merged
  // The longest span merged (the earliest of equals): its task is the item's
  // dominant task, its kind the item's colour.
  std::uint32_t longest = 0;
  bool operator==(const LodItem&) const = default;
};

// --- 2. Arrows ---------------------------------------------------------------------

enum class ArrowKind : std::uint8_t {
  Wake,  // WakerWoken -> the QueuePush by that waker -> the poll of that entry
  Spawn, // TaskSpawned -> the spawner's QueuePush -> the task's first poll
};

// An arrow, complete once the poll it led to began. Times are axis ns.
struct Arrow {
  std::uint64_t from_event = 0, from_t = 0;        // the wake (or spawn)
  std::uint64_t push_event = kNoEvent, push_t = 0; // the QueuePush it made
  // The PollBegin it led to; to_t is never before the previous arrow's, so
  // arrows sort by it.
  std::uint64_t to_event = 0, to_t = 0;
  ThreadIndex from_thread = 0, push_thread = 0, to_thread = 0;
  TaskId task = 0;
  WakerId waker = 0; // Wake: the waker woken
  SpanRef poll;      // the Poll span: the index it has once closed (check it
                     // against span_count); lane kNoIndex: no lane known
  // The track of from_thread's lane the wake happened on: a timer's row
  // (row_track(r)) when the thread woke it from its fire (TimerFired ->
  // TimerThreadExited, where a timer driver wakes each timer's task), else 0.
  // The push, on the same thread inside that fire, is on it too.
  std::uint32_t from_track = 0;
  ArrowKind kind = ArrowKind::Wake;
};

// --- 3. Counters -------------------------------------------------------------------

enum class Counter : std::uint8_t {
  QueueLength,  // after every QueuePush / QueuePop
  TimerThreads, // threads serving at least one timer (the fold's live_timer_threads)
};
inline constexpr std::size_t kCounterCount = 2;
[[nodiscard]] std::string_view to_string(Counter c) noexcept;

struct CounterSample {
  std::uint64_t t = 0; // axis ns
  std::uint64_t event = 0;
  std::uint64_t value = 0;
};

// The samples of one pixel column (or one sample, count == 1).
struct CounterItem {
  std::uint64_t begin_t = 0, end_t = 0; // of the first and last sample
  std::uint64_t min = 0, max = 0, last = 0;
  std::uint32_t first = 0, count = 0; // sample indices
  bool operator==(const CounterItem&) const = default;
};

// --- 4. The index ------------------------------------------------------------------

// A task as the timeline knows it (from its TaskSpawned; ids restart after a
// reset, so a task is its TaskKey, not its id).
using TaskKey = std::uint32_t;
struct TaskInfo {
  TaskId id = 0;
  StringId name = 0;
  std::uint64_t spawn_event = 0;
};

// A sample of a histogram and what it came from, for "select bucket k".
struct SampleRef {
  std::uint64_t value = 0; // ns
  std::uint64_t event = 0; // the event that completed it (PollEnd, PollBegin, TimerFired)
  SpanRef span;            // the Poll or TimerWaiting span: the index it has once closed
                           // (check it against span_count; lane kNoIndex: no lane known)
  TaskId task = 0;
};

class Timeline {
public:
  Timeline();
  ~Timeline();
  Timeline(const Timeline&) = delete;
  Timeline& operator=(const Timeline&) = delete;

  // Writer: the next event of the log (its index is the number appended before).
  void append(const Event& e);
  // Writer: events appended so far.
  [[nodiscard]] std::uint64_t writer_events() const noexcept { return events_; }

  // --- lanes (any thread, `upto` as in the contract) ---
  // Lanes named by the first `upto` events, in thread-table order.
  [[nodiscard]] std::size_t lane_count(std::uint64_t upto) const noexcept;
  [[nodiscard]] const LaneInfo& lane(LaneId id) const noexcept;
  // The rows of track 0 the first `upto` events made (1 at least; more on a
  // thread serving several timers at once: see "rows" above). Row r's spans
  // are track row_track(r): query, span_count and span take it as a track.
  [[nodiscard]] std::size_t row_count(LaneId lane, std::uint64_t upto) const noexcept;
  [[nodiscard]] static constexpr std::size_t row_track(std::size_t row) noexcept {
    return row == 0 ? 0 : kTracks + row - 1;
  }
  // The row a track belongs to (track 1, blocked inside row 0, is row 0's).
  [[nodiscard]] static constexpr std::size_t track_row(std::size_t track) noexcept {
    return track < kTracks ? 0 : track - kTracks + 1;
  }
  // The row `timer` held on `lane` at event `at` (one of the timer's events
  // there, such as the one that opened a span still open at the history
  // cursor, which the index does not hold yet), among the first `upto`
  // events. Every timer takes its row at its first event on a lane; the
  // takes are kept in event order, and the newest take of `timer` at or
  // before `at` is looked for among the kRowLookBack before it (a timer's
  // first event comes right before its wait's: a timer driver logs both
  // together). None when not found there.
  [[nodiscard]] std::optional<std::size_t> timer_row(LaneId lane, TimerId timer, std::uint64_t at,
                                                     std::uint64_t upto) const noexcept;
  static constexpr std::size_t kRowLookBack = 4096;
  // The spans of a track closed by the first `upto` events: [0, span_count).
  [[nodiscard]] std::size_t span_count(LaneId lane, std::size_t track,
                                       std::uint64_t upto) const noexcept;
  // For an index below span_count (a ref from a query, or checked). By
  // value: the index stores spans packed (fold/timeline_impl.hpp).
  [[nodiscard]] Span span(LaneId lane, std::size_t track, std::size_t index) const noexcept;
  [[nodiscard]] Span span(SpanRef ref) const noexcept {
    return span(ref.lane, ref.track, ref.index);
  }
  // Any ref (an arrow's poll, a sample's span): the span if the first `upto`
  // events closed it, else none.
  [[nodiscard]] std::optional<Span> find_span(SpanRef ref, std::uint64_t upto) const noexcept;
  // The first span (index) whose end is at or after t, among span_count.
  [[nodiscard]] std::size_t first_span_ending_at_or_after(LaneId lane, std::size_t track,
                                                          std::uint64_t t,
                                                          std::uint64_t upto) const noexcept;

  // The level-of-detail query: the spans of `track` that overlap [t0, t1],
  // as at most one item per pixel column of a view `pixels` wide: a span
  // whose column (where it begins) holds no other span is its own item, the
  // spans that begin in one column merge into one. Columns are
  // floor((max(begin, t0) - t0) * pixels / (t1 - t0)). Costs O(items * log n):
  // the track's pyramid finds each group's longest span without walking it.
  // Appends to `out` (cleared first).
  void query(LaneId lane, std::size_t track, std::uint64_t t0, std::uint64_t t1, double pixels,
             std::uint64_t upto, std::vector<LodItem>& out) const;

  // --- counters ---
  [[nodiscard]] std::size_t sample_count(Counter c, std::uint64_t upto) const noexcept;
  [[nodiscard]] CounterSample sample(Counter c, std::size_t index) const noexcept;
  // The samples in [t0, t1] (and the one before t0, which holds the value at
  // t0) grouped by pixel column as `query` groups spans, with min / max.
  void query(Counter c, std::uint64_t t0, std::uint64_t t1, double pixels, std::uint64_t upto,
             std::vector<CounterItem>& out) const;

  // --- arrows ---
  [[nodiscard]] std::size_t arrow_count(std::uint64_t upto) const noexcept;
  [[nodiscard]] Arrow arrow(std::size_t index) const noexcept; // by value, as span()
  // Arrows with an end in [t0, t1] or crossing it, in order of their polls;
  // the first `limit` of them.
  void arrows_in(std::uint64_t t0, std::uint64_t t1, std::uint64_t upto,
                 std::vector<std::uint32_t>& out, std::size_t limit = SIZE_MAX) const;
  // Every arrow into `task`'s polls, oldest first. O(the task's arrows).
  void arrows_of(TaskKey task, std::uint64_t upto, std::vector<std::uint32_t>& out) const;

  // --- tasks ---
  [[nodiscard]] std::size_t task_count(std::uint64_t upto) const noexcept;
  [[nodiscard]] const TaskInfo& task(TaskKey key) const noexcept;
  // The newest task spawned with `id` among the first `upto` events (the one
  // of the runtime on screen).
  [[nodiscard]] std::optional<TaskKey> find_task(TaskId id, std::uint64_t upto) const noexcept;
  // The task's Poll spans, oldest first. O(the task's polls).
  void polls_of(TaskKey task, std::uint64_t upto, std::vector<SpanRef>& out) const;

  // --- histograms ---
  // O(log n + 8192): cumulative counts are kept every 8192 samples.
  [[nodiscard]] Histogram histogram(Metric m, std::uint64_t upto) const;
  // Poll durations (or scheduled delays) of one task. O(the task's polls).
  [[nodiscard]] Histogram task_histogram(Metric m, TaskKey task, std::uint64_t upto) const;
  // The samples in bucket k, for a selection: O(samples of m), on a click,
  // not per frame. With `task`, only that task's (O(its polls)).
  void in_bucket(Metric m, std::size_t bucket, std::uint64_t upto, std::optional<TaskKey> task,
                 std::vector<SampleRef>& out) const;

  // --- time ---
  // What to add to an event's display time (record::EventStore::display_time)
  // to place it on this axis, for the event with index `event`.
  [[nodiscard]] std::uint64_t axis_offset_at(std::uint64_t event,
                                             std::uint64_t upto) const noexcept;
  // To within kTimeIndexStride events, the axis time of the last event among
  // the first `upto` (the right edge of "fit the run"); 0 when empty. And the
  // first event's.
  [[nodiscard]] std::uint64_t end_time(std::uint64_t upto) const noexcept;
  [[nodiscard]] std::uint64_t begin_time(std::uint64_t upto) const noexcept;
  // For click-to-seek: an index i such that the first event whose axis time
  // is >= t lies in [i, i + kTimeIndexStride] (and <= upto); refine with the
  // store's display times plus axis_offset_at.
  [[nodiscard]] std::uint64_t event_near_time(std::uint64_t t, std::uint64_t upto) const noexcept;
  static constexpr std::size_t kTimeIndexStride = 64;

  // --- memory ---
  // Any thread: the bytes the index holds (every element published, at its
  // size; the writer's bookkeeping aside), for the benchmarks.
  [[nodiscard]] std::size_t bytes() const noexcept;

  // The inside (fold/timeline_impl.hpp), opaque to every other file: the
  // writer is timeline.cpp, the queries timeline_query.cpp.
  struct Impl;

private:
  std::uint64_t events_ = 0; // writer only
  std::unique_ptr<Impl> impl_;
};

} // namespace pollscope::fold
