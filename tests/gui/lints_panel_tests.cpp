// The Lints panel and its marks elsewhere, drawn headless: a fired lint is
// listed, clicking it selects its task and seeks the event log to the event
// where it fired; the deadlock's cycle and the badges draw without an ImGui
// assert (libimgui is built with IM_ASSERT on).
#include "gui_test_support.hpp"

#include "gui/layout.hpp"
#include "gui/panels.hpp"
#include "runtime/controller.hpp"

#include <doctest/doctest.h>

#include <imgui_internal.h> // FindWindowByName: where the list is drawn

#include <cstring>

namespace pollscope::gui {
namespace {

using test::BareImGui;
using test::FoldedLog;
using test::LogBuilder;

// Task 1 is lost (Pending with no waker); then the executor, polling task 2,
// blocks sending task 2 into its own full queue: a deadlock.
std::vector<Event> faulty_log(StringTable& strings) {
  LogBuilder b(strings);
  b.start(2);
  b.spawn(1);
  b.add(EventKind::QueuePop, 1, 0, 0, 0, 0);
  b.add(EventKind::PollBegin, 1);
  b.add(EventKind::PollEnd, 1, 0, 0, 5000, 0); // returned Pending, stored nothing
  b.spawn(2);
  b.spawn(3);
  b.add(EventKind::QueuePop, 2, 0, 0, 1, 1);
  b.add(EventKind::PollBegin, 2);
  b.spawn(4); // the queue is full again
  b.add(EventKind::WakerWoken, 2, 2, 0, 0, 0, kFlagByRef);
  b.add(EventKind::SendBlocked, 2);
  return b.events;
}

ImGuiWindow* lints_list_window() {
  for (ImGuiWindow* w : ImGui::GetCurrentContext()->Windows)
    if (std::strncmp(w->Name, "Lints/lints", 11) == 0) return w;
  return nullptr;
}

TEST_CASE("a fired lint is listed, clicking it selects its task and seeks the event log there") {
  BareImGui imgui;
  StringTable strings;
  FoldedLog log;
  log.apply(faulty_log(strings));
  const fold::FoldState& state = log.fold.state();
  REQUIRE(state.lints.cycle.active());

  ControllerOptions opts;
  opts.scenario = "";
  Controller controller(opts);
  PanelsOpen open;
  Selection sel;
  DiagramState diagram;
  TasksPanelState tasks;
  EventLogState event_log;
  LintsPanelState lints;
  ControlsState controls;
  lints.update(state, 1);
  // In the order they fired: the lost waker, task 2's wake of itself, the cycle.
  REQUIRE(lints.lints.size() == 3);
  CHECK(lints.lints[0].kind == fold::LintKind::LostWaker);
  CHECK(lints.lints[1].kind == fold::LintKind::SelfWake);
  CHECK(lints.lints[2].kind == fold::LintKind::Deadlock);
  CHECK(lints.lints[2].active);

  ImGuiIO& io = ImGui::GetIO();
  auto frame = [&] {
    const FrameView view{state, log.view(), strings, state.log.last_t, 1, &lints.lints};
    imgui.frame([&] {
      draw_diagram(view, diagram, sel, &open.diagram);
      draw_tasks(view, tasks, sel, &open.tasks);
      draw_event_log(view, event_log, sel, &open.event_log);
      draw_lints(view, lints, sel, event_log, controller, controls, &open.lints);
    });
  };
  for (int i = 0; i < 3; ++i) frame();
  CHECK(event_log.follow);
  ImGuiWindow* list = lints_list_window();
  REQUIRE(list != nullptr);
  // The first entry's message line: the lost waker of task 1.
  io.MousePos = ImVec2(list->Pos.x + 30, list->Pos.y + ImGui::GetFontSize() * 1.6f);
  frame();
  io.MouseDown[0] = true;
  frame();
  io.MouseDown[0] = false;
  frame();
  CHECK(sel.task == 1);
  CHECK(event_log.marked == lints.lints[0].event);
  CHECK_FALSE(event_log.follow); // parked on the event, not following the newest
  for (int i = 0; i < 2; ++i) frame();
  CHECK_FALSE(event_log.follow);
}

TEST_CASE("changing a threshold re-evaluates the lints without a new snapshot") {
  StringTable strings;
  LogBuilder b(strings);
  b.start(10);
  b.spawn(1);
  b.add(EventKind::QueuePop, 1, 0, 0, 0, 0);
  b.add(EventKind::PollBegin, 1);
  b.add(EventKind::WakerCloned, 1, 7, 0, 0, 1);
  b.add(EventKind::PollEnd, 1, 0, 0, 300'000'000, 0);
  FoldedLog log;
  log.apply(b.events);
  LintsPanelState lints;
  lints.update(log.fold.state(), 5);
  REQUIRE(lints.lints.size() == 1);
  CHECK(lints.lints[0].kind == fold::LintKind::BlockingPoll);
  lints.thresholds.blocking_poll_ns = 500'000'000;
  lints.update(log.fold.state(), 5);
  CHECK(lints.lints.empty());
}

TEST_CASE("a seek to an event the log's filter hides clears the filter") {
  BareImGui imgui;
  StringTable strings;
  FoldedLog log;
  log.apply(faulty_log(strings));
  const fold::FoldState& state = log.fold.state();
  Selection sel;
  EventLogState event_log;
  event_log.filter.task = 3; // the lost waker is task 1's
  const FrameView view{state, log.view(), strings, state.log.last_t, 1};
  imgui.frame([&] { draw_event_log(view, event_log, sel, nullptr); });
  event_log.seek = 4; // task 1's PollEnd
  imgui.frame([&] { draw_event_log(view, event_log, sel, nullptr); });
  CHECK(event_log.filter.task == 0);
  CHECK(event_log.marked == 4);
  CHECK(event_log.seek == SIZE_MAX);
}

} // namespace
} // namespace pollscope::gui
