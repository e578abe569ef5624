#include "fold/state.hpp"

namespace pollscope::fold {

std::string_view to_string(TaskState s) noexcept {
  switch (s) {
  case TaskState::Spawned: return "spawned";
  case TaskState::Queued: return "queued";
  case TaskState::Polling: return "polling";
  case TaskState::Pending: return "pending";
  case TaskState::Done: return "done";
  case TaskState::Dropped: return "dropped";
  }
  return "unknown";
}

std::string_view describe(TaskState s) noexcept {
  switch (s) {
  case TaskState::Spawned: return "spawned, not yet sent to the run queue";
  case TaskState::Queued: return "in the run queue, waiting for the executor to pop and poll it";
  case TaskState::Polling: return "the executor is calling poll() on its future right now";
  case TaskState::Pending: return "polled, returned Pending; waits for a waker to re-queue it";
  case TaskState::Done: return "its future returned Ready; it will never be polled again";
  case TaskState::Dropped: return "the last reference is gone; its future has been destroyed";
  }
  return "";
}

std::string_view to_string(TimerState s) noexcept {
  switch (s) {
  case TimerState::Created: return "created";
  case TimerState::Waiting: return "waiting";
  case TimerState::Fired: return "fired";
  case TimerState::Exited: return "exited";
  case TimerState::Failed: return "failed";
  }
  return "unknown";
}

std::string_view describe(TimerState s) noexcept {
  switch (s) {
  case TimerState::Created: return "the timer exists; its thread is starting";
  case TimerState::Waiting: return "its thread waits on the clock until the deadline";
  case TimerState::Fired: return "deadline reached: completed = true, the stored waker is woken";
  case TimerState::Exited: return "its thread has finished and been joined";
  case TimerState::Failed: return "no thread could be created; the timer completed at once";
  }
  return "";
}

std::string_view to_string(ExecutorActivity a) noexcept {
  switch (a) {
  case ExecutorActivity::Idle: return "idle";
  case ExecutorActivity::Waiting: return "waiting on the queue";
  case ExecutorActivity::Polling: return "polling";
  case ExecutorActivity::Paused: return "paused";
  case ExecutorActivity::Stepping: return "waiting for a step";
  case ExecutorActivity::Blocked: return "blocked sending to a full queue";
  case ExecutorActivity::Done: return "done";
  }
  return "unknown";
}

std::string_view describe(ExecutorActivity a) noexcept {
  switch (a) {
  case ExecutorActivity::Idle: return "the executor is between polls";
  case ExecutorActivity::Waiting:
    return "the run queue is empty; the executor blocks in recv until a task is sent";
  case ExecutorActivity::Polling: return "the executor is inside a task's poll()";
  case ExecutorActivity::Paused: return "the controller has paused the executor; nothing is polled";
  case ExecutorActivity::Stepping: return "step mode: the executor polls exactly one task per Step";
  case ExecutorActivity::Blocked:
    return "the executor thread is sending a task into a full queue and waits for room";
  case ExecutorActivity::Done: return "run() returned: every sender is gone and the queue is empty";
  }
  return "";
}

std::string_view to_string(FlowStep s) noexcept {
  switch (s) {
  case FlowStep::None: return "nothing yet";
  case FlowStep::Spawned: return "spawned";
  case FlowStep::Queued: return "queued";
  case FlowStep::Popped: return "popped";
  case FlowStep::PollStarted: return "polling";
  case FlowStep::WakerStored: return "waker stored";
  case FlowStep::PolledPending: return "polled: Pending";
  case FlowStep::TimerWaiting: return "timer waiting";
  case FlowStep::TimerFired: return "timer fired";
  case FlowStep::WakerTaken: return "waker taken";
  case FlowStep::Woken: return "woken";
  case FlowStep::QueuedAgain: return "queued again";
  case FlowStep::PolledReady: return "polled: Ready";
  case FlowStep::Completed: return "completed";
  case FlowStep::Dropped: return "dropped";
  case FlowStep::SendBlocked: return "send blocked";
  case FlowStep::ExecutorDone: return "executor done";
  case FlowStep::SpawnRefused: return "spawn refused";
  case FlowStep::PoppedFinished: return "popped, already done";
  }
  return "unknown";
}

std::string_view to_string(WakerHolder h) noexcept {
  switch (h) {
  case WakerHolder::None: return "none";
  case WakerHolder::ExecutorContext: return "executor context";
  case WakerHolder::Timer: return "timer";
  case WakerHolder::User: return "user";
  }
  return "unknown";
}

std::string_view describe(WakerHolder h) noexcept {
  switch (h) {
  case WakerHolder::None:
    return "nobody stores it: a clone in flight, one being woken, or it is gone";
  case WakerHolder::ExecutorContext:
    return "the task's own waker: it lives as long as the task, and each poll's Context borrows it";
  case WakerHolder::Timer:
    return "a TimerFuture stored it; the timer thread wakes it at the deadline";
  case WakerHolder::User: return "held outside the runtime (a manual or counting waker)";
  }
  return "";
}

} // namespace pollscope::fold
