// History navigation: where Shift+Left / Shift+Right take the cursor, and
// that the positions the bar moves to are clamped to the record.
#include "gui_test_support.hpp"

#include "gui/app.hpp"
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

TEST_CASE("in step mode Step polls at live, then shows the poll one book step at a time; the "
          "arrows move one event and End returns to live") {
  test::BareImGui imgui;
  ImGuiIO& io = ImGui::GetIO();
  io.KeyMap[ImGuiKey_LeftArrow] = 263; // the GLFW backend's codes
  io.KeyMap[ImGuiKey_End] = 269;
  CliOptions cli; // hello-world, paused in step mode: spawned and queued
  App app(cli);
  auto settle = [&] {
    app.controller().sync();
    app.pump().flush();
    imgui.frame([&] { app.draw(); });
  };
  auto tap = [&](int key) {
    io.KeysDown[key] = true;
    imgui.frame([&] { app.draw(); });
    io.KeysDown[key] = false;
    settle();
  };
  auto count = [&] { return app.pump().latest().events.count; };
  settle();
  REQUIRE(app.history().live);
  const std::size_t before_poll = count();

  tap('S'); // the view has shown everything: this press polls
  settle(); // the poll's events reach the pump; the view goes to its first step
  REQUIRE(count() > before_poll);
  const std::size_t first = history_position(app.history(), count());
  CHECK_FALSE(app.history().live);
  CHECK(first > before_poll);
  CHECK(first < count()); // the first new book step, not the newest event

  // Each further press is one book step of the view, with no poll, until the
  // view has caught up.
  std::size_t at = first;
  const std::size_t polled = count();
  while (at < polled) {
    tap('S');
    const std::size_t next = history_position(app.history(), count());
    REQUIRE(next > at);
    at = next;
  }
  CHECK(app.pump().latest().state.executor.total_polls == 1);

  tap(263); // Left: one event back
  CHECK(history_position(app.history(), count()) == at - 1);
  tap(269); // End: live
  CHECK(app.history().live);
}

} // namespace
} // namespace pollscope::gui
