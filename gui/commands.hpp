// What the buttons and the keyboard shortcuts do. Both go through these
// functions, so Space and the Run button can never disagree. Every command
// is a non-blocking Controller call; its outcome (spawned, queue full, ...)
// is written to ControlsState::status for the controls panel to show.
// With a recording open (ControlsState::no_runtime) every command refuses
// and says why, whatever called it (a button, a key, the Lints panel).
#pragma once

#include "gui/panels.hpp"

namespace pollscope {
class Controller;
struct ControllerOptions;
}

namespace pollscope::gui {

// The keys, for tooltips and the Help menu.
namespace keys {
inline constexpr const char* kRunPause = "Space";
inline constexpr const char* kStep = "S";
inline constexpr const char* kPollOnce = "P";
inline constexpr const char* kSpawn = "T";
inline constexpr const char* kReset = "R";
inline constexpr const char* kSaveRecording = "Ctrl+S";
inline constexpr const char* kOpenRecording = "Ctrl+O";
// The delivery gate (gui/timers_panel.cpp): timer 1-9's held wake; all held, deadline order.
inline constexpr const char* kDeliverTimer = "1 - 9";
inline constexpr const char* kDeliverAll = "D";
} // namespace keys

// Why the commands are off while a recording is open (tooltips, status).
inline constexpr const char* kNoRuntime = "A recording: no runtime behind it.";

void cmd_run(Controller& c, ControlsState& st);
void cmd_pause(Controller& c, ControlsState& st);
void cmd_toggle_run(Controller& c, const FrameView& view, ControlsState& st);
// Step: in step mode, one book step of the view (the App walks the history
// and polls only when the view has shown everything: see App::apply_steps);
// otherwise one poll, as `cmd_poll_once`.
void cmd_step(Controller& c, ControlsState& st);
// One poll of the executor, whatever the view shows.
void cmd_poll_once(Controller& c, ControlsState& st);
// What the commands accept. A field holding more (or less) is clamped to it
// as soon as the user leaves the field, so the field shows what will run.
inline constexpr int kMaxDurationMs = 3'600'000; // an hour
inline constexpr int kMaxSpawnCount = 100'000;
inline constexpr int kMaxCapacity = 1'000'000;
void settle_inputs(ControlsState& st); // clamps every field; orders min <= max

void cmd_spawn_timer(Controller& c, ControlsState& st);
void cmd_spawn_timers(Controller& c, ControlsState& st);
// Tears the runtime down and starts a fresh one with the picked scenario and
// queue capacity, paused in step mode.
void cmd_reset(Controller& c, ControlsState& st);
// Spawns the picked scenario's tasks into the running runtime.
void cmd_add_scenario(Controller& c, ControlsState& st);

// The picker's entries: every scenario, then "empty" (a runtime with no tasks).
[[nodiscard]] int scenario_choices();
[[nodiscard]] std::string_view scenario_name(int index); // "" for empty
[[nodiscard]] std::string_view scenario_summary(int index);
[[nodiscard]] int scenario_index(std::string_view name); // 0 if unknown

// Space, S, P, T and R, unless a text field has the keyboard. Without
// `step_key`, S is left alone (the Timeline zooms out with it under the mouse).
void handle_shortcuts(Controller& c, const FrameView& view, ControlsState& st,
                      bool step_key = true);

// A scenario picked in place of `o.scenario`: `o` takes its name, and its
// file's default --count if it sets one (a lesson's 10,000 timers).
void pick_scenario(ControllerOptions& o, std::string_view name);

} // namespace pollscope::gui
