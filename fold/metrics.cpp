#include "fold/metrics.hpp"

namespace pollscope::fold {

namespace {

MetricPercentiles percentiles(const Histogram& h) { return {h.total, h.p50(), h.p99()}; }

} // namespace

// A first cut (the lead's): duplicate entries and the peak of timer threads
// are not yet folded; see issue #14.
RunMetrics run_metrics(const FoldState& state, const Timeline* timeline, std::uint64_t upto) {
  RunMetrics m;
  m.polls = state.executor.total_polls;
  m.peak_timer_threads = state.counters.live_timer_threads;
  m.wall_ns = state.log.last_t > state.started_t ? state.log.last_t - state.started_t : 0;
  m.lints = state.lints.records.size();
  m.finished = state.executor.done;
  if (timeline != nullptr) {
    m.timer_lateness = percentiles(timeline->histogram(Metric::TimerLateness, upto));
    m.scheduled_delay = percentiles(timeline->histogram(Metric::ScheduledDelay, upto));
  }
  return m;
}

} // namespace pollscope::fold
