#include "timer_driver.hpp"

#include "delivery_gate.hpp"
#include "runtime_context.hpp"
#include "timer_shared.hpp"
#include "timer_threads.hpp"

#include <algorithm>
#include <unordered_map>

namespace pollscope {

namespace {
// A heap entry: small and trivially movable, so the heap's sifts move 16
// bytes, not a timer's shared_ptr and Sleeper (out-of-line moves: 10,000
// timers cost ~140,000 of them). The timer itself waits in `slots`.
struct Entry {
  std::uint64_t deadline;
  TimerId id;
  std::uint32_t slot;
};
// Min-heap order for std::push_heap/pop_heap: the earliest deadline (then
// the lowest id, so equal deadlines fire in arming order) on top.
struct Later {
  bool operator()(const Entry& x, const Entry& y) const {
    return x.deadline != y.deadline ? x.deadline > y.deadline : x.id > y.id;
  }
};
} // namespace

bool TimerDriver::arm(std::shared_ptr<TimerFuture::Shared> timer, std::uint64_t deadline,
                      Sleeper sleeper) {
  Armed a{deadline, std::move(timer), std::move(sleeper)};
  std::unique_lock lock(mutex_);
  if (failed_) return false;
  if (stopped_ || rt_.timers().cancelled()) {
    // Torn down already (a poll that was still running armed it): it exits
    // at once, as a timer thread started after a cancel would.
    lock.unlock();
    a.timer->emit(EventKind::TimerThreadStarted);
    exit_cancelled(a);
    return true;
  }
  inbox_.push_back(std::move(a));
  has_inbox_.store(true, std::memory_order_seq_cst); // see sleeping_until_
  if (!started_) {
    started_ = true;
    if (!rt_.timers().start(
            0, [this] { run(); }, Sleeper{})) {
      failed_ = true;
      // Nothing serves the inbox: every timer in it completes now (only the
      // one just armed can be there: the thread is started at the first arm).
      inbox_.pop_back();
      return false;
    }
    return true;
  }
  lock.unlock();
  // The driver takes it at its next wake. Woken now only if it would
  // otherwise sleep past this deadline; a virtual clock always wakes it, so
  // that it parks again standing for this timer too (wait_all_parked counts
  // on it).
  if (rt_.clock().kind() == ClockKind::Virtual ||
      deadline < sleeping_until_.load(std::memory_order_seq_cst))
    rt_.clock().wake_sleepers();
  return true;
}

void TimerDriver::exit_cancelled(Armed& a) {
  a.timer->fire(false);
  a.sleeper.release();
}

void TimerDriver::run() {
  RuntimeContext::set_thread_lane(Lane::Timer); // one row: "timer driver"
  TimerThreads& timers = rt_.timers();
  DeliveryGate& gate = rt_.gate();
  const bool gated = gate.enabled();
  std::vector<Entry> heap;                 // min-heap by deadline (Later)
  std::vector<Armed> slots;                // the timers the heap's entries name
  std::vector<std::uint32_t> free_slots;   // slots no entry names
  std::unordered_map<TimerId, Armed> held; // due, their wakes held by the gate
  std::vector<Armed> taken;
  std::vector<Armed> due;
  for (;;) {
    // 1. Take what was armed since the last look.
    if (has_inbox_.load(std::memory_order_acquire)) {
      {
        std::lock_guard lock(mutex_);
        taken.swap(inbox_);
        has_inbox_.store(false, std::memory_order_relaxed);
      }
      for (Armed& a : taken) {
        a.timer->emit(EventKind::TimerThreadStarted);
        a.timer->emit(EventKind::TimerThreadWaiting, 0, a.deadline);
        Entry e{a.deadline, a.timer->id, 0};
        if (free_slots.empty()) {
          e.slot = static_cast<std::uint32_t>(slots.size());
          slots.push_back(std::move(a));
        } else {
          e.slot = free_slots.back();
          free_slots.pop_back();
          slots[e.slot] = std::move(a);
        }
        heap.push_back(e);
        std::push_heap(heap.begin(), heap.end(), Later{});
      }
      taken.clear();
    }
    if (timers.cancelled()) break;
    // 2. Deliver released wakes, one at a time in the gate's order.
    if (gated) {
      for (TimerId id = gate.head(); id != 0 && held.count(id) != 0; id = gate.head()) {
        Armed a = std::move(held.at(id));
        held.erase(id);
        a.timer->fire(true);
        gate.delivered(id);
        a.sleeper.release();
      }
    }
    // 3. Fire (or hold) every timer that is due.
    const std::uint64_t now = rt_.clock().now_ns();
    while (!heap.empty() && heap.front().deadline <= now) {
      std::pop_heap(heap.begin(), heap.end(), Later{});
      const std::uint32_t slot = heap.back().slot;
      heap.pop_back();
      due.push_back(std::move(slots[slot]));
      free_slots.push_back(slot);
    }
    for (std::size_t i = 0; i < due.size(); ++i) {
      Armed& a = due[i];
      if (gated) {
        gate.hold(a.timer->id, a.timer->task, a.deadline);
        const TimerId id = a.timer->id;
        held.emplace(id, std::move(a));
      } else {
        // A wake that blocks on a full queue holds up the rest of the batch:
        // the clock counts them with it (see Clock::due_behind).
        if (due.size() > 1) rt_.clock().due_behind(due.size() - i - 1);
        a.timer->fire(true);
        a.sleeper.release(); // advance_to returns once every due timer has gone
      }
    }
    if (due.size() > 1 && !gated) rt_.clock().due_behind(0);
    due.clear();
    // 4. Sleep until the earliest deadline, a new arm, a released wake of
    // ours, or cancellation. Parked, the driver stands for every timer in
    // its heap (held ones the clock counts as held).
    const std::uint64_t until = heap.empty() ? Clock::kNoDeadline : heap.front().deadline;
    sleeping_until_.store(until, std::memory_order_seq_cst); // see the header

    (void)timers.sleep_until(
        until,
        [&] {
          if (has_inbox_.load(std::memory_order_seq_cst)) return true;
          if (!gated || held.empty()) return false;
          const TimerId h = gate.head();
          return h != 0 && held.count(h) != 0;
        },
        heap.size());
  }
  // Cancelled: every timer still served exits, dropping its waker.
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    taken.swap(inbox_);
    has_inbox_.store(false, std::memory_order_relaxed);
  }
  for (Armed& a : taken) {
    a.timer->emit(EventKind::TimerThreadStarted);
    exit_cancelled(a);
  }
  for (const Entry& e : heap) exit_cancelled(slots[e.slot]);
  for (auto& [id, a] : held) {
    gate.forget(id);
    exit_cancelled(a);
  }
  RuntimeContext::set_thread_lane(Lane::External);
}

} // namespace pollscope
