// The spans still open at the moment shown: what the Timeline draws "in
// progress" at the history cursor (or live).
//
// The timeline model (fold/timeline.hpp) publishes a span only once it has
// closed, so the poll the executor is inside, a timer thread waiting for its
// deadline and the executor idling (an empty queue, paused, waiting for a
// Step) would be missing at exactly the moment a user steps to. These are
// derived here, without ImGui, from the fold's state at the cursor (what is
// open) and the event store (the event that opened it): no model fact is
// kept, nothing live is read.
//
// The store is scanned backwards from the cursor, at most kOpenScanLimit
// events and never before the runtime on screen began; a span whose opening
// event lies further back is left out silently (the closed spans before it
// still show).
#pragma once

#include "fold/state.hpp"
#include "fold/timeline.hpp"
#include "record/event_store.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pollscope::gui {

inline constexpr std::size_t kOpenScanLimit = std::size_t{1} << 16;

struct OpenSpan {
  // Poll; WaitingEmpty, Paused or StepWait (the executor idle); TimerStarting
  // or TimerWaiting (a timer thread alive).
  fold::SpanKind kind = fold::SpanKind::Poll;
  ThreadIndex thread = 0;        // the thread-table row of its lane (lane = thread - 1)
  std::size_t begin_event = 0;   // the index in the store of the event that opened it
  TaskId task = 0;               // Poll: the task polled; timers: the timer's task
  TimerId timer = 0;             // timer spans
  std::uint64_t deadline_ns = 0; // TimerWaiting / TimerStarting: the runtime clock's deadline
  bool operator==(const OpenSpan&) const = default;
};

// The spans open after events [0, events.count), given `state`, the fold of
// exactly those events. Executor spans first, then timers in creation order.
void open_spans(const fold::FoldState& state, const record::EventsView& events,
                std::vector<OpenSpan>& out);

} // namespace pollscope::gui
