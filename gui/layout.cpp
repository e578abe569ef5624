#include "gui/layout.hpp"

#include <imgui_internal.h> // FindWindowByName: where each panel is now

#include <cmath>
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
//   +-----------+                          |             |
//   | Lints     |                          |             |
//   +-----------+--------------------------+-------------+
//
// The Timeline and Histograms panels open closed (View menu). Opened, the
// Timeline covers the bottom row left of the Event log, which stays in view
// so a click on the timeline visibly moves it; the Histograms cover Controls.
struct DesignRect {
  const char* title;
  float x, y, w, h;
};
constexpr float kDesignW = 1280, kDesignTop = 20, kDesignH = 800;
constexpr DesignRect kDesign[] = {
    {title::kControls, 0, 20, 300, 480},   {title::kDiagram, 300, 20, 610, 480},
    {title::kRunQueue, 910, 20, 370, 160}, {title::kTimers, 910, 180, 370, 180},
    {title::kWakers, 910, 360, 370, 140},  {title::kOutput, 0, 500, 300, 120},
    {title::kTasks, 300, 500, 610, 300},   {title::kEventLog, 910, 500, 370, 300},
    {title::kLints, 0, 620, 300, 180},     {title::kTimeline, 0, 500, 910, 300},
    {title::kHistograms, 0, 20, 300, 480},
};

// UI thread only: a "Reset layout" request, applied for one frame.
bool g_reset_requested = false;
bool g_reset_this_frame = false;
// UI thread only: the display size of the last frame, and whether every open
// panel was where the layout puts it for that size.
ImVec2 g_last_display(0, 0);
bool g_panels_at_default = false;

bool near(float a, float b) { return std::fabs(a - b) <= 2.0f; }

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

namespace {

bool panels_at_default(ImVec2 display, float top) {
  for (const DesignRect& d : kDesign) {
    const ImGuiWindow* w = ImGui::FindWindowByName(d.title);
    if (w == nullptr || !w->WasActive) continue; // a closed panel does not count
    const PanelRect r = default_rect(d.title, display, top);
    if (!near(w->Pos.x, r.pos.x) || !near(w->Pos.y, r.pos.y) || !near(w->Size.x, r.size.x) ||
        !near(w->Size.y, r.size.y))
      return false;
  }
  return true;
}

} // namespace

void end_layout_frame() {
  // The panels follow the window's size while they sit where the layout put
  // them: a resize re-applies the layout for the new size. Once the user has
  // moved or resized a panel, their arrangement stays (View > Reset layout
  // brings the default back). Whether the panels are at their defaults is
  // judged only while the size is steady: during a resize Dear ImGui may
  // already have clamped them to the new size.
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const ImVec2 display = vp->Size;
  if (display.x != g_last_display.x || display.y != g_last_display.y) {
    if (g_last_display.x > 0 && g_panels_at_default) g_reset_requested = true;
  } else {
    g_panels_at_default = panels_at_default(display, vp->Pos.y + ImGui::GetFrameHeight());
  }
  g_last_display = display;
  g_reset_this_frame = g_reset_requested;
  g_reset_requested = false;
}

} // namespace pollscope::gui
