#include "event.hpp"

namespace pollscope {

std::string_view to_string(EventKind k) noexcept {
  switch (k) {
  case EventKind::RuntimeStarted: return "runtime_started";
  case EventKind::RuntimeReset: return "runtime_reset";
  case EventKind::ChannelClosed: return "channel_closed";
  case EventKind::ThreadNamed: return "thread_named";
  case EventKind::TaskSpawned: return "task_spawned";
  case EventKind::TaskCompleted: return "task_completed";
  case EventKind::TaskDropped: return "task_dropped";
  case EventKind::QueuePush: return "queue_push";
  case EventKind::QueuePop: return "queue_pop";
  case EventKind::SendBlocked: return "send_blocked";
  case EventKind::SendUnblocked: return "send_unblocked";
  case EventKind::TrySendFull: return "try_send_full";
  case EventKind::ExecutorWaiting: return "executor_waiting";
  case EventKind::ExecutorMode: return "executor_mode";
  case EventKind::StepRequested: return "step_requested";
  case EventKind::PollBegin: return "poll_begin";
  case EventKind::PollEnd: return "poll_end";
  case EventKind::ExecutorDone: return "executor_done";
  case EventKind::WakerCreated: return "waker_created";
  case EventKind::WakerCloned: return "waker_cloned";
  case EventKind::WakerWoken: return "waker_woken";
  case EventKind::WakerDropped: return "waker_dropped";
  case EventKind::WakerStored: return "waker_stored";
  case EventKind::WakerRemoved: return "waker_removed";
  case EventKind::TimerCreated: return "timer_created";
  case EventKind::TimerThreadStarted: return "timer_thread_started";
  case EventKind::TimerThreadWaiting: return "timer_thread_waiting";
  case EventKind::TimerFired: return "timer_fired";
  case EventKind::TimerThreadExited: return "timer_thread_exited";
  case EventKind::TimerThreadFailed: return "timer_thread_failed";
  case EventKind::Output: return "output";
  case EventKind::LockWaitBegin: return "lock_wait_begin";
  case EventKind::LockWaitEnd: return "lock_wait_end";
  case EventKind::RuntimeAbandoned: return "runtime_abandoned";
  case EventKind::TimerDue: return "timer_due";
  case EventKind::Count: break;
  }
  return "unknown";
}

std::string_view to_string(Lane l) noexcept {
  switch (l) {
  case Lane::Executor: return "executor";
  case Lane::Control: return "control";
  case Lane::External: return "external";
  case Lane::Timer: return "timer";
  }
  return "unknown";
}

std::string_view to_string(WakerKind k) noexcept {
  switch (k) {
  case WakerKind::Task: return "task";
  case WakerKind::Counting: return "counting";
  case WakerKind::Manual: return "manual";
  }
  return "unknown";
}

std::string_view to_string(ExecutorMode m) noexcept {
  switch (m) {
  case ExecutorMode::Run: return "run";
  case ExecutorMode::Pause: return "pause";
  case ExecutorMode::Step: return "step";
  case ExecutorMode::Throttle: return "throttle";
  }
  return "unknown";
}

} // namespace pollscope
