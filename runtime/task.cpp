#include "task.hpp"

#include "channel.hpp"
#include "runtime_context.hpp"

namespace pollscope {

namespace {
Task* as_task(void* p) { return static_cast<Task*>(p); }
using detail::t_polling;
} // namespace

RuntimeContext& Task::runtime() const noexcept { return channel_->runtime(); }

// The task's waker: data is the Task itself; a reference is a refcount.
const RawWakerVTable Task::kWakerVTable = {
    [](void* p) -> void* {
      as_task(p)->retain();
      return p;
    },
    [](void* p, WakerId by) {
      Task::kWakerVTable.wake_by_ref(p, by);
      as_task(p)->release();
    },
    [](void* p, WakerId by) {
      // ArcWake::wake_by_ref: send a new reference to the task on the channel.
      Task* t = as_task(p);
      if (t == t_polling) {
        if (t->policy_ != QueuePolicy::Book) {
          // Its own poll, on this thread (a yield): a note the executor
          // reads when the poll ends, nothing shared written.
          [[maybe_unused]] const auto a = t->state_.transition(TaskState::Op::WakeSelf);
          t->self_woken_ = true;
          t->self_woken_by_ = by;
          return;
        }
        if (t->poll_ref_donatable_) {
          // Woken during its own poll: the executor's reference goes to the queue.
          t->poll_ref_donatable_ = false;
          if (t->channel_->send(t, by) != SendResult::Ok)
            t->poll_ref_donatable_ = true; // not taken: still the executor's
          return;
        }
      }
      t->wake_other(by); // out of line: the yield above stays a leaf
    },
    [](void* p) { as_task(p)->release(); },
    [](void* p) -> TaskId { return as_task(p)->id(); },
    [](void* p) -> RuntimeContext* { return &as_task(p)->runtime(); },
    WakerKind::Task,
};

Task::Task(RuntimeContext& rt, SyncChannel& channel, StringId name, StringId location)
    // Under the notified policies a task is born scheduled: its spawn is its
    // first entry (and a refused spawn destroys it).
    : state_(channel.policy() == QueuePolicy::Book ? 0 : TaskState::kScheduled),
      policy_(channel.policy()),
      id_(rt.next_task_id()),
      waker_id_(rt.next_waker_id()),
      channel_(&channel) {
  // Its sender was claimed by the Spawner that makes it (Spawner::make_task).
  rt.task_born(this);
  rt.waker_born(waker_id_);
  if (rt.logging()) {
    Event e;
    e.kind = EventKind::TaskSpawned;
    e.task = id_;
    e.a = name;
    e.b = location;
    rt.emit(e);
    Event w;
    w.kind = EventKind::WakerCreated;
    w.task = id_;
    w.waker = waker_id_;
    w.a = static_cast<std::uint64_t>(WakerKind::Task);
    rt.emit(w);
  }
}

Task::~Task() = default;

bool Task::poll_once(Context& cx, StringId& suspended_at, bool& failed, bool& poll_ref) {
  Poll<void> r = Pending;
  Task* const outer = t_polling;
  t_polling = this;
  poll_ref_donatable_ = true;
  self_woken_ = false;
  try {
    r = poll_future(cx);
  } catch (...) {
    // A task that throws is finished, like a Rust task that panicked: the
    // executor carries on with the others.
    failed = true;
    r = Ready();
  }
  t_polling = outer;
  poll_ref = poll_ref_donatable_;
  poll_ref_donatable_ = false;
  if (r.is_ready()) {
    drop_future();
    // Always Complete; a wake that raced the final poll is dropped with it.
    [[maybe_unused]] const TaskState::Action a = state_.transition(TaskState::Op::FinishReady);
    return true;
  }
  RuntimeContext& rt = runtime();
  if (rt.logging()) {
    if (const std::source_location* where = future_where()) {
      // Most tasks suspend at the same await poll after poll: remember the
      // last one and skip the string table.
      const auto line = static_cast<std::uint32_t>(where->line());
      if (where->file_name() != where_file_ || line != where_line_) {
        where_file_ = where->file_name();
        where_line_ = line;
        where_id_ = rt.strings().intern_location(*where);
      }
      suspended_at = where_id_;
    }
  }
  return false;
}

void Task::wake_other(WakerId by) {
  if (policy_ != QueuePolicy::Book) {
    wake_notified(by);
    return;
  }
  retain();
  // Receiver gone (runtime shutting down): the wake is lost, as the
  // book's unwrap() would have panicked.
  if (channel_->send(this, by) != SendResult::Ok) release();
}

void Task::wake_notified(WakerId by) {
  // Written before the transition, whose release publishes it to the
  // executor's FinishPending (the Defer case).
  notified_by_.store(by, std::memory_order_relaxed);
  switch (state_.transition(TaskState::Op::Wake)) {
  case TaskState::Action::Submit:
    // The entry gets its own reference. Receiver gone (shutting down): the
    // wake is lost, as under the book.
    retain();
    if (channel_->submit(this, by) != SendResult::Ok) release();
    return;
  case TaskState::Action::Defer:  // being polled: the executor re-queues it
  case TaskState::Action::Ignore: // already queued, or finished
  default: return;
  }
}

void Task::destroy() noexcept {
  RuntimeContext* rt = &runtime();
  if (rt->logging()) {
    Event w;
    w.kind = EventKind::WakerDropped;
    w.task = id_;
    w.waker = waker_id_;
    rt->emit(w);
    Event e;
    e.kind = EventKind::TaskDropped;
    e.task = id_;
    rt->emit(e);
  }
  rt->waker_died(waker_id_);
  rt->task_died(this);
  SyncChannel* channel = channel_;
  delete this;              // destroys the future (if still alive) before the sender goes
  channel->remove_task_sender(); // may destroy the channel: the last thing we do
}

} // namespace pollscope
