#include "timer_future.hpp"

#include "delivery_gate.hpp"
#include "runtime_context.hpp"
#include "task_memory.hpp"
#include "timer_driver.hpp"
#include "timer_shared.hpp"
#include "timer_threads.hpp"

#include <stdexcept>

namespace pollscope {

namespace {

RuntimeContext& current_runtime() {
  RuntimeContext* rt = RuntimeContext::current();
  if (rt == nullptr)
    throw std::logic_error("TimerFuture: create it inside a task, or pass a RuntimeContext");
  return *rt;
}

// Shared blocks come from task_memory, like the tasks and frames that own
// the timers: made on the executor thread and mostly freed there, a timer
// costs no malloc (10,000 timers armed in a row paid for glibc's arena).
template <class T>
struct TimerMemory {
  using value_type = T;
  TimerMemory() = default;
  template <class U>
  TimerMemory(const TimerMemory<U>&) noexcept {} // NOLINT: rebinding, as allocators do
  T* allocate(std::size_t n) { return static_cast<T*>(task_memory::allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { task_memory::deallocate(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const TimerMemory<U>&) const noexcept {
    return true;
  }
};

// The timer thread's whole life.
void timer_thread_main(const std::shared_ptr<TimerFuture::Shared>& s, std::uint64_t deadline);

} // namespace

TimerFuture::TimerFuture(std::chrono::nanoseconds duration)
    : TimerFuture(current_runtime(), duration) {}

TimerFuture::TimerFuture(RuntimeContext& rt, std::chrono::nanoseconds duration)
    : shared_(std::allocate_shared<Shared>(TimerMemory<Shared>{})) {
  shared_->rt = &rt;
  shared_->id = rt.next_timer_id();
  shared_->task = RuntimeContext::current_task();
  const std::uint64_t d = duration.count() > 0 ? static_cast<std::uint64_t>(duration.count()) : 0;
  const std::uint64_t deadline = rt.clock().now_ns() + d;
  {
    Event e;
    e.kind = EventKind::TimerCreated;
    e.timer = shared_->id;
    e.task = shared_->task;
    e.a = deadline;
    e.b = d;
    rt.emit(e);
  }
  // Registered here, before the thread exists, so a virtual clock cannot
  // advance past this deadline without waiting for the thread to fire. A
  // real clock never waits for sleepers (only VirtualClock's advance_to and
  // wait_all_parked count them): no registration, which costs a lock and two
  // tree nodes per timer, and as much again to release.
  Sleeper sleeper =
      rt.clock().kind() == ClockKind::Virtual ? rt.clock().register_sleeper(deadline) : Sleeper{};
  bool started = false;
  if (rt.timer_policy() == TimerPolicy::TimerThread) {
    started = rt.timer_driver().arm(shared_, deadline, std::move(sleeper));
  } else {
    auto body = [s = shared_, deadline] { timer_thread_main(s, deadline); };
    started = rt.timers().start(shared_->id, std::move(body), std::move(sleeper));
  }
  if (!started) {
    shared_->emit(EventKind::TimerThreadFailed);
    std::lock_guard lock(shared_->mutex);
    shared_->completed = true; // carry on without a thread rather than hang
  }
}

TimerId TimerFuture::id() const noexcept { return shared_->id; }

Poll<void> TimerFuture::poll(Context& cx) {
  // try_lock first: when the timer thread holds the lock (firing, or blocked
  // waking into a full queue) the wait is logged, so a wait-for cycle
  // executor -> this lock -> full queue -> executor shows in the log.
  std::unique_lock lock(shared_->mutex, std::try_to_lock);
  if (!lock.owns_lock()) {
    shared_->emit_lock_wait(EventKind::LockWaitBegin);
    lock.lock();
    shared_->emit_lock_wait(EventKind::LockWaitEnd);
  }
  if (shared_->completed) return Ready();
  // As in the book: store a clone of the current waker on every Pending poll,
  // replacing (and dropping) the one stored before.
  Waker fresh = cx.waker().clone();
  if (!shared_->waker.empty()) {
    shared_->emit(EventKind::WakerRemoved, shared_->waker.id());
    shared_->waker.reset();
  }
  shared_->emit(EventKind::WakerStored, fresh.id());
  shared_->waker = std::move(fresh);
  return Pending;
}

namespace {

void timer_thread_main(const std::shared_ptr<TimerFuture::Shared>& s, std::uint64_t deadline) {
  RuntimeContext::set_thread_lane(Lane::Timer, s->id);
  s->emit(EventKind::TimerThreadStarted);
  s->emit(EventKind::TimerThreadWaiting, 0, deadline);
  TimerThreads& timers = s->rt->timers();
  bool fired = timers.sleep_until(deadline);
  DeliveryGate& gate = s->rt->gate();
  if (fired && gate.enabled()) {
    // Due, not delivered: the wake waits for its turn in the order the user
    // (or --deliver) chose. Waits like a thread with no deadline: neither
    // parked nor a sleeper the clock advances for; the clock counts it held.
    gate.hold(s->id, s->task, deadline);
    (void)timers.sleep_until(
        Clock::kNoDeadline, [&] { return gate.head() == s->id; }, 0);
    fired = !timers.cancelled() && gate.head() == s->id;
    if (!fired) gate.forget(s->id); // torn down while held
  }
  s->fire(fired);
  if (fired && gate.enabled()) gate.delivered(s->id);
  // TimerThreads releases the sleeper after this returns: a virtual clock's
  // advance_to then returns with the woken task already queued.
  RuntimeContext::set_thread_lane(Lane::External);
}

} // namespace

} // namespace pollscope
