// Fold: turns the event stream into the FoldState the GUI draws.
//
// `apply` dispatches each event to one small handler for its kind (see
// fold.cpp for the lifecycle and executor, fold_tasks.cpp for tasks and the
// queue, fold_wakers.cpp for wakers, timers and output). The handlers record
// facts (polling, completed, entries in the queue, ...) and then re-derive the
// task's state and the executor's activity from those facts, so the order of
// two unrelated events never changes what the screen shows.
//
// No hidden state: everything the fold remembers is in `state()`. Folding any
// prefix of a log from a fresh Fold gives the same state the live fold had
// after that prefix, which is what rewind is built on.
//
// Robust against partial logs: an event naming an id the fold has not met (a
// prefix that starts mid-run) creates that object on the spot; an event that
// refers to something absent (a pop of an entry it never saw) changes only
// what it can. Nothing in a log can make it crash.
//
// Threading: a Fold is a plain value; one thread at a time. The GUI folds on
// its drain thread and hands the UI a copy (or guards it with its own lock).
#pragma once

#include "fold/state.hpp"
#include "runtime/event.hpp"

#include <span>

namespace pollscope::fold {

class Fold {
public:
  void apply(const Event& e);
  // The same as applying each event in order; the benchmark's entry point.
  void apply(std::span<const Event> events);

  [[nodiscard]] const FoldState& state() const noexcept { return s_; }

  // Forgets everything, the log statistics included: a fresh Fold.
  void reset();

private:
  // fold.cpp: lifecycle and executor
  void on_runtime_started(const Event& e);
  void on_runtime_reset(const Event& e);
  void on_channel_closed(const Event& e);
  void on_thread_named(const Event& e);
  void on_executor_waiting(const Event& e);
  void on_executor_mode(const Event& e);
  void on_step_requested(const Event& e);
  void on_poll_begin(const Event& e);
  void on_poll_end(const Event& e);
  void on_executor_done(const Event& e);

  // fold_tasks.cpp: tasks and the run queue
  void on_task_spawned(const Event& e);
  void on_task_completed(const Event& e);
  void on_task_dropped(const Event& e);
  void on_queue_push(const Event& e);
  void on_queue_pop(const Event& e);
  void on_send_blocked(const Event& e);
  void on_send_unblocked(const Event& e);
  void on_try_send_full(const Event& e);

  // fold_wakers.cpp: wakers, timers, output
  void on_waker_created(const Event& e);
  void on_waker_cloned(const Event& e);
  void on_waker_woken(const Event& e);
  void on_waker_dropped(const Event& e);
  void on_waker_stored(const Event& e);
  void on_waker_removed(const Event& e);
  void on_timer_created(const Event& e);
  void on_timer_thread_started(const Event& e);
  void on_timer_thread_waiting(const Event& e);
  void on_timer_fired(const Event& e);
  void on_timer_due(const Event& e);
  void timer_thread_done(TimerView& tm); // its serving thread is done with it
  void on_timer_thread_exited(const Event& e);
  void on_timer_thread_failed(const Event& e);
  void on_output(const Event& e);

  // Lazily created objects (nullptr only for id 0).
  TaskView* task(TaskId id, std::uint64_t t);
  WakerView* waker(WakerId id, std::uint64_t t);
  TimerView* timer(TimerId id, std::uint64_t t);

  void clear_runtime(const Event& e);           // what a start or reset forgets
  void settle(TaskView& task, std::uint64_t t); // re-derive TaskState
  void settle_executor();                       // re-derive ExecutorActivity
  void kill_waker(WakerView& w, std::uint64_t t);
  void release_from_timer(WakerId waker);              // the timer no longer holds it
  void hand_to_executor(TaskId task, std::uint64_t t); // becomes current_task
  void release_current(std::uint64_t t);               // no current_task
  void set_flow(FlowStep step, const Event& e, TaskId task);
  // Marks book step `step` (1..9) taken by task `v`, after set_flow: an
  // advance if the task had not taken it before (see BookView).
  void take_book_step(TaskView* v, int step);
  void set_timer_state(TimerView& timer, TimerState state); // keeps finished_timers
  void forget_finished();                                   // see kKeepFinished

  FoldState s_;
};

} // namespace pollscope::fold
