#include "fold/metrics.hpp"

#include "fold/lints.hpp"

#include <algorithm>

namespace pollscope::fold {

namespace {

// The samples of events [from, upto): the whole-log histogram up to `upto`
// less the one up to `from` (bucket counts only grow with the log). Its min
// and max become the bounds of the first and last buckets left, which keeps
// every percentile within the bucket its rank falls in, as before.
Histogram since(const Timeline& timeline, Metric m, std::uint64_t from, std::uint64_t upto) {
  Histogram h = timeline.histogram(m, upto);
  if (from == 0 || from >= upto) return h;
  const Histogram before = timeline.histogram(m, from);
  if (before.total == 0) return h;
  for (std::size_t k = 0; k < Histogram::kBuckets; ++k)
    h.counts[k] -= std::min(h.counts[k], before.counts[k]);
  h.total -= std::min(h.total, before.total);
  if (h.total == 0) return Histogram{};
  h.min = std::max(h.min, Histogram::lower(h.first_bucket()));
  h.max = std::min(h.max, Histogram::upper(h.end_bucket() - 1) - 1);
  return h;
}

MetricPercentiles percentiles(const Histogram& h) { return {h.total, h.p50(), h.p99()}; }

} // namespace

RunMetrics run_metrics(const FoldState& state, const Timeline* timeline, std::uint64_t upto) {
  RunMetrics m;
  m.polls = state.executor.total_polls;
  m.duplicate_entries = state.queue.duplicate_pushes;
  m.peak_timer_threads = state.counters.peak_timer_threads;
  m.wall_ns = state.log.last_t > state.started_t ? state.log.last_t - state.started_t : 0;
  m.lints = evaluate(state, LintThresholds{}).size(); // what --lint prints
  m.finished = state.executor.done;
  m.local_wakes = state.queue.local_pushes;
  m.channel_wakes = state.queue.waker_pushes - std::min(state.queue.waker_pushes, m.local_wakes);
  if (timeline != nullptr) {
    const std::uint64_t from = state.runtime_begin;
    m.timer_lateness = percentiles(since(*timeline, Metric::TimerLateness, from, upto));
    m.scheduled_delay = percentiles(since(*timeline, Metric::ScheduledDelay, from, upto));
  }
  return m;
}

} // namespace pollscope::fold
