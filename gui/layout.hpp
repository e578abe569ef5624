// The default window layout: where each panel goes the first time the app
// runs (Dear ImGui 1.86 has no docking, so panels are plain windows placed
// with ImGuiCond_FirstUseEver; later the user's own layout is restored from
// imgui.ini). Designed for 1280x800 and scaled to the actual display size.
#pragma once

#include <imgui.h>

namespace pollscope::gui {

namespace title {
inline constexpr const char* kDiagram = "Runtime diagram";
inline constexpr const char* kControls = "Controls";
inline constexpr const char* kRunQueue = "Run queue";
inline constexpr const char* kTasks = "Tasks";
inline constexpr const char* kWakers = "Wakers";
inline constexpr const char* kTimers = "Timer threads";
inline constexpr const char* kEventLog = "Event log";
inline constexpr const char* kOutput = "Output";
inline constexpr const char* kLints = "Lints";
inline constexpr const char* kTimeline = "Timeline";
inline constexpr const char* kHistograms = "Histograms";
} // namespace title

struct PanelRect {
  ImVec2 pos;
  ImVec2 size;
};

// The default rectangle of the panel named `title` on a display of `display`
// size, with the main menu bar `top` pixels high.
[[nodiscard]] PanelRect default_rect(const char* title, ImVec2 display, float top);

// Puts every panel back at its default place on the next frame (View menu).
void request_layout_reset();
// The condition panels use for their position and size this frame.
[[nodiscard]] ImGuiCond layout_condition();
// Called once per frame after the panels: a requested reset lasts one frame.
// Also requests one when the window was resized while every open panel sat
// at its default place.
void end_layout_frame();

} // namespace pollscope::gui
