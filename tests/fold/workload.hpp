// Workload: a seeded random generator of plausible runtime logs, with its own
// model of what the runtime looks like after each action (the "truth" the
// fold must agree with). It plays the book's executor: spawns, steps that pop
// and poll one task (Ready, Pending on a timer, or yield: wake_by_ref and
// re-queue), timers that fire and wake, extra wakes that queue a task twice,
// senders blocked on a full queue, pushes logged out of ticket order, mode
// changes, and whole-runtime resets.
#pragma once

#include "script.hpp"

#include <deque>
#include <map>
#include <random>
#include <vector>

namespace pollscope::fold::test {

struct ModelTask {
  bool completed = false;
  bool dropped = false;
  bool polled = false;
  std::uint32_t entries = 0;
  TimerId timer = 0; // its live timer thread, if any
};
struct ModelTimer {
  TaskId task = 0;
  WakerId stored = 0;
  bool live = true; // thread running
};

class Workload {
public:
  explicit Workload(std::uint32_t seed, std::uint64_t capacity = 8)
      : rng_(seed), capacity_(capacity) {
    s.started(capacity_);
  }

  Script s;
  // The truth, this runtime.
  std::deque<std::pair<TaskId, std::uint64_t>> queue; // (task, ticket) in channel order
  std::map<TaskId, ModelTask> tasks;
  std::map<TimerId, ModelTimer> timers;
  std::map<WakerId, TaskId> live_wakers;

  // One random action; the log is quiescent (fully consistent) after it.
  void step() {
    s.advance(pick(1, 5'000'000));
    switch (pick(0, 11)) {
    case 0:
    case 1:
    case 2: spawn(); break;
    case 3:
    case 4:
    case 5:
    case 6: poll_one(); break;
    case 7:
    case 8: fire_timer(); break;
    case 9: extra_wake(); break;
    case 10: control(); break;
    case 11:
      if (pick(0, 20) == 0)
        reset();
      else
        spawn_racing_pair();
      break;
    }
  }

private:
  std::uint64_t pick(std::uint64_t lo, std::uint64_t hi) {
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng_);
  }

  void push(TaskId t, WakerId by, Lane lane) {
    const std::uint64_t ticket = ticket_++;
    queue.emplace_back(t, ticket);
    ++tasks[t].entries;
    s.push(t, ticket, queue.size(), by, lane);
  }

  void spawn() {
    TaskId t = next_task_++;
    tasks[t] = {};
    s.spawn(t, t % 7, 100 + t % 3);
    if (queue.size() >= capacity_) {
      // The spawner blocks until a slot frees; model the executor freeing one.
      s.blocked(t, Lane::External);
      while (queue.size() >= capacity_) poll_one();
      s.unblocked(t, Lane::External);
    }
    push(t, 0, Lane::External);
  }

  void spawn_racing_pair() {
    if (queue.size() + 2 > capacity_) return;
    TaskId a = next_task_++, b = next_task_++;
    tasks[a] = {};
    tasks[b] = {};
    s.spawn(a);
    s.spawn(b);
    // b took the later ticket but logged first.
    const std::uint64_t ta = ticket_++, tb = ticket_++;
    queue.emplace_back(a, ta);
    queue.emplace_back(b, tb);
    ++tasks[a].entries;
    ++tasks[b].entries;
    s.push(b, tb, queue.size(), 0);
    s.push(a, ta, queue.size(), 0);
  }

  void poll_one() {
    if (queue.empty()) {
      s.waiting();
      return;
    }
    auto [t, ticket] = queue.front();
    queue.pop_front();
    ModelTask& m = tasks[t];
    --m.entries;
    s.pop(t, ticket, queue.size());
    if (m.completed) { // a stale entry: the book skips a finished task
      maybe_drop(t);
      return;
    }
    s.poll_begin(t);
    m.polled = true;
    const WakerId ctx = next_waker_++;
    s.waker_created(ctx, t);
    live_wakers[ctx] = t;
    const auto outcome = pick(0, 3);
    if (outcome == 0) {
      s.poll_end(t, true);
      drop_waker(ctx);
      s.completed(t);
      m.completed = true;
      maybe_drop(t);
    } else if (outcome == 1 && queue.size() < capacity_) { // yield_now
      s.woken(ctx, t, true);
      push(t, ctx, Lane::Executor);
      s.poll_end(t, false);
      drop_waker(ctx);
    } else { // await a timer: make one, or refresh its stored waker
      if (m.timer == 0) {
        m.timer = next_timer_++;
        timers[m.timer] = ModelTimer{t, 0, true};
        s.timer_created(m.timer, t, pick(1, 1'000'000'000));
        s.timer_event(EventKind::TimerThreadStarted, m.timer);
      }
      ModelTimer& tm = timers[m.timer];
      const WakerId clone = next_waker_++;
      s.waker_cloned(clone, t, ctx);
      live_wakers[clone] = t;
      s.waker_stored(clone, m.timer);
      if (tm.stored != 0) drop_waker(tm.stored);
      tm.stored = clone;
      s.poll_end(t, false, 1000, 200);
      drop_waker(ctx);
      s.timer_event(EventKind::TimerThreadWaiting, m.timer, s.now);
    }
  }

  void fire_timer() {
    for (auto& [id, tm] : timers) {
      if (!tm.live || queue.size() >= capacity_) continue;
      s.timer_event(EventKind::TimerFired, id);
      const WakerId w = tm.stored;
      tm.stored = 0;
      s.waker_removed(w, id);
      s.woken(w, tm.task, false, id); // consumes it
      live_wakers.erase(w);
      push(tm.task, w, Lane::Timer);
      s.timer_event(EventKind::TimerThreadExited, id);
      tm.live = false;
      tasks[tm.task].timer = 0;
      return;
    }
  }

  // wake_by_ref on a stored waker while its task may already be queued: the
  // book's executor queues it a second time.
  void extra_wake() {
    for (auto& [id, tm] : timers) {
      if (!tm.live || tm.stored == 0 || queue.size() >= capacity_) continue;
      s.woken(tm.stored, tm.task, true, id);
      push(tm.task, tm.stored, Lane::Timer);
      return;
    }
  }

  void control() {
    switch (pick(0, 3)) {
    case 0: s.mode(static_cast<ExecutorMode>(pick(0, 3))); break;
    case 1: s.steps(pick(0, 3)); break;
    case 2: s.emit(EventKind::TrySendFull, next_task_); break;
    case 3: s.output(pick(0, next_task_ - 1), 1); break;
    }
  }

  void reset() {
    // Every timer thread is cancelled and joined, every task dropped.
    for (auto& [id, tm] : timers)
      if (tm.live) s.timer_event(EventKind::TimerThreadExited, id, 0, kFlagCancelled);
    s.emit(EventKind::RuntimeReset);
    s.started(capacity_);
    queue.clear();
    tasks.clear();
    timers.clear();
    live_wakers.clear();
    next_task_ = next_waker_ = next_timer_ = 1;
    ticket_ = 0;
  }

  void drop_waker(WakerId w) {
    s.waker_dropped(w, live_wakers[w]);
    live_wakers.erase(w);
  }

  void maybe_drop(TaskId t) {
    ModelTask& m = tasks[t];
    // Queue entries and a timer's stored waker keep the task alive.
    if (m.dropped || m.entries > 0 || (m.timer != 0 && timers[m.timer].stored != 0)) return;
    m.dropped = true;
    s.dropped(t);
  }

  std::mt19937 rng_;
  std::uint64_t capacity_;
  TaskId next_task_ = 1;
  WakerId next_waker_ = 1;
  TimerId next_timer_ = 1;
  std::uint64_t ticket_ = 0;
};

} // namespace pollscope::fold::test
