#include "gui/compare_history.hpp"

#include "gui/history.hpp"

#include <algorithm>

namespace pollscope::gui {

CompareTimeline::CompareTimeline(CompareHistorySide a, CompareHistorySide b) : side_{a, b} {
  for (int s = 0; s < 2; ++s) {
    const CompareHistorySide& d = side_[s];
    // Home includes the opening event: the position before it shows the
    // runtime that ran before the last Reset.
    lo_[s] = std::min(d.begin + 1, d.count);
    t0_[s] = d.count > d.begin ? d.store->display_time(d.begin) : 0;
  }
}

CompareTimeline::Position CompareTimeline::position(const CompareHistoryState& h) const noexcept {
  if (h.live) return live();
  Position p;
  for (int s = 0; s < 2; ++s) p[s] = std::clamp(h.at[s], lo_[s], side_[s].count);
  return p;
}

std::uint64_t CompareTimeline::time(int s, std::size_t i) const {
  const std::uint64_t t = side_[s].store->display_time(i);
  return t > t0_[s] ? t - t0_[s] : 0;
}

std::uint64_t CompareTimeline::polls(int s, std::size_t i) {
  const CompareHistorySide& d = side_[s];
  return d.keys->seek(i + 1, d.count)
      .counters.per_kind[static_cast<std::size_t>(EventKind::QueuePop)];
}

bool CompareTimeline::a_first(std::size_t i, std::size_t j) {
  // The time is a cheap read; the polls a fold seek, asked for only on a tie.
  const std::uint64_t ta = time(0, i), tb = time(1, j);
  if (ta != tb) return ta < tb;
  return polls(0, i) <= polls(1, j); // ties: A first
}

CompareTimeline::Position CompareTimeline::next(Position p) {
  const bool more_a = p[0] < side_[0].count, more_b = p[1] < side_[1].count;
  if (more_a && (!more_b || a_first(p[0], p[1]))) return {p[0] + 1, p[1]};
  if (more_b) return {p[0], p[1] + 1};
  return p;
}

CompareTimeline::Position CompareTimeline::previous(Position p) {
  const bool any_a = p[0] > lo_[0], any_b = p[1] > lo_[1];
  // Undo whichever of the two last included events comes later.
  if (any_b && (!any_a || a_first(p[0] - 1, p[1] - 1))) return {p[0], p[1] - 1};
  if (any_a) return {p[0] - 1, p[1]};
  return p;
}

CompareTimeline::Position CompareTimeline::just_after(int s, std::size_t i) {
  // The other side's events that come before this one form a prefix of it:
  // find where that prefix ends.
  const int o = 1 - s;
  std::size_t lo = lo_[o], hi = side_[o].count;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    const bool before = s == 0 ? !a_first(i, mid) : a_first(mid, i);
    if (before)
      lo = mid + 1;
    else
      hi = mid;
  }
  Position p;
  p[s] = i + 1;
  p[o] = lo;
  return p;
}

bool CompareTimeline::book_step_ahead(Position p) {
  for (int s = 0; s < 2; ++s)
    if (gui::book_step_ahead(*side_[s].store, *side_[s].checkpoints, p[s], side_[s].count))
      return true;
  return false;
}

CompareTimeline::Position CompareTimeline::next_book_step(Position p) {
  // Each side's next book step, placed in the merged order: the nearer wins.
  Position best = live();
  for (int s = 0; s < 2; ++s) {
    const CompareHistorySide& d = side_[s];
    if (!gui::book_step_ahead(*d.store, *d.checkpoints, p[s], d.count)) continue;
    const std::size_t at = gui::next_book_step(*d.store, *d.checkpoints, p[s], d.count);
    const Position c = just_after(s, at - 1);
    if (index(c) < index(best)) best = c;
  }
  return best;
}

CompareTimeline::Position CompareTimeline::previous_book_step(Position p) {
  Position best = home();
  const std::size_t here = index(p);
  for (int s = 0; s < 2; ++s) {
    const CompareHistorySide& d = side_[s];
    // The side's last included event may itself be a book step that comes
    // before p's last event (the other side's): history.hpp looks strictly
    // before a position, so that one is checked here.
    std::size_t at = 0;
    if (p[s] > lo_[s] && ends_in_book_step(s, p[s]) && index(just_after(s, p[s] - 1)) < here)
      at = p[s];
    else
      at = gui::previous_book_step(*d.store, *d.checkpoints, p[s], d.count);
    if (at < lo_[s] || at == 0) continue; // none in this runtime
    const Position c = just_after(s, at - 1);
    if (index(c) < here && index(c) > index(best)) best = c;
  }
  return best;
}

bool CompareTimeline::ends_in_book_step(int s, std::size_t pos) {
  // The fold's advance counter changes exactly at a book step (history.hpp).
  const CompareHistorySide& d = side_[s];
  const std::uint64_t before = d.keys->seek(pos - 1, d.count).book.advances;
  return d.keys->seek(pos, d.count).book.advances != before;
}

CompareTimeline::Position CompareTimeline::at_index(std::size_t k) {
  k = std::min(k, total());
  // The prefix of k events: the smallest count of A's events such that no
  // A event left out comes before a B event taken in.
  std::size_t lo = lo_[0] + (k > span(1) ? k - span(1) : 0);
  std::size_t hi = lo_[0] + std::min(k, span(0));
  while (lo < hi) {
    const std::size_t a = lo + (hi - lo) / 2;
    const std::size_t b = lo_[1] + k - (a - lo_[0]);
    const bool too_few = b > lo_[1] && a_first(a, b - 1);
    if (too_few)
      lo = a + 1;
    else
      hi = a;
  }
  return {lo, lo_[1] + k - (lo - lo_[0])};
}

double CompareTimeline::seconds(Position p) const {
  std::uint64_t t = 0;
  for (int s = 0; s < 2; ++s) {
    if (p[s] <= lo_[s]) continue;
    const std::uint64_t ts = side_[s].store->display_time(p[s] - 1);
    t = std::max(t, ts > t0_[s] ? ts - t0_[s] : 0);
  }
  return static_cast<double>(t) / 1e9;
}

void compare_history_go(CompareHistoryState& h, const CompareTimeline& line,
                        CompareTimeline::Position p) {
  h.live = p == line.live();
  h.at = p;
}

} // namespace pollscope::gui
