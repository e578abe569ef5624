#include "runtime_context.hpp"

#include "delivery_gate.hpp"
#include "timer_driver.hpp"
#include "timer_threads.hpp"

#include <algorithm>
#include <string>

namespace pollscope {

RuntimeContext::RuntimeContext(Options options)
    : clock_(options.clock),
      strings_(options.strings),
      log_(options.log),
      introspection_(options.introspection),
      timer_policy_(options.timer_policy),
      gate_(std::make_unique<DeliveryGate>(*this)),
      driver_(std::make_unique<TimerDriver>(*this)),
      timers_(std::make_unique<TimerThreads>(*this)) {}

RuntimeContext::~RuntimeContext() { timers_->shutdown(); }

void RuntimeContext::emit_slow(const Event& e) const noexcept {
  const detail::ThreadState& ts = detail::t_state;
  emit_stamped(e, ts.stamp_rt == this ? ts.stamp : clock_->now_ns());
}

void RuntimeContext::emit_stamped(const Event& e, std::uint64_t t) const noexcept {
  if (muted_.load(std::memory_order_relaxed)) [[unlikely]]
    return;
  detail::ThreadState& ts = detail::t_state;
  const ThreadIndex thread = ts.thread_log == log_->id() ? ts.thread : register_thread(t);
  // The event is written once, straight into its slot; time, lane and thread
  // are filled in there.
  log_->append(e, t, ts.lane, e.timer == 0 && ts.lane == Lane::Timer ? ts.timer : e.timer,
               thread);
}

// Cold: once per thread and role. The name says the role; timer threads are
// named after their timer, other threads after their row.
ThreadIndex RuntimeContext::register_thread(std::uint64_t t) const noexcept {
  detail::ThreadState& ts = detail::t_state;
  const ThreadIndex index = log_->next_thread_index();
  std::string name;
  switch (ts.lane) {
  case Lane::Executor: name = "executor"; break;
  case Lane::Control: name = "control (GUI)"; break;
  case Lane::Timer:
    name = ts.timer != 0 ? "timer " + std::to_string(ts.timer) : "timer driver";
    break;
  case Lane::External: name = "thread " + std::to_string(index); break;
  }
  Event named;
  named.kind = EventKind::ThreadNamed;
  try {
    named.a = strings_->intern(name);
  } catch (...) {
    named.a = 0; // out of memory: an unnamed row still keeps the events apart
  }
  named.b = static_cast<std::uint64_t>(ts.lane);
  log_->append(named, t, ts.lane, ts.lane == Lane::Timer ? ts.timer : 0, index);
  ts.thread_log = log_->id();
  ts.thread = index;
  return index;
}

void RuntimeContext::register_waker(WakerId id, bool alive) {
  std::lock_guard lock(registry_mutex_);
  if (alive) {
    live_wakers_.insert(id);
  } else {
    live_wakers_.erase(id);
  }
}
void RuntimeContext::register_task(Task* t, bool alive) {
  std::lock_guard lock(registry_mutex_);
  if (alive) {
    live_tasks_.push_back(t);
    return;
  }
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

} // namespace pollscope
