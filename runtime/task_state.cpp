#include "task_state.hpp"

namespace pollscope {

std::string TaskState::describe(Word s) {
  std::string out;
  const auto add = [&](Word bit, const char* name) {
    if ((s & bit) == 0) return;
    if (!out.empty()) out += '|';
    out += name;
  };
  add(kScheduled, "scheduled");
  add(kRunning, "running");
  add(kCompleted, "completed");
  return out.empty() ? "idle" : out;
}

const char* to_string(TaskState::Op op) noexcept {
  switch (op) {
  case TaskState::Op::Wake: return "wake";
  case TaskState::Op::WakeSelf: return "wake_self";
  case TaskState::Op::Start: return "start";
  case TaskState::Op::FinishPending: return "finish_pending";
  case TaskState::Op::FinishPendingWoken: return "finish_pending_woken";
  case TaskState::Op::FinishReady: return "finish_ready";
  }
  return "?";
}

const char* to_string(TaskState::Action a) noexcept {
  switch (a) {
  case TaskState::Action::Ignore: return "ignore";
  case TaskState::Action::Defer: return "defer";
  case TaskState::Action::Submit: return "submit";
  case TaskState::Action::Discard: return "discard";
  case TaskState::Action::Poll: return "poll";
  case TaskState::Action::Resubmit: return "resubmit";
  case TaskState::Action::Idle: return "idle";
  case TaskState::Action::Complete: return "complete";
  }
  return "?";
}

} // namespace pollscope
