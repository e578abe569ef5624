// The diagram draws the book's steps, the narration and the wake arrow from
// the fold's state only; these check what it would show, and that the three
// agree at every event.
#include "gui_test_support.hpp"

#include "fold/workload.hpp"
#include "gui/diagram_parts.hpp"

#include <doctest/doctest.h>

namespace pollscope::gui {
namespace {

using test::BareImGui;
using test::FoldedLog;
using test::LogBuilder;

TEST_CASE("the ring shows the focused task's steps taken, lit at the latest advance") {
  StringTable strings;
  LogBuilder b(strings);
  FoldedLog log;
  auto after = [&](auto&& step) {
    const std::size_t from = b.events.size();
    step();
    log.apply({b.events.begin() + static_cast<std::ptrdiff_t>(from), b.events.end()});
    return diagram::ring(log.fold.state(), 1);
  };
  CHECK(after([&] { b.start(10); }) == diagram::Ring{0, 0});
  CHECK(after([&] { b.spawn(1); }) == diagram::Ring{2, 0b11});
  CHECK(after([&] { b.poll_pending(1); }) == diagram::Ring{4, 0b1111});
  CHECK(after([&] { b.fire(1); }) == diagram::Ring{8, 0b11111111});
  CHECK(after([&] { b.poll_ready(1); }) == diagram::Ring{9, 0b111111111});
  // Another task's ring shows nothing lit.
  CHECK(diagram::ring(log.fold.state(), 2) == diagram::Ring{0, 0});
}

TEST_CASE("the wake arrow names the newest wake's timer thread and task, not an older one") {
  StringTable strings;
  LogBuilder b(strings);
  b.start(10);
  b.spawn(1);
  b.spawn(2);
  b.poll_pending(1);
  b.poll_pending(2);
  FoldedLog log;
  log.apply(b.events);
  CHECK(diagram::wake_arrow(log.fold.state()) == diagram::WakeArrow{});
  // Timer 2 wakes task 2 from its own thread.
  Event e;
  e.kind = EventKind::WakerWoken;
  e.task = 2;
  e.waker = 100002;
  e.timer = 2;
  e.lane = Lane::Timer;
  log.apply({e});
  CHECK(diagram::wake_arrow(log.fold.state()) ==
        diagram::WakeArrow{2, 2, log.fold.state().log.events_applied - 1});
  // Then timer 1 wakes task 1: the arrow moves to it.
  e.task = 1;
  e.waker = 100001;
  e.timer = 1;
  log.apply({e});
  CHECK(diagram::wake_arrow(log.fold.state()).timer == 1);
  CHECK(diagram::wake_arrow(log.fold.state()).task == 1);
}

TEST_CASE("at every event of random workloads the ring, the narration and the wake arrow agree") {
  StringTable strings;
  for (std::uint32_t seed = 1; seed <= 60; ++seed) {
    // Capacity 1 too: a full queue makes senders block, the case where the
    // line and the ring used to disagree.
    fold::test::Workload w(seed, 1 + seed % 6);
    for (int i = 0; i < 120; ++i) w.step();
    fold::Fold f;
    fold::WakeView newest;
    for (std::size_t i = 0; i < w.s.log.size(); ++i) {
      const Event& e = w.s.log[i];
      f.apply(e);
      const fold::FoldState& st = f.state();
      if (e.kind == EventKind::RuntimeStarted || e.kind == EventKind::RuntimeReset) newest = {};
      if (e.kind == EventKind::WakerWoken && e.task != 0) newest = st.wake;
      INFO("seed " << seed << ", event " << i);
      const fold::Narration n = fold::narrate(st, strings);
      const diagram::Ring r = diagram::ring(st, n.task);
      // The same step of the same task.
      REQUIRE(n.step == st.book.step);
      REQUIRE(n.task == st.book.task);
      REQUIRE(r.current == n.step);
      if (n.step != 0) REQUIRE(((r.taken >> (n.step - 1)) & 1u) == 1u);
      // The line starts with that step's number.
      const std::string line = fold::narration_line(st, strings);
      if (n.step != 0) REQUIRE(line.rfind("Step " + std::to_string(n.step) + " of 9", 0) == 0);
      // The wake arrow is the newest wake, from its timer thread.
      const diagram::WakeArrow a = diagram::wake_arrow(st);
      REQUIRE(a.timer == newest.timer);
      REQUIRE(a.task == (newest.timer != 0 ? newest.task : 0));
    }
  }
}

TEST_CASE("every book step has the book's words and what pollscope shows for it") {
  for (int s = 1; s <= diagram::kBookSteps; ++s) {
    CHECK(!diagram::book_step_text(s).empty());
    CHECK(!diagram::book_step_detail(s).empty());
  }
  CHECK(diagram::book_step_text(0).empty());
  CHECK(diagram::book_step_text(10).empty());
}

TEST_CASE("the diagram draws every moment of a run without touching anything but the state") {
  BareImGui imgui;
  StringTable strings;
  LogBuilder b(strings);
  b.start(1);
  b.spawn(1);
  b.poll_pending(1);
  b.fire(1);
  b.poll_ready(1);
  FoldedLog log;
  DiagramState st;
  Selection sel;
  bool open = true;
  for (const Event& e : b.events) {
    log.apply({e});
    const FrameView view{log.fold.state(), log.view(), strings, e.t, 0};
    imgui.frame([&] { draw_diagram(view, st, sel, &open); });
  }
  CHECK(open);
}

} // namespace
} // namespace pollscope::gui
