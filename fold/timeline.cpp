// Timeline: stubs of the API (the index comes next).
#include "fold/timeline.hpp"

namespace pollscope::fold {

struct Timeline::Impl {
  LaneInfo no_lane;
  Span no_span;
  CounterSample no_sample;
  Arrow no_arrow;
  TaskInfo no_task;
};

std::string_view to_string(SpanKind k) noexcept {
  switch (k) {
  case SpanKind::Poll: return "poll";
  case SpanKind::WaitingEmpty: return "waiting on an empty queue";
  case SpanKind::Paused: return "paused";
  case SpanKind::StepWait: return "waiting for a step";
  case SpanKind::BlockedSend: return "blocked sending to a full queue";
  case SpanKind::LockWait: return "waiting for a timer's lock";
  case SpanKind::TimerStarting: return "started";
  case SpanKind::TimerWaiting: return "waiting until the deadline";
  case SpanKind::TimerFired: return "fired";
  }
  return "?";
}

std::string_view to_string(Counter c) noexcept {
  switch (c) {
  case Counter::QueueLength: return "queue length";
  case Counter::TimerThreads: return "live timer threads";
  }
  return "?";
}

Timeline::Timeline() : impl_(std::make_unique<Impl>()) {}
Timeline::~Timeline() = default;
void Timeline::append(const Event&) { ++events_; }
std::size_t Timeline::lane_count(std::uint64_t) const noexcept { return 0; }
const LaneInfo& Timeline::lane(LaneId) const noexcept { return impl_->no_lane; }
std::size_t Timeline::span_count(LaneId, std::size_t, std::uint64_t) const noexcept { return 0; }
const Span& Timeline::span(LaneId, std::size_t, std::size_t) const noexcept {
  return impl_->no_span;
}
std::size_t Timeline::first_span_ending_at_or_after(LaneId, std::size_t, std::uint64_t,
                                                    std::uint64_t) const noexcept {
  return 0;
}
void Timeline::query(LaneId, std::size_t, std::uint64_t, std::uint64_t, double, std::uint64_t,
                     std::vector<LodItem>& out) const {
  out.clear();
}
std::size_t Timeline::sample_count(Counter, std::uint64_t) const noexcept { return 0; }
const CounterSample& Timeline::sample(Counter, std::size_t) const noexcept {
  return impl_->no_sample;
}
void Timeline::query(Counter, std::uint64_t, std::uint64_t, double, std::uint64_t,
                     std::vector<CounterItem>& out) const {
  out.clear();
}
std::size_t Timeline::arrow_count(std::uint64_t) const noexcept { return 0; }
const Arrow& Timeline::arrow(std::size_t) const noexcept { return impl_->no_arrow; }
void Timeline::arrows_in(std::uint64_t, std::uint64_t, std::uint64_t,
                         std::vector<std::uint32_t>& out, std::size_t) const {
  out.clear();
}
void Timeline::arrows_of(TaskKey, std::uint64_t, std::vector<std::uint32_t>& out) const {
  out.clear();
}
std::size_t Timeline::task_count(std::uint64_t) const noexcept { return 0; }
const TaskInfo& Timeline::task(TaskKey) const noexcept { return impl_->no_task; }
std::optional<TaskKey> Timeline::find_task(TaskId, std::uint64_t) const noexcept {
  return std::nullopt;
}
void Timeline::polls_of(TaskKey, std::uint64_t, std::vector<SpanRef>& out) const { out.clear(); }
Histogram Timeline::histogram(Metric, std::uint64_t) const { return {}; }
Histogram Timeline::task_histogram(Metric, TaskKey, std::uint64_t) const { return {}; }
void Timeline::in_bucket(Metric, std::size_t, std::uint64_t, std::optional<TaskKey>,
                         std::vector<SampleRef>& out) const {
  out.clear();
}
std::uint64_t Timeline::axis_offset_at(std::uint64_t, std::uint64_t) const noexcept { return 0; }
std::uint64_t Timeline::end_time(std::uint64_t) const noexcept { return 0; }
std::uint64_t Timeline::begin_time(std::uint64_t) const noexcept { return 0; }
std::uint64_t Timeline::event_near_time(std::uint64_t, std::uint64_t) const noexcept { return 0; }

} // namespace pollscope::fold
