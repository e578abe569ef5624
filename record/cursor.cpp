#include "record/cursor.hpp"

#include <algorithm>

namespace pollscope::record {

const fold::FoldState& Cursor::seek(std::size_t i, std::size_t count) {
  i = std::min(i, count);
  const Checkpoint c = checkpoints_->nearest(i);
  // Folding on from where the cursor stands is cheaper than copying a
  // checkpoint when it is at or after the nearest one (dragging forward, a
  // Right press): the same fold, fewer events.
  if (pos_ > i || pos_ < c.index) {
    if (c.fold)
      fold_ = *c.fold;
    else
      fold_ = fold::Fold{};
    pos_ = c.index;
  }
  if (pos_ < i) fold_.apply(store_->first(i).subspan(pos_));
  pos_ = i;
  return fold_.state();
}

} // namespace pollscope::record
