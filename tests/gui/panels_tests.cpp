// Every panel, drawn for a few frames on a bare Dear ImGui context (no
// display, no GL) from a fold of 10,000 tasks. libimgui is built with
// IM_ASSERT on, so any misuse of the API (unbalanced Begin/End, Push/Pop,
// tables, clippers) aborts the test.
#include "gui_test_support.hpp"

#include "gui/app.hpp"
#include "gui/commands.hpp"
#include "gui/panels.hpp"
#include "gui/theme.hpp"
#include "runtime/controller.hpp"

#include <doctest/doctest.h>

#include <chrono>

namespace pollscope::gui {
namespace {

using test::BareImGui;
using test::FoldedLog;
using test::LogBuilder;

// 10,000 tasks in every state: queued, pending on a timer, woken again, done.
void build_big_log(StringTable& strings, FoldedLog& log) {
  LogBuilder b(strings);
  b.start(20000);
  for (TaskId id = 1; id <= 10000; ++id) b.spawn(id);
  for (TaskId id = 1; id <= 6000; ++id) b.poll_pending(id);
  for (TaskId id = 1; id <= 3000; ++id) b.fire(id);
  for (TaskId id = 1; id <= 1500; ++id) b.poll_ready(id);
  log.apply(b.events);
}

TEST_CASE("every panel draws 10,000 tasks for several frames without an ImGui assert") {
  BareImGui imgui;
  apply_theme(1.0f); // the real font path too (DejaVu when installed)
  BareImGui::build_fonts();
  StringTable strings;
  FoldedLog log;
  build_big_log(strings, log);
  const fold::FoldState& state = log.fold.state();
  REQUIRE(state.tasks.size() == 10000);

  ControllerOptions opts;
  opts.scenario = ""; // the controls need a controller; an empty runtime will do
  Controller controller(opts);

  PanelsOpen open;
  Selection sel;
  DiagramState diagram;
  TasksPanelState tasks;
  WakersPanelState wakers;
  TimersPanelState timers;
  EventLogState event_log;
  OutputPanelState output;
  ControlsState controls;
  for (int frame = 0; frame < 6; ++frame) {
    // Later frames: a selection, filters and dropped wakers exercise other paths.
    if (frame == 3) {
      sel.task = 42;
      event_log.filter.task = 42;
      wakers.show_dropped = true;
      tasks.query.text = "timer";
      tasks.query_changed = true;
    }
    const FrameView view{state, log.view(), strings, state.log.last_t + 1'000'000,
                         static_cast<std::uint64_t>(frame + 1)};
    imgui.frame([&] {
      draw_diagram(view, diagram, sel, &open.diagram);
      draw_controls(view, controller, controls, &open.controls);
      draw_run_queue(view, sel, &open.run_queue);
      draw_tasks(view, tasks, sel, &open.tasks);
      draw_wakers(view, wakers, sel, &open.wakers);
      draw_timers(view, timers, sel, &open.timers);
      draw_event_log(view, event_log, sel, &open.event_log);
      draw_output(view, output, &open.output);
    });
  }
  CHECK(tasks.rows.size() == 10000);
  CHECK(controls.rects.valid);
  // The filtered log holds task 42's events only: its spawn, polls, timer, wake.
  CHECK(!event_log.filtered.rows().empty());
  CHECK(event_log.filtered.rows().size() < 40);
  CHECK(wakers.rows.size() == state.wakers.size());
}

TEST_CASE("a closed or collapsed panel draws nothing and keeps Begin/End balanced") {
  BareImGui imgui;
  StringTable strings;
  FoldedLog log;
  build_big_log(strings, log);
  const fold::FoldState& state = log.fold.state();
  const FrameView view{state, log.view(), strings, state.log.last_t, 1};
  Selection sel;
  DiagramState diagram;
  EventLogState event_log;
  for (int frame = 0; frame < 3; ++frame) {
    imgui.frame([&] {
      ImGui::SetNextWindowCollapsed(true, ImGuiCond_Always);
      draw_diagram(view, diagram, sel, nullptr);
      ImGui::SetNextWindowCollapsed(true, ImGuiCond_Always);
      draw_event_log(view, event_log, sel, nullptr);
    });
  }
  CHECK(diagram.chips.empty()); // collapsed: no chip was laid out
}

TEST_CASE("the whole app draws with a live runtime holding 10,000 queued timer tasks") {
  BareImGui imgui;
  CliOptions cli;
  cli.scenario = "hello-world";
  App app(cli);
  REQUIRE(app.controller().spawn_timers(9999, std::chrono::milliseconds(100),
                                        std::chrono::milliseconds(200), 7) == SpawnStatus::Spawned);
  app.controller().sync();
  app.pump().flush();
  for (int frame = 0; frame < 4; ++frame) imgui.frame([&] { app.draw(); });
  CHECK(app.pump().latest().state.tasks.size() == 10000);
  CHECK(app.pump().latest().state.queue.entries.size() == 10000);
  CHECK(app.control_rects().valid);
}

TEST_CASE("shortcuts: T spawns a timer task, Space runs, R resets") {
  BareImGui imgui;
  CliOptions cli;
  cli.scenario = "";
  App app(cli);
  ImGuiIO& io = ImGui::GetIO();
  auto tap = [&](int key) {
    io.KeysDown[key] = true;
    imgui.frame([&] { app.draw(); });
    io.KeysDown[key] = false;
    imgui.frame([&] { app.draw(); });
    app.controller().sync();
    app.pump().flush();
  };
  tap('T');
  CHECK(app.pump().latest().state.tasks.size() == 1);
  tap(32); // Space: step mode -> run
  CHECK(app.pump().latest().state.executor.mode == ExecutorMode::Run);
  tap('R');
  CHECK(app.pump().latest().state.tasks.size() == 0);
  CHECK(app.pump().latest().state.executor.mode == ExecutorMode::Step);
}

} // namespace
} // namespace pollscope::gui
