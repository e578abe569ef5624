// App: the running runtime (a Controller), the fold pump that watches it, and
// the state of every panel. `draw()` is one frame of the whole UI; it is the
// same code in the desktop app, the screenshot mode and the headless tests.
//
// Threading: everything here is for the UI thread, except what FoldPump runs
// on its own thread (see record/fold_pump.hpp).
#pragma once

#include "cli/cli.hpp"
#include "gui/panels.hpp"
#include "record/cursor.hpp"
#include "record/events_file.hpp"
#include "record/fold_pump.hpp"
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
  explicit App(const CliOptions& cli, record::EventsFile* events = nullptr);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // One frame of UI: call between ImGui::NewFrame() and ImGui::Render().
  void draw();

  // Whether the picture is changing (new events lately, timers counting
  // down, a status line fading): the loop then draws at full rate.
  [[nodiscard]] bool animating() const noexcept;

  [[nodiscard]] Controller& controller() noexcept { return *controller_; }
  [[nodiscard]] record::FoldPump& pump() noexcept { return *pump_; }
  [[nodiscard]] const ControlRects& control_rects() const noexcept { return controls_.rects; }
  [[nodiscard]] const HistoryState& history() const noexcept { return history_; }
  [[nodiscard]] PanelsOpen& panels() noexcept { return open_; }

private:
  void draw_menu_bar(const FrameView& view);
  void draw_open_scenario(); // File -> Open scenario: a path field and the file's error
  // Step presses (ControlsState::steps_asked): in step mode each moves the
  // view one book step, and polls only when the view already shows live.
  void apply_steps(const FrameView& live);

  // Declaration order is destruction order reversed: the pump (which reads
  // the controller's log) stops before the controller goes away.
  std::unique_ptr<Controller> controller_;
  std::unique_ptr<record::FoldPump> pump_;
  std::unique_ptr<record::Cursor> cursor_;     // the history bar's moment (UI thread)
  const record::EventsFile* events_ = nullptr; // --events, to show a failed write

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
  HistoryState history_;
  bool show_keys_ = false;
  bool open_scenario_ = false;    // File -> Open scenario was chosen: open the popup
  char scenario_path_[1024] = {}; // the popup's path field
  bool scenario_refocus_ = false; // give the path field the keyboard next frame
  std::string scenario_error_;    // the last refused file's message, shown in the popup
  std::uint64_t view_serial_ = 1;   // FrameView::serial: changes with what the panels show
  std::uint64_t last_view_key_ = 0; // the cursor position, or the snapshot serial live
  bool last_view_past_ = false;
  std::uint64_t last_serial_ = 0;
  std::size_t last_runtime_begin_ = 0; // to notice a reset (see draw)
  double last_change_time_ = -1e9;     // ImGui time the snapshot last changed
  bool timers_live_ = false;
};

} // namespace pollscope::gui
