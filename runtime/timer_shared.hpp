// TimerFuture::Shared: one timer's state shared by its future (polled on the
// executor thread) and whoever fires it — its own thread (thread-per-timer)
// or the runtime's TimerDriver (timer-thread). Both fire it through `fire`,
// so the two policies take the same steps and write the same events.
//
// Threading contract: {completed, waker} are guarded by `mutex`; `id`, `task`
// and `rt` are fixed at construction. `fire` is called once, by the one
// thread that serves the timer.
#pragma once

#include "runtime_context.hpp"
#include "timer_future.hpp"

#include <mutex>

namespace pollscope {

// One timer event, as every timer writes it (TimerFuture and the fault
// scenarios' timers alike): it names the timer and the task that made it.
inline void emit_timer_event(RuntimeContext& rt, EventKind kind, TimerId timer, TaskId task,
                             WakerId waker_id = 0, std::uint64_t a = 0, std::uint8_t flags = 0) {
  Event e;
  e.kind = kind;
  e.timer = timer;
  e.task = task;
  e.waker = waker_id;
  e.a = a;
  e.flags = flags;
  rt.emit(e);
}

struct TimerFuture::Shared {
  std::mutex mutex;
  bool completed = false; // guarded by mutex
  Waker waker;            // guarded by mutex; the registered waker, if any
  TimerId id = 0;
  TaskId task = 0; // the task that made the timer: every timer event names it
  RuntimeContext* rt = nullptr;

  void emit(EventKind kind, WakerId waker_id = 0, std::uint64_t a = 0,
            std::uint8_t flags = 0) const {
    emit_timer_event(*rt, kind, id, task, waker_id, a, flags);
  }
  void emit_lock_wait(EventKind kind) const {
    Event e;
    e.kind = kind;
    e.timer = id;
    e.task = RuntimeContext::current_task();
    rt->emit(e);
  }

  // The deadline was reached (`fired`: complete the timer, take its waker
  // and wake it under the lock, as the book does) or the runtime is torn
  // down (take the waker and drop it outside the lock: it may free the task).
  // Then logs that the serving thread is done with this timer.
  void fire(bool fired) {
    Waker orphan;
    {
      std::lock_guard lock(mutex);
      if (fired) {
        completed = true;
        emit(EventKind::TimerFired);
      }
      if (!waker.empty()) {
        emit(EventKind::WakerRemoved, waker.id());
        Waker w = std::move(waker);
        if (fired) {
          std::move(w).wake(); // the book: waker.wake() while holding the lock
        } else {
          orphan = std::move(w);
        }
      }
    }
    orphan.reset();
    emit(EventKind::TimerThreadExited, 0, 0, fired ? 0 : kFlagCancelled);
  }
};

} // namespace pollscope
