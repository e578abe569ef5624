// RunMetrics: one run's figures for compare mode's table (issue #14 §2), read
// from the fold's state and the timeline at one moment. Both sides of a
// comparison are folded from their own event store, so the table is a
// function of the stores and the cursor like every other panel.
//
// Peak RSS is not here: two runtimes in one process share one RSS. It is
// measured per side in a child process (cli/compare_run.hpp).
//
// A plain function of plain values: no threads.
#pragma once

#include "fold/state.hpp"
#include "fold/timeline.hpp"

#include <cstdint>

namespace pollscope::fold {

// p50/p99 of one timeline histogram; `samples` 0 means no value.
struct MetricPercentiles {
  std::uint64_t samples = 0;
  std::uint64_t p50_ns = 0;
  std::uint64_t p99_ns = 0;
  bool operator==(const MetricPercentiles&) const = default;
};

struct RunMetrics {
  std::uint64_t polls = 0;              // PollBegin events of this runtime
  std::uint64_t duplicate_entries = 0;  // queue pushes of a task that was already queued
  std::uint64_t peak_timer_threads = 0; // most timer threads alive at once
  std::uint64_t wall_ns = 0;            // the runtime's first event to its last
  MetricPercentiles timer_lateness;     // TimerFired - deadline
  MetricPercentiles scheduled_delay;    // queued -> polled
  std::uint64_t lints = 0;              // lints fired (threshold-free and threshold)
  bool finished = false;                // the executor reported done
  // Where the wakes went (the yielders lesson): queue pushes made by a waker
  // into the shared channel, and into the executor-local queue (`local`).
  // Spawns (pushes by the spawner) are in neither.
  std::uint64_t channel_wakes = 0;
  std::uint64_t local_wakes = 0;
  bool operator==(const RunMetrics&) const = default;
};

// The metrics of the runtime `state` shows (its latest), up to event index
// `upto` of `timeline` (exclusive; the cursor's position). `timeline` may be
// null: the histogram rows then stay empty. The histograms count only the
// samples of events from `state.runtime_begin` on (the timeline spans every
// runtime of the log), so `timeline` must have seen the log from its first
// event, as the pump's and a recording's do.
[[nodiscard]] RunMetrics run_metrics(const FoldState& state, const Timeline* timeline,
                                     std::uint64_t upto);

} // namespace pollscope::fold
