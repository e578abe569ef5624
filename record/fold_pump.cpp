#include "record/fold_pump.hpp"

#include <chrono>
#include <ctime>
#include <utility>

namespace pollscope::record {
namespace {

// Big enough that a burst of a million events is drained in a few dozen
// passes; small enough that a publication is never more than ~1 ms of folding
// away while the UI waits for one.
constexpr std::size_t kBatch = 1 << 14;
// How long the pump naps when the log is empty. Producers never notify the
// consumer (EventLog's design), so this bounds the latency from an event to
// the screen; 2 ms is far below a frame.
constexpr auto kIdleNap = std::chrono::milliseconds(2);

std::uint64_t ns_since(std::chrono::steady_clock::time_point t0) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0)
          .count());
}

// This thread's CPU time, ns.
std::uint64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

} // namespace

FoldPump::FoldPump(EventLog& log, EventSink sink, EventObserver observer, CheckpointPolicy policy)
    : log_(&log),
      sink_(std::move(sink)),
      observer_(std::move(observer)),
      recorder_(policy),
      back_(std::make_unique<Snapshot>()),
      middle_(std::make_unique<Snapshot>()),
      front_(std::make_unique<Snapshot>()) {
  front_->events.store = &recorder_.store();
  thread_ = std::thread([this] { run(); });
}

FoldPump::FoldPump(std::span<const Event> events, CheckpointPolicy policy)
    : log_(nullptr),
      recorder_(policy),
      back_(std::make_unique<Snapshot>()),
      middle_(std::make_unique<Snapshot>()),
      front_(std::make_unique<Snapshot>()) {
  front_->events.store = &recorder_.store();
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t c0 = thread_cpu_ns();
  for (const Event& e : events) recorder_.append(e);
  fold_ns_.store(ns_since(t0), std::memory_order_relaxed);
  fold_cpu_ns_.store(thread_cpu_ns() - c0, std::memory_order_relaxed);
  folded_ = events.size();
  events_.store(events.size(), std::memory_order_relaxed);
  dirty_ = true;
  publish_if_wanted(true);
}

FoldPump::~FoldPump() {
  {
    std::lock_guard lock(mutex_);
    stop_.store(true, std::memory_order_relaxed);
  }
  wake_.notify_all();
  published_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void FoldPump::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    drain_on_stop_ = true;
    stop_.store(true, std::memory_order_relaxed);
  }
  wake_.notify_all();
  thread_.join();
  published_.notify_all();
}

std::size_t FoldPump::drain_once(std::vector<Event>& batch) {
  batch.clear();
  const std::size_t n = log_->drain(batch, kBatch);
  if (n == 0) return 0;
  // Raw times throughout: the fold, the store and the sink see what the
  // runtime stamped (display order is record/display_time.hpp's business).
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t c0 = thread_cpu_ns();
  if (observer_) {
    for (const Event& e : batch) {
      recorder_.append(e);
      observer_(e, recorder_.fold().state());
    }
  } else {
    for (const Event& e : batch) recorder_.append(e);
  }
  fold_ns_.fetch_add(ns_since(t0), std::memory_order_relaxed);
  fold_cpu_ns_.fetch_add(thread_cpu_ns() - c0, std::memory_order_relaxed);
  if (sink_) sink_(batch);
  folded_ += n;
  events_.fetch_add(n, std::memory_order_relaxed);
  dirty_ = true;
  return n;
}

void FoldPump::run() {
  std::vector<Event> batch;
  batch.reserve(kBatch);
  while (!stop_.load(std::memory_order_relaxed)) {
    const std::size_t n = drain_once(batch);
    publish_if_wanted();
    if (n < kBatch) {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kIdleNap,
                     [&] { return stop_.load(std::memory_order_relaxed) || (want_ && dirty_); });
    }
  }
  bool drain = false;
  {
    std::lock_guard lock(mutex_);
    drain = drain_on_stop_;
  }
  if (!drain) return;
  while (drain_once(batch) > 0) {
  }
  publish_if_wanted(true);
}

void FoldPump::publish_if_wanted(bool force) {
  if (!dirty_) return;
  {
    std::lock_guard lock(mutex_);
    if (!want_ && !force) return;
  }
  // The copy happens outside the lock, into the buffer only this thread owns.
  const auto t0 = std::chrono::steady_clock::now();
  back_->state = recorder_.fold().state();
  back_->events =
      EventsView{&recorder_.store(), recorder_.store().writer_size(), recorder_.runtime_begin()};
  back_->folded = folded_;
  back_->serial = ++serial_;
  copy_ns_.fetch_add(ns_since(t0), std::memory_order_relaxed);
  {
    std::lock_guard lock(mutex_);
    std::swap(back_, middle_);
    fresh_ = true;
    want_ = false;
  }
  dirty_ = false;
  published_.notify_all();
}

const Snapshot& FoldPump::latest() {
  bool took = false;
  {
    std::lock_guard lock(mutex_);
    if (fresh_) {
      std::swap(front_, middle_);
      fresh_ = false;
      want_ = true;
      took = true;
    }
  }
  if (took) wake_.notify_one();
  return *front_;
}

void FoldPump::flush() {
  if (log_ == nullptr) return; // file mode: everything was published at construction
  const std::uint64_t target = log_->appended();
  for (;;) {
    if (latest().folded >= target) return;
    std::unique_lock lock(mutex_);
    published_.wait_for(lock, std::chrono::milliseconds(5),
                        [&] { return fresh_ || stop_.load(std::memory_order_relaxed); });
    if (stop_.load(std::memory_order_relaxed)) return;
  }
}

PumpStats FoldPump::stats() const noexcept {
  return PumpStats{
      events_.load(std::memory_order_relaxed), fold_ns_.load(std::memory_order_relaxed),
      fold_cpu_ns_.load(std::memory_order_relaxed), copy_ns_.load(std::memory_order_relaxed)};
}

} // namespace pollscope::record
