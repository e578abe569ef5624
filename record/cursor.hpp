// Cursor: the folded state as of any event of the run. `seek(i)` gives the
// FoldState of events [0, i): it starts from the nearest checkpoint at or
// before i (record/checkpoints.hpp), or from where it already stands when
// that is closer and not past i, and folds forward over the store.
//
// Threading contract
//   - A Cursor belongs to one reader thread (the UI's); it is a plain value
//     holding its own Fold, so two readers use two cursors.
//   - `seek(i, count)` reads the store's events below `count`, which must be
//     a count the pump published (a Snapshot's EventsView::count): those
//     events and every checkpoint below them are complete and never change.
//     The pump goes on writing beyond `count` meanwhile.
#pragma once

#include "fold/fold.hpp"
#include "record/checkpoints.hpp"
#include "record/event_store.hpp"

#include <cstddef>

namespace pollscope::record {

class Cursor {
public:
  Cursor(const EventStore& store, const Checkpoints& checkpoints)
      : store_(&store), checkpoints_(&checkpoints) {}

  // The state of events [0, min(i, count)). Valid until the next seek.
  const fold::FoldState& seek(std::size_t i, std::size_t count);

  // Where the last seek landed.
  [[nodiscard]] std::size_t position() const noexcept { return pos_; }
  [[nodiscard]] const fold::FoldState& state() const noexcept { return fold_.state(); }

private:
  const EventStore* store_;
  const Checkpoints* checkpoints_;
  fold::Fold fold_; // the fold of events [0, pos_)
  std::size_t pos_ = 0;
};

} // namespace pollscope::record
