// The timer driver's lane, stacked: under `--timer-policy timer-thread` one
// thread waits for every timer at once, so on its one lane the timers'
// waiting spans overlap. Each wait gets a sub-row (its depth) so that no two
// waits on one sub-row overlap, and the lane is drawn as that many thin rows.
//
// Until the timeline model gives its spans a depth of their own (the tlperf
// branch: a per-span sub-row in fold/timeline*), the waits come from the
// fold's state (each TimerView: when it was armed, its deadline, the thread
// serving it), which the panel has anyway: a pure function of that state, no
// model fact kept. The model's own spans on such a lane are not drawn: one
// track cannot hold overlapping spans, so they cut each other short. When the
// model's depth lands, the panel draws the driver's lane from its spans
// (draw_track with the span's depth as the sub-row) and this file goes.
//
// No ImGui here (tested headless).
#pragma once

#include "fold/state.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pollscope::gui {

// One timer's wait on a shared timer thread. Times on the timeline's axis.
struct StackedWait {
  std::uint64_t begin_t = 0;    // armed (TimerCreated)
  std::uint64_t deadline_t = 0; // the bar ends here: the driver fires at the deadline
  TimerId timer = 0;
  TaskId task = 0;
  std::uint32_t depth = 0; // the sub-row: waits on one sub-row never overlap
  bool fired = false;
  bool cancelled = false;
  bool due_held = false;
};

// Whether thread-table row `thread` is a timer thread that serves many
// timers (the timer-thread policy's driver: a Timer lane named for no timer).
[[nodiscard]] bool is_timer_driver(const fold::FoldState& state, ThreadIndex thread) noexcept;

// The waits of the timers `thread` serves in `state`, in the order they were
// armed, each on the lowest sub-row free at its start (greedy interval
// partitioning: as few sub-rows as the most waits at once). `axis_offset`
// moves the runtime's clock onto the timeline's axis. Returns the sub-rows
// used. O(n log n) in the timers served.
std::uint32_t stack_timer_waits(const fold::FoldState& state, ThreadIndex thread,
                                std::uint64_t axis_offset, std::vector<StackedWait>& out);

} // namespace pollscope::gui
