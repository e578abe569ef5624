// History navigation: where Shift+Left / Shift+Right take the cursor, and
// that the positions the bar moves to are clamped to the record.
#include "gui/history.hpp"
#include "gui/history_bar.hpp"
#include "record/recorder.hpp"

#include "fold/workload.hpp"

#include <doctest/doctest.h>

#include <vector>

namespace pollscope::gui {
namespace {

fold::FoldState fold_first(const std::vector<Event>& log, std::size_t i) {
  fold::Fold f;
  f.apply(std::span<const Event>(log).first(i));
  return f.state();
}

TEST_CASE("Shift+Right and Shift+Left land on every book step in order, and on nothing else") {
  fold::test::Workload w(17);
  for (int i = 0; i < 300; ++i) w.step();
  const std::vector<Event>& log = w.s.log;
  record::Recorder rec(record::CheckpointPolicy{32, std::size_t{1} << 30});
  for (const Event& e : log) rec.append(e);
  const std::size_t n = log.size();
  // The truth: positions whose last event is a book step.
  std::vector<std::size_t> steps;
  for (std::size_t j = 1; j <= n; ++j)
    if (is_book_step(fold_first(log, j - 1), fold_first(log, j))) steps.push_back(j);
  REQUIRE(steps.size() > 10);

  std::vector<std::size_t> forward;
  for (std::size_t at = 0; (at = next_book_step(rec.store(), rec.checkpoints(), at, n)) < n;)
    forward.push_back(at);
  if (steps.back() == n) forward.push_back(n);
  CHECK(forward == steps);

  std::vector<std::size_t> backward;
  for (std::size_t at = n; (at = previous_book_step(rec.store(), rec.checkpoints(), at, n)) > 0;)
    backward.insert(backward.begin(), at);
  std::vector<std::size_t> before_end(steps.begin(), steps.end());
  if (!before_end.empty() && before_end.back() == n) before_end.pop_back();
  CHECK(backward == before_end);
}

TEST_CASE("the history goes live at the end of the record and stays in the past before it") {
  HistoryState h;
  history_go(h, 5, 10);
  CHECK_FALSE(h.live);
  CHECK(history_position(h, 10) == 5);
  CHECK(history_position(h, 20) == 5); // the runtime goes on: the view stays put
  history_go(h, 25, 20);
  CHECK(h.live);
  CHECK(history_position(h, 30) == 30); // live follows the present
}

} // namespace
} // namespace pollscope::gui
