// Recorder: what the pump does with each event, on one thread: fold it, keep
// it in the store, take a checkpoint when one is due, and note where the
// current runtime began. Tests and benchmarks drive it directly; the pump
// (record/fold_pump.hpp) drives it on its thread and publishes snapshots.
//
// Threading: one writer thread calls `append`; readers follow the contracts
// of EventStore, Checkpoints and fold::Timeline (published counts only).
// `runtime_begin_at` is for any thread: the list of runtime openings is
// guarded by a mutex, taken by the writer only when a runtime opens (rare).
#pragma once

#include "fold/fold.hpp"
#include "fold/timeline.hpp"
#include "record/checkpoints.hpp"
#include "record/event_store.hpp"

#include <algorithm>
#include <cstddef>
#include <mutex>
#include <vector>

namespace pollscope::record {

class Recorder {
public:
  explicit Recorder(CheckpointPolicy policy = {}) : checkpoints_(policy) {}

  void append(const Event& e) {
    fold_.apply(e);
    timeline_.append(e); // its event indices are the store's (the store's bound aside)
    // The log panel starts at the event that opened the current runtime:
    // a RuntimeReset, or a RuntimeStarted that no reset preceded.
    if (e.kind == EventKind::RuntimeReset || e.kind == EventKind::RuntimeAbandoned) {
      open_runtime(store_.writer_size());
      reset_seen_ = true;
    } else if (e.kind == EventKind::RuntimeStarted) {
      if (!reset_seen_) open_runtime(store_.writer_size());
      reset_seen_ = false;
    }
    // Past the store's bound the fold goes on, but there is nothing to seek.
    if (store_.push(e)) checkpoints_.maybe_take(store_.writer_size(), fold_);
  }

  [[nodiscard]] const fold::Fold& fold() const noexcept { return fold_; }
  [[nodiscard]] const EventStore& store() const noexcept { return store_; }
  // Readers follow its contract: queries at a published event count.
  [[nodiscard]] const fold::Timeline& timeline() const noexcept { return timeline_; }
  [[nodiscard]] const Checkpoints& checkpoints() const noexcept { return checkpoints_; }
  [[nodiscard]] std::size_t runtime_begin() const noexcept { return runtime_begin_; }

  // Any thread: where the runtime that event `i - 1` belongs to began, i.e.
  // the runtime on screen when the cursor shows the first i events.
  [[nodiscard]] std::size_t runtime_begin_at(std::size_t i) const {
    std::lock_guard lock(begins_mutex_);
    const auto it = std::lower_bound(begins_.begin(), begins_.end(), i);
    return it == begins_.begin() ? 0 : *std::prev(it);
  }

private:
  void open_runtime(std::size_t index) {
    runtime_begin_ = index;
    std::lock_guard lock(begins_mutex_);
    begins_.push_back(index);
  }

  fold::Fold fold_;
  EventStore store_;
  fold::Timeline timeline_;
  Checkpoints checkpoints_;
  std::size_t runtime_begin_ = 0;
  bool reset_seen_ = false; // a RuntimeReset opened the current runtime
  mutable std::mutex begins_mutex_;
  std::vector<std::size_t> begins_; // every runtime_begin_, ascending
};

} // namespace pollscope::record
