// The dispatch, the derivations (task state, executor activity), and the
// handlers for the runtime's lifecycle and the executor.
#include "fold/fold.hpp"

#include <algorithm>

namespace pollscope::fold {

void Fold::apply(const Event& e) {
  auto& log = s_.log;
  ++log.events_applied;
  log.last_t = std::max(log.last_t, e.t);
  // Lints read the state as the event found it (fold/lints.hpp).
  s_.lints.apply(e, s_, log.events_applied - 1);
  switch (e.kind) {
  case EventKind::RuntimeStarted: on_runtime_started(e); break;
  case EventKind::RuntimeReset: on_runtime_reset(e); break;
  case EventKind::ChannelClosed: on_channel_closed(e); break;
  case EventKind::ThreadNamed: on_thread_named(e); break;
  case EventKind::TaskSpawned: on_task_spawned(e); break;
  case EventKind::TaskCompleted: on_task_completed(e); break;
  case EventKind::TaskDropped: on_task_dropped(e); break;
  case EventKind::QueuePush: on_queue_push(e); break;
  case EventKind::QueuePop: on_queue_pop(e); break;
  case EventKind::SendBlocked: on_send_blocked(e); break;
  case EventKind::SendUnblocked: on_send_unblocked(e); break;
  case EventKind::TrySendFull: on_try_send_full(e); break;
  case EventKind::ExecutorWaiting: on_executor_waiting(e); break;
  case EventKind::ExecutorMode: on_executor_mode(e); break;
  case EventKind::StepRequested: on_step_requested(e); break;
  case EventKind::PollBegin: on_poll_begin(e); break;
  case EventKind::PollEnd: on_poll_end(e); break;
  case EventKind::ExecutorDone: on_executor_done(e); break;
  case EventKind::WakerCreated: on_waker_created(e); break;
  case EventKind::WakerCloned: on_waker_cloned(e); break;
  case EventKind::WakerWoken: on_waker_woken(e); break;
  case EventKind::WakerDropped: on_waker_dropped(e); break;
  case EventKind::WakerStored: on_waker_stored(e); break;
  case EventKind::WakerRemoved: on_waker_removed(e); break;
  case EventKind::TimerCreated: on_timer_created(e); break;
  case EventKind::TimerThreadStarted: on_timer_thread_started(e); break;
  case EventKind::TimerThreadWaiting: on_timer_thread_waiting(e); break;
  case EventKind::TimerFired: on_timer_fired(e); break;
  case EventKind::TimerThreadExited: on_timer_thread_exited(e); break;
  case EventKind::TimerThreadFailed: on_timer_thread_failed(e); break;
  case EventKind::Output: on_output(e); break;
  // Lock waits are shown by the lints built on top; the fold keeps no state for them.
  case EventKind::LockWaitBegin:
  case EventKind::LockWaitEnd: break;
  // The abandoned runtime's objects are gone from view, as after a reset.
  case EventKind::RuntimeAbandoned: on_runtime_reset(e); break;
  case EventKind::TimerDue: on_timer_due(e); break;
  case EventKind::Count: return; // not a kind: a corrupt record, skipped
  }
  // Counted after the handler, so a RuntimeStarted counts itself in the
  // fresh runtime's tally rather than being wiped by its own clear.
  if (e.kind < EventKind::Count) ++s_.counters.per_kind[static_cast<std::size_t>(e.kind)];
  forget_finished();
}

void Fold::forget_finished() {
  constexpr std::size_t kLimit = 2 * kKeepFinished;
  auto& c = s_.counters;
  if (s_.tasks.size() - c.live_tasks > kLimit) {
    // A dropped task still queued or in the executor's hands (only in a
    // malformed log) is kept: forgetting it would unbalance the queue.
    c.forgotten_tasks += s_.tasks.forget_oldest(
        s_.tasks.size() - c.live_tasks, kKeepFinished,
        [](const TaskView& t) { return t.dropped && t.queue_entries == 0 && !t.polling; });
  }
  if (s_.wakers.size() - c.live_wakers > kLimit) {
    c.forgotten_wakers += s_.wakers.forget_oldest(s_.wakers.size() - c.live_wakers, kKeepFinished,
                                                  [](const WakerView& w) { return !w.alive; });
  }
  if (c.finished_timers > kLimit) {
    const std::size_t n =
        s_.timers.forget_oldest(c.finished_timers, kKeepFinished, [](const TimerView& t) {
          return (t.state == TimerState::Exited || t.state == TimerState::Failed) &&
                 t.stored_waker == 0;
        });
    c.finished_timers -= n;
    c.forgotten_timers += n;
  }
}

void Fold::apply(std::span<const Event> events) {
  for (const Event& e : events) apply(e);
}

void Fold::reset() { s_ = FoldState{}; }

// --- lazily created objects ---------------------------------------------------

TaskView* Fold::task(TaskId id, std::uint64_t t) {
  if (id == 0) return nullptr;
  bool created = false;
  TaskView& v = s_.tasks.get_or_create(id, created);
  if (created) {
    // First met without its TaskSpawned (a prefix starting mid-run): it is
    // live from now, and its clock starts now.
    v.spawned_t = t;
    v.last_change_t = t;
    ++s_.counters.live_tasks;
  }
  return &v;
}

WakerView* Fold::waker(WakerId id, std::uint64_t t) {
  if (id == 0) return nullptr;
  bool created = false;
  WakerView& v = s_.wakers.get_or_create(id, created);
  if (created) {
    // Anything the log mentions existed at that moment.
    v.alive = true;
    v.created_t = t;
    ++s_.counters.live_wakers;
  }
  return &v;
}

TimerView* Fold::timer(TimerId id, std::uint64_t t) {
  if (id == 0) return nullptr;
  bool created = false;
  TimerView& v = s_.timers.get_or_create(id, created);
  if (created) v.created_t = t;
  return &v;
}

// --- derivations --------------------------------------------------------------

namespace {

// The precedence documented on TaskState, in one place.
TaskState derive(const TaskView& v) noexcept {
  if (v.dropped) return TaskState::Dropped;
  if (v.completed) return TaskState::Done;
  if (v.polling) return TaskState::Polling;
  if (v.queue_entries > 0) return TaskState::Queued;
  if (v.polls > 0) return TaskState::Pending;
  return TaskState::Spawned;
}

} // namespace

void Fold::settle(TaskView& v, std::uint64_t t) {
  TaskState next = derive(v);
  if (next == v.state) return;
  // Events from different threads can carry slightly out-of-order times; an
  // interval never counts as negative.
  std::uint64_t spent = t > v.last_change_t ? t - v.last_change_t : 0;
  if (v.state == TaskState::Queued) v.scheduled_ns += spent;
  if (v.state == TaskState::Pending) v.idle_ns += spent;
  v.state = next;
  v.last_change_t = std::max(v.last_change_t, t);
}

void Fold::settle_executor() {
  // The precedence documented on ExecutorActivity.
  auto& x = s_.executor;
  if (x.done)
    x.activity = ExecutorActivity::Done;
  else if (x.blocked)
    x.activity = ExecutorActivity::Blocked;
  else if (x.current_task != 0)
    x.activity = ExecutorActivity::Polling;
  else if (x.mode == ExecutorMode::Pause)
    x.activity = ExecutorActivity::Paused;
  else if (x.mode == ExecutorMode::Step && x.steps_owed == 0)
    x.activity = ExecutorActivity::Stepping;
  else if (x.waiting)
    x.activity = ExecutorActivity::Waiting;
  else
    x.activity = ExecutorActivity::Idle;
}

void Fold::set_flow(FlowStep step, const Event& e, TaskId task) {
  s_.flow = FlowView{step, task, e.timer, e.waker, e.t};
}

void Fold::take_book_step(TaskView* v, int step) {
  if (v == nullptr) return;
  const auto bit = static_cast<std::uint16_t>(1u << (step - 1));
  if ((v->book_steps & bit) != 0) return; // taken before: not an advance
  v->book_steps = static_cast<std::uint16_t>(v->book_steps | bit);
  auto& b = s_.book;
  b.step = static_cast<std::uint8_t>(step);
  b.task = v->id;
  b.moment = s_.flow;
  b.event = s_.log.events_applied - 1; // the event being applied
  ++b.advances;
}

// --- lifecycle ----------------------------------------------------------------

void Fold::clear_runtime(const Event& e) {
  // Ids restart with the new runtime, so nothing of the old one may linger,
  // except what spans the log: its statistics and the advance counter.
  LogStats log = s_.log;
  const std::uint64_t advances = s_.book.advances;
  std::vector<ThreadView> threads = std::move(s_.threads); // the log's, not the runtime's
  s_ = FoldState{};
  s_.log = log;
  s_.book.advances = advances;
  s_.threads = std::move(threads);
  ++s_.log.runtime_starts;
  s_.started_t = e.t;
  s_.runtime_begin = log.events_applied - 1; // this event's index
}

void Fold::on_runtime_started(const Event& e) {
  clear_runtime(e);
  s_.queue.capacity = field::queue_capacity(e);
  s_.virtual_clock = field::virtual_clock(e);
  s_.queue_policy = field::queue_policy(e);
  s_.timer_policy = field::timer_policy(e);
}

void Fold::on_runtime_reset(const Event& e) { clear_runtime(e); }

void Fold::on_channel_closed(const Event&) { s_.queue.closed = true; }

void Fold::on_thread_named(const Event& e) {
  if (e.thread == 0 || e.thread >= kMaxThreads) return;
  if (s_.threads.size() <= e.thread) s_.threads.resize(e.thread + 1);
  s_.threads[e.thread] = {field::thread_name(e), field::thread_lane(e), e.timer};
}

// --- the executor -------------------------------------------------------------

void Fold::on_executor_waiting(const Event& e) {
  release_current(e.t); // it cannot wait on the queue while holding a task
  s_.executor.waiting = true;
  settle_executor();
}

void Fold::on_executor_mode(const Event& e) {
  s_.executor.mode = field::mode(e);
  // The controller forgets owed steps when it leaves Step mode, silently.
  if (s_.executor.mode != ExecutorMode::Step) s_.executor.steps_owed = 0;
  settle_executor();
}

void Fold::on_step_requested(const Event& e) {
  s_.executor.steps_owed = field::steps_owed(e);
  settle_executor();
}

void Fold::release_current(std::uint64_t t) {
  auto& x = s_.executor;
  if (x.current_task == 0) return;
  if (TaskView* prev = s_.tasks.find(x.current_task)) {
    prev->polling = false;
    settle(*prev, t);
  }
  x.current_task = 0;
}

void Fold::hand_to_executor(TaskId id, std::uint64_t t) {
  // The executor holds one task at a time. If the log never closed the
  // previous one (a pop of a finished task that is skipped, not polled),
  // that task is let go here rather than left Polling for ever.
  if (s_.executor.current_task != id) release_current(t);
  s_.executor.current_task = id;
}

void Fold::on_poll_begin(const Event& e) {
  hand_to_executor(e.task, e.t);
  TaskView* v = task(e.task, e.t);
  if (v != nullptr) {
    v->polling = true;
    ++v->polls;
    settle(*v, e.t);
  }
  auto& x = s_.executor;
  x.waiting = false;
  ++x.total_polls;
  settle_executor();
  set_flow(FlowStep::PollStarted, e, e.task);
  take_book_step(v, 3);
}

void Fold::on_poll_end(const Event& e) {
  const bool ready = field::ready(e);
  TaskView* v = task(e.task, e.t);
  if (v != nullptr) {
    // A PollEnd whose PollBegin fell before the prefix still was a poll.
    if (v->polls == 0) ++v->polls;
    v->polling = false;
    v->busy_ns += field::poll_duration_ns(e);
    v->suspended_at = ready ? 0 : field::suspended_at(e);
    // Ready is the end of the task, whether or not its TaskCompleted (which
    // adds whether it threw) is logged yet.
    if (ready) v->completed = true;
    settle(*v, e.t);
  }
  auto& x = s_.executor;
  if (x.current_task == e.task) x.current_task = 0;
  x.last_polled = e.task;
  x.last_poll_ready = ready;
  settle_executor();
  set_flow(ready ? FlowStep::PolledReady : FlowStep::PolledPending, e, e.task);
  if (ready) take_book_step(v, 9);
}

void Fold::on_executor_done(const Event& e) {
  auto& x = s_.executor;
  release_current(e.t);
  x.done = true;
  x.waiting = false;
  x.reported_polls = field::total_polls(e);
  settle_executor();
  set_flow(FlowStep::ExecutorDone, e, 0);
}

} // namespace pollscope::fold
