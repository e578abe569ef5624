#include "executor.hpp"

namespace pollscope {

// --- Spawner ----------------------------------------------------------------

Spawner::Spawner(RuntimeContext& rt, std::shared_ptr<SyncChannel> ch)
    : rt_(&rt), channel_(std::move(ch)) {
  channel_->add_sender();
}
Spawner::Spawner(const Spawner& o) : rt_(o.rt_), channel_(o.channel_) {
  if (channel_) channel_->add_sender();
}
Spawner& Spawner::operator=(const Spawner& o) {
  if (this != &o) {
    Spawner copy(o);
    *this = std::move(copy);
  }
  return *this;
}
Spawner::Spawner(Spawner&& o) noexcept
    : rt_(std::exchange(o.rt_, nullptr)),
      channel_(std::move(o.channel_)),
      sender_credits_(std::exchange(o.sender_credits_, 0)) {}
Spawner& Spawner::operator=(Spawner&& o) noexcept {
  if (this != &o) {
    if (channel_) channel_->remove_senders(1 + sender_credits_);
    rt_ = std::exchange(o.rt_, nullptr);
    channel_ = std::move(o.channel_);
    sender_credits_ = std::exchange(o.sender_credits_, 0);
    forget_interned(); // another runtime's string table, perhaps
  }
  return *this;
}

void Spawner::claim_senders() {
  channel_->add_senders(kSenderBatch);
  sender_credits_ = kSenderBatch;
}

void Spawner::forget_interned() noexcept {
  last_name_id_ = 0;
  last_where_id_ = 0;
  last_file_ = nullptr;
}

StringId Spawner::intern_name(std::string_view name) {
  // Compared by content: the caller's buffer may hold another name now.
  if (last_name_id_ != 0 && name.size() == last_name_.size()) {
    const char* a = name.data();
    const char* b = last_name_.data();
    const std::size_t n = name.size();
    std::size_t i = 0;
    while (i < n && a[i] == b[i]) ++i;
    if (i == n) return last_name_id_;
  }
  return intern_new_name(name);
}

StringId Spawner::intern_new_name(std::string_view name) {
  last_name_id_ = rt_->strings().intern(name);
  last_name_.assign(name);
  return last_name_id_;
}

StringId Spawner::intern_where(const std::source_location& where) {
  // By address: a source_location's file name is a string literal.
  if (last_where_id_ != 0 && where.file_name() == last_file_ && where.line() == last_line_)
    return last_where_id_;
  last_where_id_ = rt_->strings().intern_location(where);
  last_file_ = where.file_name();
  last_line_ = where.line();
  return last_where_id_;
}
Spawner::~Spawner() {
  if (channel_) channel_->remove_senders(1 + sender_credits_);
}

SendResult Spawner::submit(Task* task, bool block) {
  if (task == nullptr) return SendResult::Closed;
  // The new task's only reference goes to the channel on success.
  const SendResult r = block ? channel_->send(task, 0) : channel_->try_send(task, 0);
  if (r != SendResult::Ok) task->release();
  return r;
}

// --- Executor ---------------------------------------------------------------

Executor::Executor(RuntimeContext& rt, std::shared_ptr<SyncChannel> ch)
    : rt_(&rt), channel_(std::move(ch)) {}

// Like dropping Rust's Receiver: later sends fail, and the tasks still queued
// lose the queue's references (otherwise queue and tasks, which hold the
// channel, would keep each other alive forever).
Executor::~Executor() { close(); }

Executor& Executor::operator=(Executor&& o) noexcept {
  if (this != &o) {
    close();
    rt_ = o.rt_;
    channel_ = std::move(o.channel_);
    polls_ = o.polls_;
    waiting_logged_ = o.waiting_logged_;
  }
  return *this;
}

void Executor::close() noexcept {
  if (!channel_) return; // moved from
  channel_->shut_down();
  while (Task* t = channel_->try_recv()) t->release();
  channel_.reset();
}

std::pair<Executor, Spawner> executor_and_spawner(RuntimeContext& rt, std::size_t capacity,
                                                  QueuePolicy queue_policy,
                                                  TimerPolicy timer_policy) {
  auto ch = std::make_shared<SyncChannel>(rt, capacity, queue_policy);
  Event e;
  e.kind = EventKind::RuntimeStarted;
  e.a = capacity;
  e.b =
      field::runtime_started_b(rt.clock().kind() == ClockKind::Virtual, queue_policy, timer_policy);
  rt.emit(e);
  return {Executor(rt, ch), Spawner(rt, ch)};
}

void Executor::poll_task(Task* task, std::uint64_t t0) {
  waiting_logged_ = false;
  const bool book = task->policy() == QueuePolicy::Book;
  // Woken after it finished: nothing to poll (harmless). Under the book that
  // is a stale duplicate entry; under the notified policies the state word
  // leaves none, so Discard is only a safety net.
  if (book ? task->done() : task->start() == TaskState::Action::Discard) {
    task->release();
    return;
  }
  const bool logging = rt_->logging();
  ++polls_;
  StringId suspended_at = 0;
  bool failed = false;
  bool ready = false;
  bool poll_ref = true;
  {
    PollScope scope(rt_, task->id(), t0);
    if (logging) {
      Event b;
      b.kind = EventKind::PollBegin;
      b.task = task->id();
      rt_->emit(b);
    }
    // The book's waker_ref: a waker borrowed for this poll, no refcount.
    const Waker waker = Waker::borrowed(task, &Task::kWakerVTable, task->waker_id(), rt_, logging);
    Context cx(waker);
    ready = task->poll_once(cx, suspended_at, failed, poll_ref);
  }
  // Notified policies: a wake during the poll left a note (Defer); the one
  // entry it owes is made now, with the reference the executor popped, and
  // logged before the PollEnd as the book's wake during a poll is, so the
  // fold and the lints read every policy's log alike (a PollEnd(Pending)
  // whose task is already queued again was woken, not lost).
  if (!book && !ready && task->finish_pending() == TaskState::Action::Resubmit) {
    if (channel_->submit(task, task->notified_by()) == SendResult::Ok) poll_ref = false;
  }
  if (logging) log_poll_end(task, t0, ready, failed, suspended_at);
  if (poll_ref) task->release(); // else the queue holds it now
}

void Executor::log_poll_end(const Task* task, std::uint64_t t0, bool ready, bool failed,
                            StringId suspended_at) {
  const std::uint64_t t1 = rt_->clock().now_ns();
  Event e;
  e.kind = EventKind::PollEnd;
  e.task = task->id();
  e.flags = ready ? kFlagReady : 0;
  e.a = t1 > t0 ? t1 - t0 : 0;
  e.b = suspended_at;
  e.t = t1;
  rt_->emit_at(e);
  if (ready) {
    Event c;
    c.kind = EventKind::TaskCompleted;
    c.task = task->id();
    c.flags = failed ? kFlagFailed : 0;
    c.t = t1;
    rt_->emit_at(c);
  }
}

TickResult Executor::try_tick() {
  // Whoever ticks the executor is the executor thread (for the events' lane).
  RuntimeContext::set_thread_lane(Lane::Executor);
  Task* t = nullptr;
  std::uint64_t t0 = 0;
  if (rt_->logging()) {
    // One clock read stamps the pop and the poll's start: they are one step.
    t0 = rt_->clock().now_ns();
    StampScope stamp(rt_, t0);
    t = channel_->try_recv();
  } else {
    t = channel_->try_recv();
  }
  if (t != nullptr) {
    poll_task(t, t0);
    return TickResult::Polled;
  }
  return channel_->closed() && channel_->size() == 0 && channel_->local_size() == 0
             ? TickResult::Closed
             : TickResult::Empty;
}

SyncChannel::WaitResult Executor::wait_for_work(std::chrono::nanoseconds timeout) {
  // The deadline is read off the clock only when it is needed: when a
  // virtual clock may spend time advancing, or when this has to wait again
  // with less than `timeout` left. An executor that drains a queue as fast
  // as a spawner fills it gets here once per task, and the common case —
  // the next entry is about to be published — then costs no clock read
  // (it was 8% of a spawn benchmark's executor thread).
  std::chrono::steady_clock::time_point deadline{};
  bool timed = false;
  const auto start_timing = [&] {
    if (!timed) deadline = std::chrono::steady_clock::now() + timeout;
    timed = true;
  };
  const auto left = [&] { return timed ? deadline - std::chrono::steady_clock::now() : timeout; };
  for (;;) {
    if (channel_->local_size() > 0) return SyncChannel::WaitResult::Ready;
    if (channel_->size() > 0) {
      // A claimed entry may still be unpublished; wait() sorts that out.
      return channel_->wait(std::chrono::milliseconds(0)) == SyncChannel::WaitResult::Ready
                 ? SyncChannel::WaitResult::Ready
                 : channel_->wait(left());
    }
    if (channel_->closed()) return SyncChannel::WaitResult::Closed;
    if (rt_->clock().kind() == ClockKind::Virtual) start_timing();
    // Logged before a virtual clock's jump, not after: the executor waits
    // across it, and the timeline draws that wait up to its next event.
    if (!waiting_logged_) {
      waiting_logged_ = true;
      Event e;
      e.kind = EventKind::ExecutorWaiting;
      rt_->emit(e);
    }
    if (rt_->clock().on_idle()) continue; // virtual time jumped to the next deadline
    const auto wait = left();
    if (wait <= std::chrono::nanoseconds(0)) return SyncChannel::WaitResult::TimedOut;
    return channel_->wait(wait);
  }
}

void Executor::interrupt() { channel_->interrupt(); }

TickResult Executor::poll_one() {
  for (;;) {
    const TickResult r = try_tick();
    if (r != TickResult::Empty) return r;
    if (wait_for_work(std::chrono::hours(24)) == SyncChannel::WaitResult::Closed) {
      if (try_tick() == TickResult::Polled) return TickResult::Polled;
      return TickResult::Closed;
    }
  }
}

// --- The events-off poll loop ------------------------------------------------
//
// What poll_one + poll_task do, for a runtime that does not log (the
// benchmarks' "events off", and the cost floor of every policy): nothing to
// stamp or log, so a poll is the pop, the state word, the thread state and
// the future's poll, all inline. The queue policy is a template argument, so
// the book's path carries none of the notified policies' steps and the other
// way round. It pops and polls for as long as try_recv would find work, and
// hands the rest (waiting, a virtual clock's idle advance, the end) to
// poll_one, which makes the same decisions it always did.

// `waker` is a borrowed task waker that `cx` lends: one per loop, lent to
// each poll in turn.
// `outer`: the thread state run_quiet found, restored after each poll.
template <QueuePolicy P>
[[gnu::always_inline]] inline void Executor::poll_quiet(Task* task, Waker& waker, Context& cx,
                                                        const QuietOuter& outer) {
  if constexpr (P == QueuePolicy::Book) {
    if (task->done()) { // a stale duplicate entry (see poll_task)
      task->release();
      return;
    }
  } else if (task->start() == TaskState::Action::Discard) {
    task->release();
    return;
  }
  ++polls_;
  // PollScope's effect on current_task(), and poll_once's on t_polling;
  // current() and the stamp were set for the whole batch (run_quiet).
  detail::t_state.task = task->id_;
  detail::t_polling = task;
  if constexpr (P == QueuePolicy::Book) {
    task->poll_ref_donatable_ = true;
  } else {
    task->self_woken_ = false;
  }
  bool ready = true;
  waker.relend(task, task->waker_id_); // the book's waker_ref, as in poll_task
  try {
    ready = task->poll_future(cx).is_ready();
  } catch (...) {
    // Finished, as in poll_once (nothing to log here).
  }
  // The outer poll's, again (a future dropped below must not count as the
  // poll's own: a wake from its destructor is not a yield).
  detail::t_polling = outer.polling;
  if constexpr (P == QueuePolicy::Book) {
    const bool poll_ref = task->poll_ref_donatable_;
    task->poll_ref_donatable_ = false;
    if (ready) {
      task->drop_future();
      [[maybe_unused]] const auto a = task->state_.transition(TaskState::Op::FinishReady);
    }
    if (poll_ref) task->release(); // else the queue holds it now
  } else {
    if (ready) {
      task->drop_future();
      [[maybe_unused]] const auto a = task->state_.transition(TaskState::Op::FinishReady);
    } else if (task->finish_pending() == TaskState::Action::Resubmit) {
      // The entry it is owed, with the reference the executor popped. A
      // yield's is made on this thread: under `local` straight into the
      // local queue (submit's own choice, minus its thread check: we are
      // the consumer).
      const SendResult r = P == QueuePolicy::Local ? channel_->submit_local_quiet(task)
                                                   : channel_->send(task, task->notified_by());
      if (r == SendResult::Ok) return;
    }
    task->release();
  }
}

template <QueuePolicy P>
void Executor::run_quiet() {
  SyncChannel& ch = *channel_;
  detail::ThreadState& ts = detail::t_state;
  Waker waker = Waker::borrowed(nullptr, &Task::kWakerVTable, 0, rt_, false);
  Context cx(waker);
  // What a poll restores (a poll that runs an executor of its own restores
  // the same on return, so these hold between our polls).
  const QuietOuter outer{ts.rt, ts.task, detail::t_polling};
  for (;;) {
    RuntimeContext::set_thread_lane(Lane::Executor);
    ch.mark_consumer();
    const RuntimeContext* const outer_stamp = ts.stamp_rt;
    ts.stamp_rt = nullptr; // as PollScope sets it for a runtime that does not log
    ts.rt = rt_;           // current() for every poll of the batch
    const std::uint64_t before = polls_;
    while (Task* t = ch.try_recv_quiet()) poll_quiet<P>(t, waker, cx, outer);
    ts.stamp_rt = outer_stamp;
    ts.rt = outer.rt;
    ts.task = outer.task;
    if (polls_ != before) waiting_logged_ = false;
    // Nothing queued right now: poll_one waits (or advances a virtual
    // clock), polls what comes, or says that all work is done.
    if (poll_one() != TickResult::Polled) return;
  }
}

std::uint64_t Executor::run() {
  const std::uint64_t before = polls_;
  if (rt_->logging()) {
    while (poll_one() == TickResult::Polled) {
    }
  } else {
    switch (channel_->policy()) {
    case QueuePolicy::Book: run_quiet<QueuePolicy::Book>(); break;
    case QueuePolicy::Notified: run_quiet<QueuePolicy::Notified>(); break;
    case QueuePolicy::Local: run_quiet<QueuePolicy::Local>(); break;
    }
  }
  Event e;
  e.kind = EventKind::ExecutorDone;
  e.a = polls_ - before;
  rt_->emit(e);
  return polls_ - before;
}

} // namespace pollscope
