// Handlers for wakers, timers and output.
#include "fold/fold.hpp"

#include <algorithm>

namespace pollscope::fold {

namespace {

WakerHolder first_holder(WakerKind kind) noexcept {
  // A task's own waker is made at spawn and lent to every poll's Context
  // (the book's waker_ref); other kinds belong to whoever made them by hand.
  return kind == WakerKind::Task ? WakerHolder::ExecutorContext : WakerHolder::User;
}

} // namespace

// --- wakers -------------------------------------------------------------------

void Fold::kill_waker(WakerView& w, std::uint64_t t) {
  if (!w.alive) return; // a consumed waker's later drop is not a second death
  w.alive = false;
  w.dropped_t = t;
  --s_.counters.live_wakers;
  release_from_timer(w.id);
  w.holder = WakerHolder::None;
}

void Fold::release_from_timer(WakerId id) {
  // Keeps the two sides of "timer T holds waker W" in step: both or neither.
  WakerView* w = s_.wakers.find(id);
  if (w == nullptr || w->holder != WakerHolder::Timer) return;
  if (TimerView* tm = s_.timers.find(w->holder_timer); tm != nullptr && tm->stored_waker == id)
    tm->stored_waker = 0;
  w->holder = WakerHolder::None;
  w->holder_timer = 0;
}

void Fold::on_waker_created(const Event& e) {
  WakerView* w = waker(e.waker, e.t);
  if (w == nullptr) return;
  release_from_timer(w->id); // only if the log reuses an id
  w->task = e.task;
  w->kind = field::waker_kind(e);
  w->created_t = e.t;
  w->holder = first_holder(w->kind);
}

void Fold::on_waker_cloned(const Event& e) {
  // The source first: creating the clone may grow the table and move it.
  WakerKind kind = WakerKind::Task;
  if (WakerView* from = waker(field::cloned_from(e), e.t)) {
    ++from->clones;
    kind = from->kind;
  }
  WakerView* w = waker(e.waker, e.t);
  if (w == nullptr) return;
  w->task = e.task;
  w->kind = kind;
  w->cloned_from = field::cloned_from(e);
  w->created_t = e.t;
  // Held by the code that cloned it until it is stored (or dropped).
  release_from_timer(w->id); // only if the log reuses an id
  w->holder = WakerHolder::None;
}

void Fold::on_waker_woken(const Event& e) {
  WakerView* w = waker(e.waker, e.t);
  if (w != nullptr) ++w->wakes;
  TaskView* v = task(e.task, e.t);
  if (v != nullptr) ++v->wakes;
  // wake() consumes the waker (Rust's `wake(self)`); wake_by_ref does not.
  if (w != nullptr && !field::by_ref(e)) kill_waker(*w, e.t);
  set_flow(FlowStep::Woken, e, e.task);
  if (e.task != 0) {
    // The newest wake, as the event says it: a timer thread's names its timer.
    WakeView& wake = s_.wake;
    wake.task = e.task;
    wake.waker = e.waker;
    wake.timer = e.timer;
    wake.lane = e.lane;
    wake.by_ref = field::by_ref(e);
    wake.t = e.t;
    wake.event = s_.log.events_applied - 1;
    take_book_step(v, 7);
  }
}

void Fold::on_waker_dropped(const Event& e) {
  if (WakerView* w = waker(e.waker, e.t)) kill_waker(*w, e.t);
}

void Fold::on_waker_stored(const Event& e) {
  WakerView* w = waker(e.waker, e.t);
  TimerView* tm = timer(e.timer, e.t);
  if (w != nullptr && tm != nullptr) {
    // The book's poll replaces the stored waker on every Pending: the old one
    // is no longer held by this timer (its drop follows).
    if (tm->stored_waker != 0 && tm->stored_waker != w->id) release_from_timer(tm->stored_waker);
    // A waker is held by one timer at a time.
    if (w->holder == WakerHolder::Timer && w->holder_timer != tm->id) release_from_timer(w->id);
    tm->stored_waker = w->id;
    w->holder = WakerHolder::Timer;
    w->holder_timer = tm->id;
  }
  TaskId t = e.task != 0 ? e.task : (w != nullptr ? w->task : 0);
  set_flow(FlowStep::WakerStored, e, t);
  take_book_step(s_.tasks.find(t), 4);
}

void Fold::on_waker_removed(const Event& e) {
  // Step 6 only when a fired timer takes the waker out to wake it: a re-poll
  // replacing its stored waker, or a cancelled timer letting go, is not.
  const TimerView* tm = timer(e.timer, e.t);
  const bool calls_wake = tm != nullptr && tm->fired;
  WakerView* w = waker(e.waker, e.t);
  // Now in the hands of the timer thread that is about to wake it.
  if (w != nullptr && w->holder == WakerHolder::Timer && w->holder_timer == e.timer)
    release_from_timer(w->id);
  TaskId t = e.task != 0 ? e.task : (w != nullptr ? w->task : 0);
  set_flow(FlowStep::WakerTaken, e, t);
  if (calls_wake) take_book_step(s_.tasks.find(t), 6);
}

// --- timers -------------------------------------------------------------------

void Fold::set_timer_state(TimerView& tm, TimerState state) {
  auto finished = [](TimerState s) { return s == TimerState::Exited || s == TimerState::Failed; };
  if (finished(tm.state) != finished(state)) {
    if (finished(state))
      ++s_.counters.finished_timers;
    else
      --s_.counters.finished_timers;
  }
  tm.state = state;
}

void Fold::on_timer_created(const Event& e) {
  TimerView* tm = timer(e.timer, e.t);
  if (tm == nullptr) return;
  tm->task = e.task;
  tm->deadline_ns = field::deadline_ns(e);
  tm->duration_ns = field::duration_ns(e);
  tm->created_t = e.t;
  set_timer_state(*tm, TimerState::Created);
}

void Fold::on_timer_thread_started(const Event& e) {
  TimerView* tm = timer(e.timer, e.t);
  if (tm == nullptr || tm->thread_live) return;
  tm->thread_live = true;
  tm->thread = e.thread < kMaxThreads ? e.thread : 0;
  auto& c = s_.counters;
  if (tm->thread == 0) {
    ++c.live_timer_threads;
  } else {
    if (s_.timers_served.size() <= tm->thread) s_.timers_served.resize(tm->thread + 1);
    if (s_.timers_served[tm->thread]++ == 0) ++c.live_timer_threads;
  }
  c.peak_timer_threads = std::max(c.peak_timer_threads, c.live_timer_threads);
}

void Fold::timer_thread_done(TimerView& tm) {
  if (tm.due_held) {
    tm.due_held = false;
    --s_.counters.held_timers;
  }
  if (!tm.thread_live) return;
  tm.thread_live = false;
  if (tm.thread == 0 || tm.thread >= s_.timers_served.size()) {
    --s_.counters.live_timer_threads;
  } else if (--s_.timers_served[tm.thread] == 0) {
    --s_.counters.live_timer_threads;
  }
}

void Fold::on_timer_due(const Event& e) {
  TimerView* tm = timer(e.timer, e.t);
  if (tm == nullptr || tm->due_held || tm->fired) return;
  tm->due_held = true;
  ++s_.counters.held_timers;
}

void Fold::on_timer_thread_waiting(const Event& e) {
  TimerView* tm = timer(e.timer, e.t);
  if (tm == nullptr) return;
  set_timer_state(*tm, TimerState::Waiting);
  tm->deadline_ns = field::deadline_ns(e);
  set_flow(FlowStep::TimerWaiting, e, tm->task);
}

void Fold::on_timer_fired(const Event& e) {
  TimerView* tm = timer(e.timer, e.t);
  if (tm == nullptr) return;
  set_timer_state(*tm, TimerState::Fired);
  tm->fired = true;
  if (tm->due_held) {
    tm->due_held = false;
    --s_.counters.held_timers;
  }
  set_flow(FlowStep::TimerFired, e, tm->task);
  take_book_step(s_.tasks.find(tm->task), 5);
}

void Fold::on_timer_thread_exited(const Event& e) {
  TimerView* tm = timer(e.timer, e.t);
  if (tm == nullptr) return;
  set_timer_state(*tm, TimerState::Exited);
  tm->cancelled = field::cancelled(e);
  timer_thread_done(*tm);
}

void Fold::on_timer_thread_failed(const Event& e) {
  TimerView* tm = timer(e.timer, e.t);
  if (tm == nullptr) return;
  set_timer_state(*tm, TimerState::Failed);
  timer_thread_done(*tm);
}

// --- output -------------------------------------------------------------------

void Fold::on_output(const Event& e) {
  // Not tied to a task object: main() may print too (task 0).
  s_.output.push_back(OutputLine{e.t, e.task, field::output_text(e)});
}

} // namespace pollscope::fold
