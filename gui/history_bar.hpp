// The history bar and its keys: every moment of the run, reachable. The bar
// sits in the main menu bar and spans the whole record (event index and
// time); the panels show the moment it stands at (App builds their FrameView
// from the cursor's state there). While the user looks back the runtime goes
// on: the bar says how far behind live the view is, and Live / End follow the
// present again.
#pragma once

#include "gui/panels.hpp"
#include "record/fold_pump.hpp"

#include <cstddef>

namespace pollscope::gui {

namespace keys {
inline constexpr const char* kEventBackForward = "Left / Right arrow";
inline constexpr const char* kBookStepBackForward = "Shift+Left / Shift+Right";
inline constexpr const char* kStartLive = "Home / End";
} // namespace keys

// The position the panels show: `count` (the newest published) when live.
[[nodiscard]] inline std::size_t history_position(const HistoryState& h, std::size_t count) {
  return h.live || h.index >= count ? count : h.index;
}
// Moves the view to position `pos` (live at or past `count`).
void history_go(HistoryState& h, std::size_t pos, std::size_t count);

// Left/Right, Shift+Left/Right, Home/End, unless a text field has the
// keyboard. True if the position changed.
bool handle_history_keys(HistoryState& h, const record::FoldPump& pump, std::size_t count);

// Inside the main menu bar: the bar, where it stands, the "behind live"
// notice and the Live button. True if the user moved it.
bool draw_history_bar(HistoryState& h, const record::FoldPump& pump, std::size_t count,
                      float right_reserve);

} // namespace pollscope::gui
