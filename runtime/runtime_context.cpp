#include "runtime_context.hpp"

#include "timer_threads.hpp"

#include <algorithm>

namespace pollscope {
namespace {

struct ThreadState {
  RuntimeContext* rt = nullptr;
  TaskId task = 0;
  const RuntimeContext* stamp_rt = nullptr; // whose events get `stamp`
  std::uint64_t stamp = 0;
  bool has_stamp = false;
  Lane lane = Lane::External;
  TimerId timer = 0;
};
thread_local ThreadState t_state;

} // namespace

RuntimeContext::RuntimeContext(Options options)
    : clock_(options.clock),
      strings_(options.strings),
      log_(options.log),
      introspection_(options.introspection),
      timers_(std::make_unique<TimerThreads>(*this)) {}

RuntimeContext::~RuntimeContext() { timers_->shutdown(); }

void RuntimeContext::emit_slow(Event e) const noexcept {
  const ThreadState& ts = t_state;
  e.t = ts.has_stamp && ts.stamp_rt == this ? ts.stamp : clock_->now_ns();
  emit_stamped(e);
}

void RuntimeContext::emit_stamped(Event e) const noexcept {
  const ThreadState& ts = t_state;
  e.lane = ts.lane;
  if (e.lane == Lane::Timer && e.timer == 0) e.timer = ts.timer;
  log_->append(e);
}

void RuntimeContext::waker_born(WakerId id) {
  if (!introspection_) return;
  std::lock_guard lock(registry_mutex_);
  live_wakers_.insert(id);
}
void RuntimeContext::waker_died(WakerId id) {
  if (!introspection_) return;
  std::lock_guard lock(registry_mutex_);
  live_wakers_.erase(id);
}
void RuntimeContext::task_born(Task* t) {
  if (!introspection_) return;
  std::lock_guard lock(registry_mutex_);
  live_tasks_.push_back(t);
}
void RuntimeContext::task_died(Task* t) {
  if (!introspection_) return;
  std::lock_guard lock(registry_mutex_);
  auto it = std::find(live_tasks_.begin(), live_tasks_.end(), t);
  if (it != live_tasks_.end()) live_tasks_.erase(it);
}
std::vector<WakerId> RuntimeContext::live_wakers() const {
  std::lock_guard lock(registry_mutex_);
  std::vector<WakerId> out(live_wakers_.begin(), live_wakers_.end());
  std::sort(out.begin(), out.end());
  return out;
}
std::vector<Task*> RuntimeContext::live_tasks() const {
  std::lock_guard lock(registry_mutex_);
  return live_tasks_;
}

RuntimeContext* RuntimeContext::current() noexcept { return t_state.rt; }
TaskId RuntimeContext::current_task() noexcept { return t_state.task; }

void RuntimeContext::set_thread_lane(Lane lane, TimerId timer) noexcept {
  t_state.lane = lane;
  t_state.timer = timer;
}

PollScope::PollScope(RuntimeContext* rt, TaskId task, std::uint64_t stamp) noexcept
    : prev_rt_(t_state.rt),
      prev_stamp_rt_(t_state.stamp_rt),
      prev_task_(t_state.task),
      prev_stamp_(t_state.stamp),
      prev_has_stamp_(t_state.has_stamp) {
  t_state.rt = rt;
  t_state.stamp_rt = rt;
  t_state.task = task;
  t_state.stamp = stamp;
  t_state.has_stamp = rt != nullptr && rt->logging();
}

PollScope::~PollScope() {
  t_state.rt = prev_rt_;
  t_state.stamp_rt = prev_stamp_rt_;
  t_state.task = prev_task_;
  t_state.stamp = prev_stamp_;
  t_state.has_stamp = prev_has_stamp_;
}

// Unlike PollScope it leaves current() alone: no task is being polled.
StampScope::StampScope(RuntimeContext* rt, std::uint64_t stamp) noexcept
    : prev_rt_(t_state.stamp_rt),
      prev_stamp_(t_state.stamp),
      prev_has_stamp_(t_state.has_stamp),
      active_(rt != nullptr && rt->logging()) {
  if (!active_) return;
  t_state.stamp_rt = rt;
  t_state.stamp = stamp;
  t_state.has_stamp = true;
}

StampScope::~StampScope() {
  if (!active_) return;
  t_state.stamp_rt = prev_rt_;
  t_state.stamp = prev_stamp_;
  t_state.has_stamp = prev_has_stamp_;
}

} // namespace pollscope
