#include "gui/history.hpp"

#include "record/cursor.hpp"

#include <algorithm>

namespace pollscope::gui {

bool is_book_step(const fold::FoldState& before, const fold::FoldState& after) {
  return before.flow.step != after.flow.step || before.flow.task != after.flow.task;
}

namespace {

// Walks positions lo+1 .. hi with two cursors one event apart, calling
// `found(j)` for each j whose last event is a book step; stops when it
// returns true.
template <class Found>
void walk(const record::EventStore& store, const record::Checkpoints& checkpoints, std::size_t lo,
          std::size_t hi, Found found) {
  record::Cursor before(store, checkpoints), after(store, checkpoints);
  before.seek(lo, hi);
  after.seek(lo, hi);
  for (std::size_t j = lo + 1; j <= hi; ++j) {
    after.seek(j, hi);
    if (is_book_step(before.state(), after.state()) && found(j)) return;
    before.seek(j, hi);
  }
}

} // namespace

std::size_t next_book_step(const record::EventStore& store, const record::Checkpoints& checkpoints,
                           std::size_t from, std::size_t count, std::size_t limit) {
  if (from >= count) return count;
  const std::size_t hi = std::min(count, from + limit);
  std::size_t at = hi == count ? count : hi;
  walk(store, checkpoints, from, hi, [&](std::size_t j) {
    at = j;
    return true;
  });
  return at;
}

std::size_t previous_book_step(const record::EventStore& store,
                               const record::Checkpoints& checkpoints, std::size_t from,
                               std::size_t count, std::size_t limit) {
  from = std::min(from, count);
  // Windows growing backwards from `from`: the nearest step is usually close.
  std::size_t window = 256;
  std::size_t hi = from == 0 ? 0 : from - 1; // the step must end before `from`
  while (hi > 0 && from - hi <= limit) {
    const std::size_t lo = hi > window ? hi - window : 0;
    std::size_t last = 0;
    walk(store, checkpoints, lo, hi, [&](std::size_t j) {
      last = j;
      return false;
    });
    if (last != 0) return last;
    hi = lo;
    window *= 2;
  }
  return 0;
}

} // namespace pollscope::gui
