#include "gui/layout.hpp"

#include <cstring>

namespace pollscope::gui {
namespace {

// The design grid, in pixels of a 1280x800 window under a ~20 px menu bar:
//
//   +-----------+--------------------------+-------------+
//   | Controls  | Runtime diagram          | Run queue   |
//   |           |                          | Timers      |
//   |           |                          | Wakers      |
//   +-----------+--------------------------+-------------+
//   | Output    | Tasks                    | Event log   |
//   +-----------+--------------------------+-------------+
struct DesignRect {
  const char* title;
  float x, y, w, h;
};
constexpr float kDesignW = 1280, kDesignTop = 20, kDesignH = 800;
constexpr DesignRect kDesign[] = {
    {title::kControls, 0, 20, 300, 480},   {title::kDiagram, 300, 20, 610, 480},
    {title::kRunQueue, 910, 20, 370, 160}, {title::kTimers, 910, 180, 370, 180},
    {title::kWakers, 910, 360, 370, 140},  {title::kOutput, 0, 500, 300, 300},
    {title::kTasks, 300, 500, 610, 300},   {title::kEventLog, 910, 500, 370, 300},
};

// UI thread only: a "Reset layout" request, applied for one frame.
bool g_reset_requested = false;
bool g_reset_this_frame = false;

} // namespace

PanelRect default_rect(const char* title, ImVec2 display, float top) {
  const float sx = display.x / kDesignW;
  const float sy = (display.y - top) / (kDesignH - kDesignTop);
  for (const DesignRect& r : kDesign) {
    if (std::strcmp(r.title, title) == 0) {
      return {ImVec2(r.x * sx, top + (r.y - kDesignTop) * sy), ImVec2(r.w * sx, r.h * sy)};
    }
  }
  return {ImVec2(display.x * 0.3f, display.y * 0.3f), ImVec2(display.x * 0.4f, display.y * 0.4f)};
}

void request_layout_reset() { g_reset_requested = true; }

ImGuiCond layout_condition() {
  return g_reset_this_frame ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
}

void end_layout_frame() {
  g_reset_this_frame = g_reset_requested;
  g_reset_requested = false;
}

} // namespace pollscope::gui
