// DisplayTime: the monotone time a reader is shown for each event, so that
// event times never go backwards in log order in the event log and the
// printed timeline. It never rewrites an event: what is stored, written to
// the --events file and folded keeps the raw `t` the runtime stamped (a
// PollEnd's duration is end - begin of the raw times, and stays so).
//
// Why: the executor stamps every event of one poll with the time the poll
// began (one clock read per step, runtime_context.hpp), so an event a poll
// emits after a timer thread's event can carry an earlier time than it. The
// log's order is the order things happened in (each event claims its place
// before its effect is visible), so an event is never earlier than the one
// before it: showing it at that one's time is closer to the truth, and lets
// a reader go down the time column to see what caused what.
//
// A new runtime (RuntimeStarted / RuntimeReset) starts afresh: its clock may
// begin anew. Single-threaded: one per reader of a stream. For random access
// into a store, EventStore::display_time(i) gives the same figures.
#pragma once

#include "runtime/event.hpp"

#include <cstdint>

namespace pollscope::record {

// Whether `e` opens a runtime, where the display time starts afresh.
[[nodiscard]] constexpr bool opens_runtime(const Event& e) noexcept {
  return e.kind == EventKind::RuntimeStarted || e.kind == EventKind::RuntimeReset ||
         e.kind == EventKind::RuntimeAbandoned;
}

// The display time of `e`, given the display time of the event before it.
[[nodiscard]] constexpr std::uint64_t display_time_after(std::uint64_t previous,
                                                         const Event& e) noexcept {
  if (opens_runtime(e)) return e.t;
  return e.t < previous ? previous : e.t;
}

class DisplayTime {
public:
  // The time to show for `e`, the next event in log order.
  std::uint64_t next(const Event& e) noexcept {
    last_ = display_time_after(last_, e);
    return last_;
  }

private:
  std::uint64_t last_ = 0;
};

} // namespace pollscope::record
