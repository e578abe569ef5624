// App: the running runtime (a Controller), the fold pump that watches it, and
// the state of every panel. `draw()` is one frame of the whole UI; it is the
// same code in the desktop app, the screenshot mode and the headless tests.
//
// Threading: everything here is for the UI thread, except what FoldPump runs
// on its own thread (see fold_pump.hpp).
#pragma once

#include "gui/events_file.hpp"
#include "gui/fold_pump.hpp"
#include "gui/headless/cli.hpp"
#include "gui/panels.hpp"
#include "runtime/controller.hpp"

#include <memory>

namespace pollscope::gui {

// The controller options the command line asks for.
[[nodiscard]] ControllerOptions controller_options(const CliOptions& cli);

class App {
public:
  // Starts the runtime as `cli` says (scenario, clock, capacity, mode). If
  // `events` is open, every event is written to it (--events), on the pump
  // thread; it must outlive the App.
  explicit App(const CliOptions& cli, EventsFile* events = nullptr);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // One frame of UI: call between ImGui::NewFrame() and ImGui::Render().
  void draw();

  // Whether the picture is changing (new events lately, timers counting
  // down, a status line fading): the loop then draws at full rate.
  [[nodiscard]] bool animating() const noexcept;

  [[nodiscard]] Controller& controller() noexcept { return *controller_; }
  [[nodiscard]] FoldPump& pump() noexcept { return *pump_; }
  [[nodiscard]] const ControlRects& control_rects() const noexcept { return controls_.rects; }
  [[nodiscard]] PanelsOpen& panels() noexcept { return open_; }

private:
  void draw_menu_bar(const FrameView& view);

  // Declaration order is destruction order reversed: the pump (which reads
  // the controller's log) stops before the controller goes away.
  std::unique_ptr<Controller> controller_;
  std::unique_ptr<FoldPump> pump_;
  const EventsFile* events_ = nullptr; // --events, to show a failed write

  PanelsOpen open_;
  Selection selection_;
  DiagramState diagram_;
  TasksPanelState tasks_;
  WakersPanelState wakers_;
  TimersPanelState timers_;
  EventLogState event_log_;
  OutputPanelState output_;
  LintsPanelState lints_;
  ControlsState controls_;
  bool show_keys_ = false;
  std::uint64_t last_serial_ = 0;
  std::size_t last_runtime_begin_ = 0; // to notice a reset (see draw)
  double last_change_time_ = -1e9;     // ImGui time the snapshot last changed
  bool timers_live_ = false;
};

} // namespace pollscope::gui
