// Checkpoints: copies of the fold taken while the pump folds, so that the
// state as of any event can be rebuilt by folding forward from the nearest
// one (record/cursor.hpp) instead of from the start of the run.
//
// Spacing is by size, not by a fixed count: every event stored earns
// `bytes_per_event` bytes of checkpoint budget, and a checkpoint is taken once
// the events since the previous one have earned its size. So checkpoint memory
// stays below bytes_per_event / sizeof(Event) of the store's memory (8 / 40 =
// 20% by default) however large the state grows, while a small state (few
// tasks) gets checkpoints close together, down to `min_spacing` events. The
// cost of a seek is one checkpoint copy plus at most one spacing of folding.
//
// Threading contract
//   - One writer (the pump thread) calls `maybe_take`, right after it folded
//     and stored the events below `index`.
//   - Any thread may call `nearest`, `bytes` and `count`. The list is guarded
//     by a mutex held only to read or append an entry; a checkpoint's Fold is
//     immutable once made (shared_ptr<const Fold>), so a reader folds forward
//     from it with no lock held, and it stays alive while the reader holds it.
//   - A reader must only fold from a checkpoint forward over events it may
//     read, i.e. below a count the pump published (EventStore's contract).
//     `nearest(i)` returns a checkpoint at or below i, so seeking to a
//     published i is always safe.
#pragma once

#include "fold/fold.hpp"

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace pollscope::record {

struct CheckpointPolicy {
  std::size_t min_spacing = 4096;  // events: bounds the copying a tiny state costs
  std::size_t bytes_per_event = 8; // budget each stored event earns (of its 48 bytes)
};

struct Checkpoint {
  std::size_t index = 0;                  // the fold of events [0, index)
  std::shared_ptr<const fold::Fold> fold; // nullptr: index 0, a fresh Fold
  std::size_t bytes = 0;                  // approx_bytes of its state
};

// What a copy of `s` costs in memory, roughly (element sizes times counts).
[[nodiscard]] std::size_t approx_bytes(const fold::FoldState& s) noexcept;

class Checkpoints {
public:
  explicit Checkpoints(CheckpointPolicy policy = {}) : policy_(policy) {}

  // Writer: `fold` holds the fold of events [0, index). Cheap unless due.
  void maybe_take(std::size_t index, const fold::Fold& fold) {
    if (index >= next_due_) take_if_earned(index, fold);
  }

  // Any thread: the latest checkpoint at or before `index`.
  [[nodiscard]] Checkpoint nearest(std::size_t index) const;
  [[nodiscard]] std::size_t bytes() const noexcept {
    return bytes_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::size_t count() const;

private:
  void take_if_earned(std::size_t index, const fold::Fold& fold);

  CheckpointPolicy policy_;
  std::size_t last_index_ = 0;        // writer only
  std::size_t next_due_ = 0;          // writer only: don't look before this index
  mutable std::mutex mutex_;          // guards list_
  std::vector<Checkpoint> list_;      // ascending index
  std::atomic<std::size_t> bytes_{0}; // relaxed: a figure for display and benchmarks
};

} // namespace pollscope::record
