#include "clock.hpp"

#include <chrono>
#include <cmath>
#include <iterator>
#include <utility>

namespace pollscope {

std::string_view to_string(ClockKind k) noexcept {
  return k == ClockKind::Virtual ? "virtual" : "real";
}

// --- Sleeper ----------------------------------------------------------------

Sleeper::Sleeper(Sleeper&& o) noexcept
    : clock_(std::exchange(o.clock_, nullptr)),
      deadline_(o.deadline_),
      key_(std::exchange(o.key_, 0)) {}

Sleeper& Sleeper::operator=(Sleeper&& o) noexcept {
  if (this != &o) {
    release();
    clock_ = std::exchange(o.clock_, nullptr);
    deadline_ = o.deadline_;
    key_ = std::exchange(o.key_, 0);
  }
  return *this;
}

Sleeper::~Sleeper() { release(); }

void Sleeper::release() noexcept {
  if (clock_ != nullptr) std::exchange(clock_, nullptr)->release(key_);
}

// --- Clock ------------------------------------------------------------------

Sleeper Clock::register_sleeper(std::uint64_t deadline_ns) {
  std::lock_guard lock(mutex_);
  Sleeper s;
  s.clock_ = this;
  s.deadline_ = deadline_ns;
  s.key_ = next_key_++;
  due_.emplace(deadline_ns, s.key_);
  by_key_.emplace(s.key_, deadline_ns);
  return s;
}

void Clock::release(std::uint64_t key) noexcept {
  std::lock_guard lock(mutex_);
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return;
  auto [lo, hi] = due_.equal_range(it->second);
  for (auto d = lo; d != hi; ++d) {
    if (d->second == key) {
      due_.erase(d);
      break;
    }
  }
  by_key_.erase(it);
  released_.notify_all();
}

bool Clock::sleep_until(std::uint64_t deadline) {
  static const std::atomic<bool> kNever{false};
  return sleep_until(deadline, kNever);
}

bool Clock::sleep_until(std::uint64_t deadline, const std::atomic<bool>& cancelled) {
  // Checked under mutex_: the canceller sets the flag and then takes mutex_
  // to notify, so the flag is seen here or the notification reaches the wait.
  return sleep_until(
      deadline, [&cancelled] { return cancelled.load(std::memory_order_acquire); }, 1);
}

bool Clock::sleep_until(std::uint64_t deadline, const std::function<bool()>& stop,
                        std::size_t weight) {
  std::unique_lock lock(mutex_);
  Waiter self;
  for (;;) {
    if (cancelled_ || stop()) return false;
    if (deadline != kNoDeadline && now_ns() >= deadline) return true;
    const std::int64_t wait = deadline == kNoDeadline ? -1 : real_wait_ns(deadline);
    const auto filed = waiters_.emplace(deadline, &self);
    parked_ += weight;
    released_.notify_all(); // VirtualClock::on_idle waits for every timer thread to park
    if (wait < 0) {
      self.cv.wait(lock);
    } else {
      self.cv.wait_for(lock, std::chrono::nanoseconds(wait));
    }
    parked_ -= weight;
    waiters_.erase(filed);
  }
}

void Clock::notify_all_waiters_locked() {
  for (auto& [deadline, w] : waiters_) w->cv.notify_one();
  changed_.notify_all();
}

void Clock::notify_due_waiters_locked(std::uint64_t now) {
  for (auto it = waiters_.begin(); it != waiters_.end() && it->first <= now; ++it)
    it->second->cv.notify_one();
  changed_.notify_all();
}

void Clock::wait_until(const std::function<bool()>& done) {
  std::unique_lock lock(mutex_);
  // Checked under mutex_, like sleep_until's flag: whoever makes `done` true
  // and then calls wake_sleepers is seen here or reaches the wait.
  changed_.wait(lock, [&] { return cancelled_ || done(); });
}

void Clock::cancel_all() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  notify_all_waiters_locked();
}

void Clock::wake_sleepers() {
  std::lock_guard lock(mutex_);
  notify_all_waiters_locked();
}

void Clock::sender_blocked(bool blocked) {
  std::lock_guard lock(mutex_);
  if (blocked) {
    ++blocked_senders_;
  } else if (blocked_senders_ > 0) {
    --blocked_senders_;
  }
  released_.notify_all(); // advance_to and wait_all_parked re-check
}

void Clock::timer_held(bool held) {
  std::lock_guard lock(mutex_);
  if (held) {
    ++held_;
  } else if (held_ > 0) {
    --held_;
  }
  released_.notify_all(); // advance_to and wait_all_parked re-check
}

void Clock::due_behind(std::size_t n) {
  std::lock_guard lock(mutex_);
  due_behind_ = n;
  if (blocked_senders_ > 0) released_.notify_all();
}

std::size_t Clock::held() const {
  std::lock_guard lock(mutex_);
  return held_;
}

void Clock::uncancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = false;
}

bool Clock::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

std::size_t Clock::sleepers() const {
  std::lock_guard lock(mutex_);
  return by_key_.size();
}

void Clock::notify_time_changed() {
  std::lock_guard lock(mutex_);
  notify_all_waiters_locked(); // a real clock's new scale: every wait is recomputed
}

// --- RealClock --------------------------------------------------------------

RealClock::RealClock(double time_scale) : rate_(tick_rate()) {
  const double scale = time_scale > 0 && std::isfinite(time_scale) ? time_scale : 1.0;
  bases_.push_back(
      std::make_unique<Base>(Base{read_ticks(rate_), 0, scale, rate_.ns_per_tick * scale}));
  base_.store(bases_.back().get(), std::memory_order_release);
}

std::uint64_t RealClock::now_from(const Base& b, std::uint64_t ticks) noexcept {
  const double dt = ticks > b.ticks ? static_cast<double>(ticks - b.ticks) * b.ns_per_tick : 0.0;
  return b.virt + static_cast<std::uint64_t>(dt);
}

std::uint64_t RealClock::now_ns() const noexcept {
  // acquire: pairs with the release in set_time_scale; the Base is immutable.
  const Base* b = base_.load(std::memory_order_acquire);
  return now_from(*b, read_ticks(rate_));
}

void RealClock::set_time_scale(double scale) {
  if (!(scale > 0) || !std::isfinite(scale)) return;
  {
    std::lock_guard lock(base_mutex_);
    const std::uint64_t ticks = read_ticks(rate_);
    const std::uint64_t now = now_from(*base_.load(std::memory_order_relaxed), ticks);
    bases_.push_back(std::make_unique<Base>(Base{ticks, now, scale, rate_.ns_per_tick * scale}));
    base_.store(bases_.back().get(), std::memory_order_release);
  }
  notify_time_changed(); // sleeping timers recompute their real wait
}

double RealClock::time_scale() const noexcept {
  return base_.load(std::memory_order_acquire)->scale;
}

std::int64_t RealClock::real_wait_ns(std::uint64_t deadline) const noexcept {
  const std::uint64_t now = now_ns();
  if (deadline <= now) return 0;
  const double scale = time_scale();
  return static_cast<std::int64_t>(static_cast<double>(deadline - now) / scale) + 1;
}

// --- VirtualClock -----------------------------------------------------------

VirtualClock::VirtualClock(bool auto_advance) : auto_advance_(auto_advance) {}

std::uint64_t VirtualClock::now_ns() const noexcept { return now_.load(std::memory_order_acquire); }

void VirtualClock::advance_to(std::uint64_t t_ns) {
  std::unique_lock lock(mutex_);
  if (t_ns > now_.load(std::memory_order_relaxed)) now_.store(t_ns, std::memory_order_release);
  notify_due_waiters_locked(now_.load(std::memory_order_relaxed));
  // Wait for every sleeper now due to finish acting (its thread releases it
  // after firing and waking) or to block sending into the full queue, unless
  // the clock is cancelled meanwhile. Waiting for the blocked ones too, not
  // just the first, makes the outcome deterministic: every timer due fires
  // before the executor polls again (full-queue-join always deadlocks).
  released_.wait(lock, [&] {
    if (cancelled_) return true;
    const std::uint64_t now = now_.load(std::memory_order_relaxed);
    if (due_.empty() || due_.begin()->first > now) return true;
    if (blocked_senders_ + held_ == 0) return false;
    // Counted only while a sender is blocked or a wake held (rare): O(due timers).
    const auto due = static_cast<std::size_t>(std::distance(due_.begin(), due_.upper_bound(now)));
    return due <= blocked_senders_ + held_ + (blocked_senders_ > 0 ? due_behind_ : 0);
  });
}

void VirtualClock::advance_by(std::uint64_t dt_ns) { advance_to(now_ns() + dt_ns); }

bool VirtualClock::next_deadline(std::uint64_t& out) const {
  std::lock_guard lock(mutex_);
  if (due_.empty()) return false;
  out = due_.begin()->first;
  return true;
}

bool VirtualClock::next_future_deadline(std::uint64_t& out) const {
  std::lock_guard lock(mutex_);
  const auto it = due_.upper_bound(now_.load(std::memory_order_relaxed));
  if (it == due_.end()) return false;
  out = it->first;
  return true;
}

void VirtualClock::wait_all_parked() {
  std::unique_lock lock(mutex_);
  released_.wait(lock, [&] {
    return cancelled_ || blocked_senders_ > 0 || parked_ + held_ >= by_key_.size();
  });
}

bool VirtualClock::on_idle() {
  if (!auto_advance_) return false;
  if (IdleGate* gate = gate_.load(std::memory_order_acquire)) return gate->on_idle(*this);
  return advance_when_idle();
}

bool VirtualClock::advance_when_idle() {
  // Let every timer thread that exists reach its wait first, so virtual time
  // never jumps past a thread that has not even started: its "started" and
  // "waiting" events then carry the time it was armed, as they would for real.
  wait_all_parked();
  std::uint64_t next = 0;
  if (!next_deadline(next)) return false;
  advance_to(next);
  return true;
}

} // namespace pollscope
