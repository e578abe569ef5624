// Compare mode's window: the lesson, a bar that drives both sides (Run,
// Pause, Step, Reset, the time scale, the scenario and each side's
// policies), the two sides side by side (each a compact diagram: its
// policies, executor, run queue with its "dup N" badges, tasks by state,
// timer threads alive, its lints) and the metrics table. It fills the
// window below the menu bar; the single view's panels are hidden meanwhile.
//
// Draws each side from that side's pump snapshot, or its fold state at the
// shared history cursor (CompareSide::view), and its timeline only, like
// every panel. UI thread only.
#pragma once

#include "gui/compare_history.hpp"
#include "gui/compare_metrics.hpp"
#include "gui/compare_mode.hpp"
#include "gui/panels.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pollscope::gui {

struct CompareViewState {
  bool leave = false; // "Back to single view" pressed: the App ends compare mode
  // The shared history cursor (gui/compare_history.hpp), and each side's
  // runtime it was set in: a Reset sends the view back to live.
  CompareHistoryState history;
  std::size_t runtime_begins[2] = {SIZE_MAX, SIZE_MAX};
  // For the frame pacer only: when either side's snapshot last changed
  // (ImGui time), and whether timers count down on either side.
  std::uint64_t serials[2] = {0, 0};
  double last_change = -1e9;
  bool timers_live = false;
  [[nodiscard]] bool animating(double now) const noexcept {
    return timers_live || now - last_change < 1.5;
  }
};

// One frame of compare mode (between NewFrame and Render, after the menu
// bar). Space, S and R drive both sides, the arrows, Home and End move the
// shared history cursor; the main buttons' rectangles go to `rects`
// (--print-ready). Every part drawn from a side's fold is drawn at the cursor.
void draw_compare(CompareMode& mode, CompareViewState& st, ControlRects& rects);

// The metrics table's rows for both sides as their pumps show them now
// (a snapshot each: call at most once a frame, as draw_compare does).
[[nodiscard]] std::vector<MetricRow> compare_metric_rows(CompareMode& mode, const FrameView& a,
                                                         const FrameView& b);

} // namespace pollscope::gui
