// The Timeline panel: one lane per thread on one time axis, the history
// cursor as a vertical line, zoom and pan as Tracy and Perfetto users expect.
//
// Sections:
//   1. lanes from the fold's thread table
//   2. navigation: wheel, drag, W/S/A/D, fit
//   3. the ruler
//   4. the lanes, only the rows in view
//   5. the panel
#include "gui/layout.hpp"
#include "gui/panels.hpp"
#include "gui/theme.hpp"
#include "gui/timeline_seek.hpp"
#include "gui/widgets.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace pollscope::gui {
namespace {

constexpr float kNamesWidth = 150; // the lane-name column, at font size 13
constexpr float kDragPx = 3;       // a press that moves less is a click

// --- 1. lanes ---------------------------------------------------------------

// The executor's lanes first, then the other threads in the order they were
// named, then the timer threads. The table only grows (rows are never reused),
// so the lanes are rebuilt only when it does.
void update_lanes(const fold::FoldState& state, TimelineState& st, float font) {
  if (st.lanes_threads == state.threads.size()) return;
  st.lanes_threads = state.threads.size();
  std::vector<ThreadIndex> executor, other, timers;
  for (std::size_t i = 1; i < state.threads.size(); ++i) {
    const fold::ThreadView& t = state.threads[i];
    const auto row = static_cast<ThreadIndex>(i);
    if (t.lane == Lane::Timer)
      timers.push_back(row);
    else if (t.lane == Lane::Executor)
      executor.push_back(row);
    else
      other.push_back(row);
  }
  executor.insert(executor.end(), other.begin(), other.end());
  const float s = font / 13.0f;
  LaneHeights h;
  h.thread *= s;
  h.counter *= s;
  h.group *= s;
  h.timer *= s;
  st.lanes.set(std::move(executor), std::move(timers), h);
}

std::string thread_label(const FrameView& whole, ThreadIndex row) {
  if (row >= whole.state.threads.size()) return "thread ?";
  const fold::ThreadView& t = whole.state.threads[row];
  std::string name(whole.strings.get(t.name));
  if (name.empty()) name = std::string(to_string(t.lane)) + " thread";
  return name;
}

// --- 2. navigation ----------------------------------------------------------

// The run on screen, in ns since its start: [0, end].
struct RunSpan {
  std::uint64_t start_abs = 0; // display time of the runtime's first event
  double end = 0;
  bool any = false;
};

RunSpan run_span(const FrameView& whole) {
  RunSpan r;
  const EventsView& ev = whole.events;
  if (ev.store == nullptr || ev.count <= ev.runtime_begin) return r;
  r.start_abs = ev.store->display_time(ev.runtime_begin);
  const std::uint64_t last = ev.store->display_time(ev.count - 1);
  r.end = static_cast<double>(last - std::min(last, r.start_abs));
  r.any = true;
  return r;
}

const char* kNavHelp =
    "Wheel: zoom at the mouse (down to single ns).  Drag: pan.\n"
    "W / S: zoom in / out,  A / D: pan left / right, as in Tracy and Perfetto (while the "
    "mouse is over the timeline; S steps again elsewhere).\n"
    "Click: go to that moment; every panel shows it (the yellow line).";

void handle_keys(TimelineState& st, double mouse_x, double width) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || io.KeyCtrl || io.KeyAlt || io.KeySuper) return;
  const double dt = std::min<double>(io.DeltaTime, 0.1);
  const double x = mouse_x >= 0 && mouse_x <= width ? mouse_x : width / 2;
  auto down = [](char c) { return ImGui::IsKeyDown(static_cast<unsigned char>(c)); };
  if (down('W')) st.window.zoom_at(std::pow(kKeyZoomPerSecond, dt), x);
  if (down('S')) st.window.zoom_at(std::pow(kKeyZoomPerSecond, -dt), x);
  if (down('A')) st.window.pan_px(-kKeyPanPerSecond * dt * width);
  if (down('D')) st.window.pan_px(kKeyPanPerSecond * dt * width);
}

// --- 3. the ruler -----------------------------------------------------------

void draw_ruler(ImDrawList* dl, const TimeWindow& w, ImVec2 p0, float width, float height) {
  const ImU32 tick = u32(with_alpha(kDimText, 0.8f));
  const ImU32 label = u32(kDimText);
  dl->AddLine(ImVec2(p0.x, p0.y + height - 1), ImVec2(p0.x + width, p0.y + height - 1), tick);
  const double step = ruler_step(w.ns_per_px, ImGui::GetFontSize() * 7);
  const double first = std::ceil(w.t0 / step) * step;
  for (double t = first; t <= w.t1(width); t += step) {
    const float x = p0.x + static_cast<float>(w.x_of(t));
    dl->AddLine(ImVec2(x, p0.y + height * 0.45f), ImVec2(x, p0.y + height - 1), tick);
    const std::string s = format_tick(t, step);
    dl->AddText(ImVec2(x + 3, p0.y), label, s.c_str());
  }
}

// --- 4. the lanes -----------------------------------------------------------

struct Plot {
  ImVec2 origin; // screen position of time t0 at the top of the lanes (row y = 0)
  float x0 = 0;  // screen x of the plot's left edge
  float width = 0;
};

const char* counter_name(std::uint32_t c) {
  return c == static_cast<std::uint32_t>(CounterTrack::QueueLength) ? "queue length"
                                                                     : "live timer threads";
}

void draw_row_name(ImDrawList* dl, const FrameView& whole, const TimelineState& st,
                   const LaneRow& row, ImVec2 p, float w) {
  std::string name;
  ImVec4 color = ImGui::GetStyle().Colors[ImGuiCol_Text];
  switch (row.kind) {
  case LaneKind::Thread: name = thread_label(whole, st.lanes.threads()[row.item]); break;
  case LaneKind::Counter:
    name = counter_name(row.item);
    color = kDimText;
    break;
  case LaneKind::TimerGroup:
    name = std::string(st.lanes.expanded() ? "v " : "> ") +
           std::to_string(st.lanes.timers().size()) + " timer threads";
    color = kAccent;
    break;
  case LaneKind::Timer: name = thread_label(whole, st.lanes.timers()[row.item]); break;
  }
  const std::string fit = fit_with_ellipsis(name, w - 8);
  dl->AddText(ImVec2(p.x + 4, p.y + (row.h - ImGui::GetFontSize()) / 2), u32(color), fit.c_str());
}

void draw_rows(const FrameView& whole, TimelineState& st, const Plot& plot,
               const std::vector<LaneRow>& rows, float names_w) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 band = u32(with_alpha(ImGui::GetStyle().Colors[ImGuiCol_TableRowBgAlt], 1.0f));
  const ImU32 sep = u32(with_alpha(kDimText, 0.15f));
  for (const LaneRow& row : rows) {
    const float y = plot.origin.y + row.y;
    const ImVec2 a(plot.x0 - names_w, y), b(plot.x0 + plot.width, y + row.h);
    if (row.kind == LaneKind::TimerGroup || (row.item & 1) != 0) dl->AddRectFilled(a, b, band);
    dl->AddLine(ImVec2(a.x, b.y - 1), ImVec2(b.x, b.y - 1), sep);
    draw_row_name(dl, whole, st, row, a, names_w);
  }
}

// The vertical line at the history cursor.
void draw_cursor_line(ImDrawList* dl, const FrameView& view, const RunSpan& run,
                      const TimelineState& st, const Plot& plot, float y0, float y1) {
  const EventsView& ev = view.events;
  if (ev.store == nullptr || ev.count == 0 || ev.count <= ev.runtime_begin) return;
  const std::uint64_t t = ev.store->display_time(ev.count - 1);
  if (t < run.start_abs) return;
  const double x = st.window.x_of(static_cast<double>(t - run.start_abs));
  if (x < -2 || x > plot.width + 2) return;
  const float sx = plot.x0 + static_cast<float>(x);
  dl->AddLine(ImVec2(sx, y0), ImVec2(sx, y1), u32(kAccent), 2.0f);
}

// --- 5. the panel -----------------------------------------------------------

void toolbar(const FrameView& whole, TimelineState& st, const RunSpan& run, float plot_w) {
  if (ImGui::SmallButton("Fit run") && run.any) st.window.fit(0, run.end, plot_w);
  tooltip_for_last_item("Show the whole run across the timeline.");
  ImGui::SameLine();
  ImGui::TextDisabled("%s across", format_duration(st.window.ns_per_px * plot_w).c_str());
  ImGui::SameLine();
  help_marker(kNavHelp);
  (void)whole;
}

} // namespace

void draw_timeline(const FrameView& view, const FrameView& whole, TimelineState& st,
                   Selection& sel, bool* p_open) {
  (void)sel;
  st.has_keys = false;
  if (!begin_panel(title::kTimeline, p_open,
                   ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
    ImGui::End();
    return;
  }
  const float font = ImGui::GetFontSize();
  const float names_w = kNamesWidth * font / 13.0f;
  update_lanes(whole.state, st, font);
  const RunSpan run = run_span(whole);
  const float plot_w = std::max(1.0f, ImGui::GetContentRegionAvail().x - names_w -
                                          ImGui::GetStyle().ScrollbarSize);
  // A new runtime (a reset, a recording opened) is fitted afresh.
  if (whole.events.runtime_begin != st.runtime_begin) {
    st.runtime_begin = whole.events.runtime_begin;
    st.fitted = false;
  }
  if (!st.fitted && run.any && run.end > 0) {
    st.window.fit(0, run.end, plot_w);
    st.fitted = true;
  }
  toolbar(whole, st, run, plot_w);

  // The ruler, above the scrolling lanes so it stays in view.
  const float ruler_h = font + 6;
  const ImVec2 ruler_p = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(names_w + plot_w, ruler_h));
  ImDrawList* wdl = ImGui::GetWindowDrawList();
  wdl->PushClipRect(ImVec2(ruler_p.x + names_w, ruler_p.y),
                    ImVec2(ruler_p.x + names_w + plot_w, ruler_p.y + ruler_h), true);
  draw_ruler(wdl, st.window, ImVec2(ruler_p.x + names_w, ruler_p.y), plot_w, ruler_h);
  wdl->PopClipRect();

  // The lanes: the child scrolls vertically; the wheel over the plot zooms,
  // over the names it scrolls.
  ImGui::BeginChild("##lanes", ImVec2(0, 0), false, ImGuiWindowFlags_NoScrollWithMouse);
  const ImVec2 child_p = ImGui::GetWindowPos();
  const float child_h = ImGui::GetWindowHeight();
  const float scroll = ImGui::GetScrollY();
  ImGui::Dummy(ImVec2(names_w + plot_w, st.lanes.height()));
  Plot plot{ImVec2(child_p.x + names_w, child_p.y - scroll), child_p.x + names_w, plot_w};
  std::vector<LaneRow> rows;
  st.lanes.visible(scroll, scroll + child_h, rows);
  draw_rows(whole, st, plot, rows, names_w);

  // Input: the names column toggles the timer group; the plot navigates and seeks.
  ImGui::SetCursorPos(ImVec2(0, scroll));
  ImGui::InvisibleButton("##names", ImVec2(names_w, std::max(1.0f, child_h)));
  const bool names_hovered = ImGui::IsItemHovered();
  ImGui::SetCursorPos(ImVec2(names_w, scroll));
  ImGui::InvisibleButton("##plot", ImVec2(plot_w, std::max(1.0f, child_h)));
  const bool plot_hovered = ImGui::IsItemHovered();
  const ImGuiIO& io = ImGui::GetIO();
  const float mouse_x = io.MousePos.x - plot.x0;
  const float mouse_row_y = io.MousePos.y - plot.origin.y;
  if (names_hovered && io.MouseWheel != 0)
    ImGui::SetScrollY(scroll - io.MouseWheel * font * 5);
  if (names_hovered && ImGui::IsMouseReleased(ImGuiMouseButton_Left)) {
    LaneRow r;
    if (st.lanes.row_at(mouse_row_y, r) && r.kind == LaneKind::TimerGroup)
      st.lanes.set_expanded(!st.lanes.expanded());
  }
  if (names_hovered) {
    LaneRow r;
    if (st.lanes.row_at(mouse_row_y, r) && r.kind == LaneKind::TimerGroup)
      ImGui::SetTooltip("%zu timer threads, one a TimerFuture: click to %s their lanes.",
                        st.lanes.timers().size(), st.lanes.expanded() ? "fold" : "show");
  }
  if (plot_hovered && io.MouseWheel != 0)
    st.window.zoom_at(std::pow(kWheelZoom, static_cast<double>(io.MouseWheel)), mouse_x);
  if (ImGui::IsItemActivated()) {
    st.dragging = true;
    st.drag_px = 0;
  }
  if (st.dragging && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    st.window.pan_px(-io.MouseDelta.x);
    st.drag_px += std::fabs(io.MouseDelta.x) + std::fabs(io.MouseDelta.y);
  }
  if (st.dragging && ImGui::IsMouseReleased(ImGuiMouseButton_Left)) {
    st.dragging = false;
    if (st.drag_px < kDragPx && run.any && whole.events.store != nullptr) {
      const double t = st.window.t_of(mouse_x);
      const std::uint64_t abs =
          run.start_abs + static_cast<std::uint64_t>(std::max(0.0, std::round(t)));
      st.seek_request = position_at_time(*whole.events.store, whole.events.runtime_begin,
                                         whole.events.count, abs);
    }
  }
  st.has_keys = ImGui::IsWindowHovered(ImGuiHoveredFlags_RootAndChildWindows) ||
                (plot_hovered || names_hovered);
  if (plot_hovered && !st.dragging)
    ImGui::SetTooltip("%s", format_tick(st.window.t_of(mouse_x),
                                        ruler_step(st.window.ns_per_px, 1))
                                .c_str());

  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_cursor_line(dl, view, run, st, plot, child_p.y, child_p.y + child_h);
  ImGui::EndChild();
  if (ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows)) {
    st.has_keys = true;
    handle_keys(st, mouse_x, plot_w);
  }
  ImGui::End();
}

} // namespace pollscope::gui
