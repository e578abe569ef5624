#include "gui/history.hpp"

#include "record/cursor.hpp"

#include <algorithm>

namespace pollscope::gui {

bool is_book_step(const fold::FoldState& before, const fold::FoldState& after) {
  return before.book.advances != after.book.advances;
}

namespace {

// The fold's advance counter as of position i: it never goes down (not even
// at a runtime reset), so positions with the same count hold no step between
// them, and "the step before" is where the count last changed.
std::uint64_t advances_at(record::Cursor& cursor, std::size_t i, std::size_t count) {
  return cursor.seek(i, count).book.advances;
}

// The first position in lo+1 .. hi whose count differs from position lo's
// (that position's last event is the step), or hi + 1 when none does. One
// cursor folding forward: each position costs one event.
std::size_t first_change_after(record::Cursor& cursor, std::size_t lo, std::size_t hi,
                               std::size_t count) {
  const std::uint64_t at_lo = advances_at(cursor, lo, count);
  for (std::size_t j = lo + 1; j <= hi; ++j)
    if (advances_at(cursor, j, count) != at_lo) return j;
  return hi + 1;
}

} // namespace

std::size_t next_book_step(const record::EventStore& store, const record::Checkpoints& checkpoints,
                           std::size_t from, std::size_t count, std::size_t limit) {
  if (from >= count) return count;
  const std::size_t hi = std::min(count, from + limit);
  record::Cursor cursor(store, checkpoints);
  return std::min(first_change_after(cursor, from, hi, count), hi);
}

bool book_step_ahead(const record::EventStore& store, const record::Checkpoints& checkpoints,
                     std::size_t from, std::size_t count) {
  if (from >= count) return false;
  record::Cursor cursor(store, checkpoints);
  const std::uint64_t at_from = advances_at(cursor, from, count);
  return advances_at(cursor, count, count) != at_from;
}

std::size_t previous_book_step(const record::EventStore& store,
                               const record::Checkpoints& checkpoints, std::size_t from,
                               std::size_t count, std::size_t limit) {
  from = std::min(from, count);
  if (from <= 1) return 0;
  // The step must end before `from`: the last position up to from - 1 where
  // the count changed is the first one that has the count at from - 1.
  const std::size_t last = from - 1;
  record::Cursor cursor(store, checkpoints);
  const std::uint64_t target = advances_at(cursor, last, count);
  // Windows growing backwards from `last`: the nearest step is usually close.
  std::size_t window = 256;
  std::size_t hi = last;
  while (hi > 0 && last - hi <= limit) {
    const std::size_t lo = hi > window ? hi - window : 0;
    if (advances_at(cursor, lo, count) != target) {
      // The count becomes `target` somewhere in lo+1 .. hi (it is `target`
      // at hi): fold forward to it.
      for (std::size_t k = lo + 1; k <= hi; ++k)
        if (advances_at(cursor, k, count) == target) return k;
      return hi;
    }
    hi = lo;
    window *= 2;
  }
  return 0;
}

} // namespace pollscope::gui
