// See timeline_open.hpp. One backwards pass over the store finds every open
// span's opening event at once, so a run with thousands of live timer threads
// still costs one bounded scan a frame.
#include "gui/timeline_open.hpp"

#include <algorithm>
#include <optional>
#include <span>
#include <unordered_map>

namespace pollscope::gui {
namespace {

using fold::ExecutorActivity;
using fold::SpanKind;

// Whether `e` is the moment the executor's idle span `kind` began: the event
// after which the fold's precedence (paused > waiting for a step > waiting on
// the queue) first gave that answer, as the model opens its spans.
bool opens_idle(SpanKind kind, const Event& e) {
  switch (kind) {
  case SpanKind::WaitingEmpty:
    // Logged once per wait; a mode change during the wait (Pause -> Run)
    // starts the waiting span afresh.
    return e.kind == EventKind::ExecutorWaiting || e.kind == EventKind::ExecutorMode;
  case SpanKind::Paused:
    // Paused mid-poll, it shows once the poll ends.
    return (e.kind == EventKind::ExecutorMode && field::mode(e) == ExecutorMode::Pause) ||
           e.kind == EventKind::PollEnd;
  case SpanKind::StepWait:
    // Entering Step mode, or the tick that spent the last step owed.
    return e.kind == EventKind::ExecutorMode || e.kind == EventKind::PollEnd ||
           e.kind == EventKind::QueuePop;
  default: return false;
  }
}

bool idle_kind(ExecutorActivity a, SpanKind& kind) {
  switch (a) {
  case ExecutorActivity::Waiting: kind = SpanKind::WaitingEmpty; return true;
  case ExecutorActivity::Paused: kind = SpanKind::Paused; return true;
  case ExecutorActivity::Stepping: kind = SpanKind::StepWait; return true;
  default: return false;
  }
}

} // namespace

void open_spans(const fold::FoldState& state, const record::EventsView& events,
                std::vector<OpenSpan>& out) {
  out.clear();
  if (events.store == nullptr || events.count <= events.runtime_begin) return;
  const std::span<const Event> all = events.all();
  const std::size_t stop = std::max(
      events.runtime_begin, events.count > kOpenScanLimit ? events.count - kOpenScanLimit : 0);

  // What to look for.
  const fold::ExecutorView& x = state.executor;
  const bool want_poll = x.activity == ExecutorActivity::Polling && x.current_task != 0;
  SpanKind idle = SpanKind::Poll;
  const bool want_idle = !want_poll && idle_kind(x.activity, idle);
  struct Wanted {
    EventKind opener;
    std::size_t timer_index; // into state.timers.items()
  };
  std::unordered_map<TimerId, Wanted> timers;
  const auto timer_items = state.timers.items();
  for (std::size_t i = 0; i < timer_items.size(); ++i) {
    const fold::TimerView& t = timer_items[i];
    if (t.fired || t.cancelled) continue;
    if (t.state == fold::TimerState::Waiting)
      timers.emplace(t.id, Wanted{EventKind::TimerThreadWaiting, i});
    else if (t.state == fold::TimerState::Created && t.thread_live)
      timers.emplace(t.id, Wanted{EventKind::TimerThreadStarted, i});
  }

  // What was found: the executor's thread, the poll, the idle span, the timers.
  ThreadIndex exec_thread = 0;
  bool poll_done = !want_poll, idle_done = !want_idle;
  std::size_t timers_left = timers.size();
  std::vector<std::pair<std::size_t, OpenSpan>> found_timers; // (creation order, span)
  std::optional<OpenSpan> poll, idle_span;
  for (std::size_t i = events.count; i > stop; --i) {
    const Event& e = all[i - 1];
    if (exec_thread == 0 && e.lane == Lane::Executor) exec_thread = e.thread;
    if (!poll_done) {
      if (e.kind == EventKind::PollBegin && e.task == x.current_task) {
        poll = OpenSpan{SpanKind::Poll, e.thread, i - 1, e.task, 0, 0};
        poll_done = true;
      } else if (e.kind == EventKind::PollEnd) {
        poll_done = true; // popped, not polled yet: no poll is open
      }
    }
    if (!idle_done && opens_idle(idle, e)) {
      idle_span = OpenSpan{idle, 0, i - 1, 0, 0, 0};
      idle_done = true;
    }
    if (timers_left != 0 && e.timer != 0) {
      const auto it = timers.find(e.timer);
      if (it != timers.end() && it->second.opener == e.kind) {
        const fold::TimerView& t = timer_items[it->second.timer_index];
        const SpanKind kind = e.kind == EventKind::TimerThreadWaiting ? SpanKind::TimerWaiting
                                                                      : SpanKind::TimerStarting;
        const ThreadIndex thread = t.thread != 0 ? t.thread : e.thread;
        const std::uint64_t deadline =
            kind == SpanKind::TimerWaiting ? field::deadline_ns(e) : t.deadline_ns;
        found_timers.emplace_back(it->second.timer_index,
                                  OpenSpan{kind, thread, i - 1, t.task, t.id, deadline});
        timers.erase(it);
        --timers_left;
      }
    }
    if (poll_done && idle_done && timers_left == 0 && exec_thread != 0) break;
  }

  if (poll && poll->thread != 0) out.push_back(*poll);
  if (idle_span) {
    idle_span->thread = exec_thread;
    if (idle_span->thread != 0) out.push_back(*idle_span);
  }
  std::sort(found_timers.begin(), found_timers.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [order, span] : found_timers)
    if (span.thread != 0) out.push_back(span);
}

} // namespace pollscope::gui
