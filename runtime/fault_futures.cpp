#include "fault_futures.hpp"

#include "clock.hpp"
#include "runtime_context.hpp"
#include "timer_shared.hpp"
#include "timer_threads.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace pollscope {

namespace {

RuntimeContext& current_runtime(const char* who) {
  RuntimeContext* rt = RuntimeContext::current();
  if (rt == nullptr) throw std::logic_error(std::string(who) + ": poll it inside a task");
  return *rt;
}

} // namespace

// --- DoubleWakeFuture --------------------------------------------------------

Poll<void> DoubleWakeFuture::poll(Context& cx) {
  if (woken_) return Ready();
  woken_ = true;
  // Two owned clones, each woken (and so consumed): two sends of one task.
  Waker first = cx.waker().clone();
  Waker second = cx.waker().clone();
  std::move(first).wake();
  std::move(second).wake();
  return Pending;
}

// --- BlockingPollFuture ------------------------------------------------------

Poll<void> BlockingPollFuture::poll(Context&) {
  RuntimeContext& rt = current_runtime("BlockingPollFuture");
  if (auto* virt = dynamic_cast<VirtualClock*>(&rt.clock())) {
    // Virtual time passes inside the poll, as if it computed for that long:
    // timers due meanwhile fire (their wakes queue tasks), nobody is polled.
    virt->advance_by(static_cast<std::uint64_t>(duration_.count()) * 1'000'000u);
  } else {
    std::this_thread::sleep_for(std::min(duration_, kMaxBlockingPoll));
  }
  return Ready();
}

// --- WakeBeforeStoreFuture ---------------------------------------------------

struct WakeBeforeStoreFuture::Shared {
  std::mutex mutex;
  std::condition_variable fired_or_exited; // the scripted pause waits here (real clock)
  bool completed = false;                  // guarded by mutex
  bool exited = false;                     // guarded by mutex
  Waker waker;                             // guarded by mutex
  TimerId id = 0;
  TaskId task = 0; // the task that made the timer: every timer event names it (schema v2)
  RuntimeContext* rt = nullptr;

  void emit(EventKind kind, WakerId waker_id = 0, std::uint64_t a = 0,
            std::uint8_t flags = 0) const {
    emit_timer_event(*rt, kind, id, task, waker_id, a, flags);
  }
};

namespace {

// The same life as a TimerFuture's thread (same events), so the views and the
// lints read it as the timer it is.
void racy_timer_main(const std::shared_ptr<WakeBeforeStoreFuture::Shared>& s,
                     std::uint64_t deadline) {
  RuntimeContext::set_thread_lane(Lane::Timer, s->id);
  s->emit(EventKind::TimerThreadStarted);
  s->emit(EventKind::TimerThreadWaiting, 0, deadline);
  const bool fired = s->rt->timers().sleep_until(deadline); // false: this runtime is torn down
  Waker taken; // woken or dropped outside the lock
  {
    std::lock_guard lock(s->mutex);
    if (fired) {
      s->completed = true;
      s->emit(EventKind::TimerFired);
    }
    if (!s->waker.empty()) {
      s->emit(EventKind::WakerRemoved, s->waker.id());
      taken = std::move(s->waker);
    }
  }
  if (fired) {
    std::move(taken).wake(); // nothing to wake when the race was lost
  } else {
    taken.reset();
  }
  s->emit(EventKind::TimerThreadExited, 0, 0, fired ? 0 : kFlagCancelled);
  {
    std::lock_guard lock(s->mutex);
    s->exited = true;
  }
  s->fired_or_exited.notify_all();
  RuntimeContext::set_thread_lane(Lane::External);
}

void custodian_main(const std::shared_ptr<WakeBeforeStoreFuture::Shared>& s) {
  RuntimeContext::set_thread_lane(Lane::Timer, s->id);
  // No deadline: it waits for the runtime's teardown only (TimerThreads::cancel
  // sets the flag and wakes the clock's waiters). Not a sleep on the clock, so
  // a virtual clock neither counts it as a parked timer nor moves time for it.
  TimerThreads& timers = s->rt->timers();
  s->rt->clock().wait_until([&timers] { return timers.cancelled(); });
  Waker stranded;
  {
    std::lock_guard lock(s->mutex);
    if (!s->waker.empty()) {
      s->emit(EventKind::WakerRemoved, s->waker.id());
      stranded = std::move(s->waker);
    }
  }
  stranded.reset(); // may free the task (and this future): outside the lock
  RuntimeContext::set_thread_lane(Lane::External);
}

} // namespace

WakeBeforeStoreFuture::WakeBeforeStoreFuture(std::chrono::nanoseconds duration)
    : shared_(std::make_shared<Shared>()) {
  RuntimeContext& rt = current_runtime("WakeBeforeStoreFuture");
  shared_->rt = &rt;
  shared_->id = rt.next_timer_id();
  shared_->task = RuntimeContext::current_task();
  const std::uint64_t d = duration.count() > 0 ? static_cast<std::uint64_t>(duration.count()) : 0;
  deadline_ = rt.clock().now_ns() + d;
  Event e;
  e.kind = EventKind::TimerCreated;
  e.timer = shared_->id;
  e.task = shared_->task;
  e.a = deadline_;
  e.b = d;
  rt.emit(e);
  Sleeper sleeper = rt.clock().register_sleeper(deadline_);
  auto body = [s = shared_, deadline = deadline_] { racy_timer_main(s, deadline); };
  if (!rt.timers().start(shared_->id, std::move(body), std::move(sleeper))) {
    shared_->emit(EventKind::TimerThreadFailed);
    std::lock_guard lock(shared_->mutex);
    shared_->completed = shared_->exited = true;
  }
}

Poll<void> WakeBeforeStoreFuture::poll(Context& cx) {
  Shared& s = *shared_;
  {
    std::lock_guard lock(s.mutex); // the check...
    if (s.completed) return Ready();
  }
  // ...the scripted pause: the timer fires right here, between the check and
  // the store. The virtual clock is moved to the deadline (advance_to returns
  // once the timer thread has fired); on a real clock the poll waits until the
  // timer thread has fired and exited (or the runtime was torn down).
  if (auto* virt = dynamic_cast<VirtualClock*>(&s.rt->clock())) {
    virt->advance_to(deadline_);
  } else {
    std::unique_lock lock(s.mutex);
    s.fired_or_exited.wait(lock, [&] { return s.exited; });
  }
  // ...and the store, as if `completed` were still false: this waker is never woken.
  Waker fresh = cx.waker().clone();
  std::lock_guard lock(s.mutex);
  if (!s.waker.empty()) {
    s.emit(EventKind::WakerRemoved, s.waker.id());
    s.waker.reset();
  }
  s.emit(EventKind::WakerStored, fresh.id());
  s.waker = std::move(fresh);
  if (s.exited && !custodian_) {
    // The stored waker points at this task, which owns this future: a cycle
    // nothing will break (in Rust the task leaks). A custodian thread holds
    // no deadline, waits for the runtime's teardown (its timers cancelled)
    // and drops the waker then, so reset and shutdown still free the task.
    custodian_ = true;
    auto body = [sp = shared_] { custodian_main(sp); };
    if (!s.rt->timers().start(s.id, std::move(body), Sleeper{})) custodian_ = false;
  }
  return Pending;
}

} // namespace pollscope
