// History navigation: where Shift+Left / Shift+Right take the cursor, and
// that the positions the bar moves to are clamped to the record.
#include "gui_test_support.hpp"

#include "fold/describe.hpp"
#include "gui/app.hpp"
#include "gui/history.hpp"
#include "gui/history_bar.hpp"
#include "record/cursor.hpp"
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

TEST_CASE("in step mode Step polls at live, then shows the poll one book step at a time, the "
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
  // A fresh runtime in step mode opens on the book's first step, behind
  // live; End goes live, where the next Step polls.
  CHECK_FALSE(app.history().live);
  tap(269);
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
  // view has shown every book step the poll took.
  std::size_t at = first;
  const std::size_t polled = count();
  while (book_step_ahead(app.pump().store(), app.pump().checkpoints(), at, polled)) {
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

TEST_CASE("stepping hello-world from launch, Step shows the book's nine steps in order, one per "
          "press, each ringed and narrated at its moment") {
  test::BareImGui imgui;
  ImGuiIO& io = ImGui::GetIO();
  CliOptions cli;        // hello-world, paused in step mode: spawned and queued
  cli.clock = "virtual"; // the 2 s timer fires once the executor has nothing else to do
  App app(cli);
  const StringTable& strings = app.controller().strings();
  auto draw = [&] { app.draw(); };
  auto count = [&] { return app.pump().latest().events.count; };
  // What the panels show: the fold at the history's position.
  auto view = [&] {
    const std::size_t n = count();
    record::Cursor cursor(app.pump().store(), app.pump().checkpoints());
    return fold::FoldState(cursor.seek(history_position(app.history(), n), n));
  };
  // Until the live state has `polls` polls, all over. The worker carries out
  // commands in order and a virtual advance returns only once the timer has
  // fired and woken the task, so each sync brings the poll closer; bounded.
  std::uint64_t polls = 0;
  auto wait_for_polls = [&] {
    for (int i = 0; i < 100'000; ++i) {
      app.controller().sync();
      app.pump().flush();
      const fold::ExecutorView& x = app.pump().latest().state.executor;
      if (x.total_polls >= polls && x.current_task == 0) return true;
    }
    return false;
  };
  // One press of S, as the app gets it: a frame with the key down (it asks
  // for a step), then one with it up (the step is applied). A press that
  // polls (the view showed every step) waits for the poll's events before the
  // next frame, as a user's next look would.
  auto press_step = [&] {
    const bool polls_now = !book_step_ahead(app.pump().store(), app.pump().checkpoints(),
                                            history_position(app.history(), count()), count());
    io.KeysDown['S'] = true;
    imgui.frame(draw);
    io.KeysDown['S'] = false;
    imgui.frame(draw);
    if (polls_now) {
      ++polls;
      REQUIRE(wait_for_polls());
      imgui.frame(draw);
    }
  };

  app.controller().sync();
  app.pump().flush();
  imgui.frame(draw);
  fold::FoldState shown = view();
  // The runtime spawned and queued the task at launch; a new runtime in step
  // mode opens on its first book step, so eight presses show the other eight.
  CHECK(shown.book.step == 1);
  CHECK(fold::narrate(shown, strings).step == 1);
  CHECK(history_position(app.history(), count()) == shown.book.event + 1);
  CHECK(app.pump().latest().state.book.step == 2); // live, it is already queued

  for (int step = 2; step <= fold::kBookSteps; ++step) {
    CAPTURE(step);
    const std::uint64_t advances = shown.book.advances;
    press_step();
    shown = view();
    CHECK(shown.book.advances == advances + 1); // exactly one step per press
    CHECK(shown.book.step == step);             // the ring
    CHECK(shown.book.task == 1);
    const fold::Narration n = fold::narrate(shown, strings);
    CHECK(n.step == step); // the top line tells the same step
    CHECK(n.task == 1);
    CHECK(n.since.empty()); // and that step is the moment shown, nothing after it
    // The view stands on the very event that took the step.
    CHECK(history_position(app.history(), count()) == shown.book.event + 1);
  }
  CHECK(polls == 2); // the first poll (3, 4) and the one after the timer (5 to 9): 8 presses
  CHECK(app.pump().latest().state.executor.total_polls == 2);
}

TEST_CASE("Run from step mode takes the view to live, where stepping had pinned it to a book "
          "step") {
  test::BareImGui imgui;
  ImGuiIO& io = ImGui::GetIO();
  io.KeyMap[ImGuiKey_Space] = 32;
  CliOptions cli; // hello-world, paused in step mode
  cli.clock = "virtual";
  App app(cli);
  auto settle = [&] {
    app.controller().sync();
    app.pump().flush();
    imgui.frame([&] { app.draw(); });
  };
  settle();
  REQUIRE_FALSE(app.history().live); // opened on the book's first step
  io.KeysDown[32] = true;            // Space: Run
  imgui.frame([&] { app.draw(); });
  io.KeysDown[32] = false;
  settle();
  settle();
  CHECK(app.history().live);
  // And it stays there as the run goes on: the view follows the run.
  settle();
  CHECK(app.history().live);
  CHECK(history_position(app.history(), app.pump().latest().events.count) ==
        app.pump().latest().events.count);
}

} // namespace
} // namespace pollscope::gui
