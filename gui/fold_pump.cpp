#include "gui/fold_pump.hpp"

#include <chrono>
#include <utility>

namespace pollscope::gui {
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

} // namespace

FoldPump::FoldPump(EventLog& log, EventSink sink)
    : log_(log),
      sink_(std::move(sink)),
      back_(std::make_unique<Snapshot>()),
      middle_(std::make_unique<Snapshot>()),
      front_(std::make_unique<Snapshot>()) {
  front_->events.store = &store_;
  thread_ = std::thread([this] { run(); });
}

FoldPump::~FoldPump() {
  {
    std::lock_guard lock(mutex_);
    stop_.store(true, std::memory_order_relaxed);
  }
  wake_.notify_all();
  published_.notify_all();
  thread_.join();
}

void FoldPump::run() {
  std::vector<Event> batch;
  batch.reserve(kBatch);
  while (!stop_.load(std::memory_order_relaxed)) {
    batch.clear();
    const std::size_t n = log_.drain(batch, kBatch);
    if (n > 0) {
      const auto t0 = std::chrono::steady_clock::now();
      for (Event& e : batch) {
        time_order_.apply(e); // before the fold and the store: both see one time line
        fold_.apply(e);
        // The log panel starts at the event that opened the current runtime:
        // a RuntimeReset, or a RuntimeStarted that no reset preceded.
        if (e.kind == EventKind::RuntimeReset || e.kind == EventKind::RuntimeAbandoned) {
          runtime_begin_ = store_.writer_size();
          reset_seen_ = true;
        } else if (e.kind == EventKind::RuntimeStarted) {
          if (!reset_seen_) runtime_begin_ = store_.writer_size();
          reset_seen_ = false;
        }
        store_.push(e);
      }
      fold_ns_.fetch_add(ns_since(t0), std::memory_order_relaxed);
      if (sink_) sink_(batch);
      folded_ += n;
      events_.fetch_add(n, std::memory_order_relaxed);
      dirty_ = true;
    }
    publish_if_wanted();
    if (n < kBatch) {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kIdleNap,
                     [&] { return stop_.load(std::memory_order_relaxed) || (want_ && dirty_); });
    }
  }
}

void FoldPump::publish_if_wanted() {
  if (!dirty_) return;
  {
    std::lock_guard lock(mutex_);
    if (!want_) return;
  }
  // The copy happens outside the lock, into the buffer only this thread owns.
  const auto t0 = std::chrono::steady_clock::now();
  back_->state = fold_.state();
  back_->events = EventsView{&store_, store_.writer_size(), runtime_begin_};
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
  const std::uint64_t target = log_.appended();
  for (;;) {
    if (latest().folded >= target) return;
    std::unique_lock lock(mutex_);
    published_.wait_for(lock, std::chrono::milliseconds(5),
                        [&] { return fresh_ || stop_.load(std::memory_order_relaxed); });
    if (stop_.load(std::memory_order_relaxed)) return;
  }
}

PumpStats FoldPump::stats() const noexcept {
  return PumpStats{events_.load(std::memory_order_relaxed),
                   fold_ns_.load(std::memory_order_relaxed),
                   copy_ns_.load(std::memory_order_relaxed)};
}

} // namespace pollscope::gui
