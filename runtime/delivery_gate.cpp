#include "delivery_gate.hpp"

#include "runtime_context.hpp"

#include <algorithm>

namespace pollscope {

namespace {
bool earlier(const DeliveryGate::Held& x, const DeliveryGate::Held& y) {
  return x.deadline != y.deadline ? x.deadline < y.deadline : x.id < y.id;
}
} // namespace

DeliveryGate::~DeliveryGate() {
  if (auto* v = dynamic_cast<VirtualClock*>(&rt_.clock())) v->detach_gate(this);
}

void DeliveryGate::enable(Mode mode, std::vector<TimerId> script) {
  auto* v = dynamic_cast<VirtualClock*>(&rt_.clock());
  if (v == nullptr || mode == Mode::Off) return;
  {
    std::lock_guard lock(mutex_);
    mode_ = mode;
    script_.assign(script.begin(), script.end());
  }
  v->attach_gate(this);
}

void DeliveryGate::hold(TimerId id, TaskId task, std::uint64_t deadline) {
  Event e;
  e.kind = EventKind::TimerDue;
  e.timer = id;
  e.task = task;
  e.a = deadline;
  rt_.emit(e);
  {
    std::lock_guard lock(mutex_);
    held_.push_back({id, task, deadline});
  }
  rt_.clock().timer_held(true);
}

TimerId DeliveryGate::head() const {
  std::lock_guard lock(mutex_);
  return releasing_.empty() ? 0 : releasing_.front();
}

void DeliveryGate::delivered(TimerId id) {
  {
    std::lock_guard lock(mutex_);
    if (!releasing_.empty() && releasing_.front() == id) releasing_.pop_front();
  }
  delivered_.fetch_add(1, std::memory_order_release);
  wake_servers();
}

void DeliveryGate::forget(TimerId id) {
  bool was_held = false;
  {
    std::lock_guard lock(mutex_);
    const auto h =
        std::find_if(held_.begin(), held_.end(), [&](const Held& x) { return x.id == id; });
    if (h != held_.end()) {
      held_.erase(h);
      was_held = true;
    }
    const auto r = std::find(releasing_.begin(), releasing_.end(), id);
    if (r != releasing_.end()) releasing_.erase(r);
  }
  if (was_held) rt_.clock().timer_held(false);
  wake_servers();
}

bool DeliveryGate::release_locked(TimerId id) {
  const auto h =
      std::find_if(held_.begin(), held_.end(), [&](const Held& x) { return x.id == id; });
  if (h == held_.end()) return false;
  held_.erase(h);
  releasing_.push_back(id);
  return true;
}

bool DeliveryGate::release(TimerId id) {
  {
    std::lock_guard lock(mutex_);
    if (!release_locked(id)) return false;
  }
  rt_.clock().timer_held(false);
  wake_servers();
  return true;
}

std::size_t DeliveryGate::release_all() {
  std::size_t n = 0;
  {
    std::lock_guard lock(mutex_);
    std::vector<Held> order = held_;
    std::sort(order.begin(), order.end(), earlier);
    for (const Held& h : order) n += release_locked(h.id) ? 1 : 0;
  }
  for (std::size_t i = 0; i < n; ++i) rt_.clock().timer_held(false);
  if (n > 0) wake_servers();
  return n;
}

std::vector<DeliveryGate::Held> DeliveryGate::held() const {
  std::vector<Held> out;
  {
    std::lock_guard lock(mutex_);
    out = held_;
  }
  std::sort(out.begin(), out.end(), earlier);
  return out;
}

void DeliveryGate::wake_servers() { rt_.clock().wake_sleepers(); }

bool DeliveryGate::on_idle(VirtualClock& clock) {
  // Quiescent first: every timer thread parked or held, every wake released
  // before this moment delivered (its sleeper is released only then).
  clock.wait_all_parked();
  // A wake delivered since the last look: its task is queued now.
  const std::uint64_t delivered = delivered_.load(std::memory_order_acquire);
  if (delivered != seen_delivered_) {
    seen_delivered_ = delivered;
    return true;
  }
  if (mode_ == Mode::Interactive) {
    if (clock.held() > 0) return false; // the user chooses what is delivered next
    return clock.advance_when_idle();
  }
  TimerId next = 0;
  bool script_left = false;
  bool any_held = false;
  {
    std::lock_guard lock(mutex_);
    script_left = !script_.empty();
    any_held = !held_.empty();
    if (script_left && std::any_of(held_.begin(), held_.end(),
                                   [&](const Held& h) { return h.id == script_.front(); })) {
      next = script_.front();
      script_.pop_front();
    }
  }
  if (next != 0) return release(next);
  if (script_left) {
    // The script's next timer is not due yet: let time move on to it,
    // holding what is due meanwhile.
    std::uint64_t t = 0;
    if (clock.next_future_deadline(t)) {
      clock.advance_to(t);
      return true;
    }
    if (!any_held) return false;
    // It never comes (not made yet, or no such timer): the earliest held
    // goes, so the run can go on; the script waits for its timer.
    const std::vector<Held> h = held();
    return release(h.front().id);
  }
  if (any_held) return release_all() > 0; // the script is used up: deadline order
  return clock.advance_when_idle();
}

std::vector<TimerId> DeliveryGate::script_left() const {
  std::lock_guard lock(mutex_);
  return {script_.begin(), script_.end()};
}

} // namespace pollscope
