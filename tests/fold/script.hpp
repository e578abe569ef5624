// Script: writes hand-built event sequences for the fold tests, one call per
// runtime step, applying each event to a live Fold as it goes and keeping the
// log (so prefix / suffix rebuilds can replay it).
#pragma once

#include "fold/fold.hpp"
#include "runtime/event.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

namespace pollscope::fold::test {

class Script {
public:
  Fold fold;
  std::vector<Event> log;
  std::uint64_t now = 0;

  [[nodiscard]] const FoldState& state() const { return fold.state(); }
  void advance(std::uint64_t ns) { now += ns; }

  const Event& emit(Event e) {
    e.t = now;
    log.push_back(e);
    fold.apply(e);
    return log.back();
  }
  const Event& emit(EventKind kind, TaskId task = 0, std::uint64_t a = 0, std::uint64_t b = 0) {
    Event e;
    e.kind = kind;
    e.task = task;
    e.a = a;
    e.b = b;
    return emit(e);
  }

  // --- lifecycle and executor ---
  void started(std::uint64_t capacity = 10000, bool virtual_clock = true) {
    emit(EventKind::RuntimeStarted, 0, capacity, virtual_clock ? 1 : 0);
  }
  void mode(ExecutorMode m) { emit(EventKind::ExecutorMode, 0, static_cast<std::uint64_t>(m)); }
  void steps(std::uint64_t owed) { emit(EventKind::StepRequested, 0, owed); }
  void waiting() { emit(EventKind::ExecutorWaiting); }
  void poll_begin(TaskId task) { emit(exec(EventKind::PollBegin, task)); }
  void poll_end(TaskId task, bool ready, std::uint64_t duration = 1000, StringId at = 0) {
    Event e = exec(EventKind::PollEnd, task);
    e.flags = ready ? kFlagReady : 0;
    e.a = duration;
    e.b = at;
    emit(e);
  }

  // --- tasks and queue ---
  void spawn(TaskId task, StringId name = 0, StringId location = 0) {
    emit(EventKind::TaskSpawned, task, name, location);
  }
  void push(TaskId task, std::uint64_t ticket, std::uint64_t len, WakerId by = 0,
            Lane lane = Lane::External) {
    Event e;
    e.kind = EventKind::QueuePush;
    e.task = task;
    e.waker = by;
    e.lane = lane;
    e.a = ticket;
    e.b = len;
    emit(e);
  }
  void pop(TaskId task, std::uint64_t ticket, std::uint64_t len) {
    Event e = exec(EventKind::QueuePop, task);
    e.a = ticket;
    e.b = len;
    emit(e);
  }
  void completed(TaskId task, bool failed = false) {
    Event e = exec(EventKind::TaskCompleted, task);
    e.flags = failed ? kFlagFailed : 0;
    emit(e);
  }
  void dropped(TaskId task) { emit(exec(EventKind::TaskDropped, task)); }
  void blocked(TaskId task, Lane lane) {
    Event e;
    e.kind = EventKind::SendBlocked;
    e.task = task;
    e.lane = lane;
    emit(e);
  }
  void unblocked(TaskId task, Lane lane) {
    Event e;
    e.kind = EventKind::SendUnblocked;
    e.task = task;
    e.lane = lane;
    emit(e);
  }

  // --- wakers ---
  void waker_created(WakerId w, TaskId task, WakerKind kind = WakerKind::Task) {
    Event e = exec(EventKind::WakerCreated, task);
    e.waker = w;
    e.a = static_cast<std::uint64_t>(kind);
    emit(e);
  }
  void waker_cloned(WakerId w, TaskId task, WakerId from) {
    Event e = exec(EventKind::WakerCloned, task);
    e.waker = w;
    e.b = from;
    emit(e);
  }
  void waker_stored(WakerId w, TimerId timer) {
    emit(waker_timer(EventKind::WakerStored, w, timer));
  }
  void waker_removed(WakerId w, TimerId timer) {
    emit(waker_timer(EventKind::WakerRemoved, w, timer));
  }
  // From a timer thread (timer != 0) the event names that thread's timer, as
  // the runtime's timer lane does.
  void woken(WakerId w, TaskId task, bool by_ref = false, TimerId timer = 0) {
    Event e;
    e.kind = EventKind::WakerWoken;
    e.waker = w;
    e.task = task;
    e.flags = by_ref ? kFlagByRef : 0;
    e.timer = timer;
    e.lane = timer != 0 ? Lane::Timer : Lane::External;
    emit(e);
  }
  void waker_dropped(WakerId w, TaskId task) {
    Event e;
    e.kind = EventKind::WakerDropped;
    e.waker = w;
    e.task = task;
    emit(e);
  }

  // --- timers ---
  void timer_created(TimerId timer, TaskId task, std::uint64_t duration) {
    Event e = exec(EventKind::TimerCreated, task);
    e.timer = timer;
    e.a = now + duration;
    e.b = duration;
    emit(e);
  }
  void timer_event(EventKind kind, TimerId timer, std::uint64_t a = 0, std::uint8_t flags = 0) {
    Event e;
    e.kind = kind;
    e.timer = timer;
    e.lane = Lane::Timer;
    e.a = a;
    e.flags = flags;
    emit(e);
  }
  void output(TaskId task, StringId text) {
    Event e = exec(EventKind::Output, task);
    e.a = text;
    emit(e);
  }

private:
  static Event exec(EventKind kind, TaskId task) {
    Event e;
    e.kind = kind;
    e.task = task;
    e.lane = Lane::Executor;
    return e;
  }
  static Event waker_timer(EventKind kind, WakerId w, TimerId timer) {
    Event e;
    e.kind = kind;
    e.waker = w;
    e.timer = timer;
    e.lane = Lane::Timer;
    return e;
  }
};

// Lookups that fail the test (not crash it) when the fold lacks the object.
inline constexpr std::uint64_t kMs = 1'000'000;
inline constexpr std::uint64_t kSec = 1'000 * kMs;

inline const TaskView& task_of(const Script& s, TaskId id) {
  const TaskView* v = s.state().tasks.find(id);
  REQUIRE(v != nullptr);
  return *v;
}
inline const WakerView& waker_of(const Script& s, WakerId id) {
  const WakerView* v = s.state().wakers.find(id);
  REQUIRE(v != nullptr);
  return *v;
}
inline const TimerView& timer_of(const Script& s, TimerId id) {
  const TimerView* v = s.state().timers.find(id);
  REQUIRE(v != nullptr);
  return *v;
}

} // namespace pollscope::fold::test
