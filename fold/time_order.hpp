// TimeOrder: makes event times never go backwards in log order, as the event
// log, the fold and the headless printer show them.
//
// Why: the executor stamps every event of one poll with the time the poll
// began (one clock read per step, runtime_context.hpp), so an event a poll
// emits after a timer thread's event can carry an earlier time than it. The
// log's order is the order things happened in (each event claims its place
// before its effect is visible), so an event is never earlier than the one
// before it: raising its time to that one's is closer to the truth, and lets
// a reader go down the time column to see what caused what.
//
// A new runtime (RuntimeStarted / RuntimeReset) starts afresh: its clock may
// begin anew. Single-threaded: one per consumer.
#pragma once

#include "runtime/event.hpp"

#include <cstdint>

namespace pollscope::fold {

class TimeOrder {
public:
  void apply(Event& e) noexcept {
    if (e.kind == EventKind::RuntimeStarted || e.kind == EventKind::RuntimeReset ||
        e.kind == EventKind::RuntimeAbandoned) {
      last_ = e.t;
      return;
    }
    if (e.t < last_) e.t = last_;
    last_ = e.t;
  }

private:
  std::uint64_t last_ = 0;
};

} // namespace pollscope::fold
