// The Timeline panel: every thread on one time axis, drawn from the timeline
// model (fold/timeline.hpp) at the published event count, with the history
// cursor as a vertical line; zoom and pan as Tracy and Perfetto users expect.
//
// Every frame asks the model only for what is in view: one level-of-detail
// query per visible row (at most one item per pixel column), the arrows
// that cross the view, the highlighted spans in view. No frame walks all
// events.
//
// Sections:
//   1. lanes from the model
//   2. time: the run on screen, navigation, click-to-seek
//   3. the ruler
//   4. drawing a row: spans, timer bars, counters
//   5. arrows and highlights
//   5b. what is still going on at the cursor (gui/timeline_open.hpp)
//   6. the hover tooltip
//   7. the panel
#include "gui/layout.hpp"
#include "gui/panels.hpp"
#include "gui/theme.hpp"
#include "gui/timeline_open.hpp"
#include "gui/timeline_seek.hpp"
#include "gui/widgets.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>

namespace pollscope::gui {
namespace {

using fold::LaneId;
using fold::Span;
using fold::SpanKind;

constexpr float kNamesWidth = 150;      // the lane-name column, at font size 13
constexpr float kDragPx = 3;            // a press that moves less is a click
constexpr std::size_t kMaxArrows = 400; // arrows drawn at most (more: zoom in)

// --- 1. lanes ---------------------------------------------------------------

// What a lane is and is called: the fold's thread table knows it from the
// lane's ThreadNamed whatever order rows were named in (a timer thread's row
// is taken when the timer is made and named when its thread first writes, so
// rows can be named out of order); the model's LaneInfo otherwise.
struct LaneName {
  Lane kind = Lane::External;
  StringId name = 0;
  TaskId task = 0;
};

LaneName lane_name(const fold::FoldState& state, const fold::Timeline& tl, LaneId id) {
  const fold::LaneInfo& l = tl.lane(id);
  LaneName n{l.kind, l.name, l.task};
  const std::size_t row = static_cast<std::size_t>(id) + 1;
  if (row < state.threads.size() && state.threads[row].name != 0) {
    n.kind = state.threads[row].lane;
    n.name = state.threads[row].name;
  }
  return n;
}

// The most rows of the lanes that have several (the timer driver's), as
// sub-rows shown.
std::uint32_t multi_rows(const fold::Timeline& tl, std::uint64_t upto, const TimelineState& st) {
  std::size_t rows = 1;
  for (const std::uint32_t lane : st.multi_row_lanes)
    rows = std::max(rows, tl.row_count(lane, upto));
  return sub_rows_shown(rows);
}

// The executor's lanes first, then the other threads in the order they were
// named, then the timer threads. Lanes only ever get added, so the layout is
// rebuilt only when their count (or the thread table, or the sub-rows of a
// timer driver's lane) grows.
void update_lanes(const fold::FoldState& state, const fold::Timeline& tl, std::uint64_t upto,
                  TimelineState& st, float font) {
  const std::size_t n = tl.lane_count(upto);
  auto key_of = [&](std::uint32_t rows) { return (n * 31 + state.threads.size()) * 64 + rows; };
  if (st.lanes_built == key_of(multi_rows(tl, upto, st))) return;
  std::vector<std::uint32_t> executor, other, timers;
  st.multi_row_lanes.clear();
  for (LaneId id = 0; id < n; ++id) {
    const Lane kind = lane_name(state, tl, id).kind;
    if (kind == Lane::Timer) {
      timers.push_back(id);
      // A timer thread named for no timer serves many: the timer driver.
      if (tl.lane(id).timer == 0) st.multi_row_lanes.push_back(id);
    } else if (kind == Lane::Executor) {
      executor.push_back(id);
    } else {
      other.push_back(id);
    }
  }
  st.sub_rows = multi_rows(tl, upto, st);
  st.lanes_built = key_of(st.sub_rows);
  executor.insert(executor.end(), other.begin(), other.end());
  const float s = font / 13.0f;
  LaneHeights h;
  h.thread *= s;
  h.counter *= s;
  h.group *= s;
  h.timer *= s;
  // A driver's lane holds its rows' sub-rows (timer rows are one height).
  if (st.sub_rows > 1)
    h.timer = std::max(h.timer, static_cast<float>(st.sub_rows) * kSubRowPx * s + 4);
  const bool expanded = st.lanes.expanded();
  st.lanes.set(std::move(executor), std::move(timers), h);
  st.lanes.set_expanded(expanded);
}

// Whether `lane` is drawn as sub-rows, one per row of the model's.
bool has_sub_rows(const TimelineState& st, LaneId lane) {
  return st.sub_rows > 1 && std::find(st.multi_row_lanes.begin(), st.multi_row_lanes.end(), lane) !=
                                st.multi_row_lanes.end();
}

std::string lane_label(const FrameView& whole, const fold::Timeline& tl, LaneId id) {
  const LaneName l = lane_name(whole.state, tl, id);
  std::string name(whole.strings.get(l.name));
  if (name.empty()) name = std::string(to_string(l.kind)) + " thread";
  if (l.kind == Lane::Timer && l.task != 0) name += " (task " + std::to_string(l.task) + ")";
  return name;
}

// --- 2. time ----------------------------------------------------------------

// The runtime on screen, on the model's axis: [begin, end].
struct RunSpan {
  std::uint64_t begin = 0, end = 0;
  bool any = false;
};

// The axis time of event i (its display time, shifted as the model shifts it).
std::uint64_t axis_time(const fold::Timeline& tl, const EventsView& ev, std::size_t i,
                        std::uint64_t upto) {
  return ev.store->display_time(i) + tl.axis_offset_at(i, upto);
}

RunSpan run_span(const fold::Timeline& tl, const FrameView& whole) {
  RunSpan r;
  const EventsView& ev = whole.events;
  if (ev.store == nullptr || ev.count <= ev.runtime_begin) return r;
  r.begin = axis_time(tl, ev, ev.runtime_begin, ev.count);
  // The last event's own time (the model's end_time is kept per stride of events).
  r.end = std::max(r.begin, axis_time(tl, ev, ev.count - 1, ev.count));
  r.any = true;
  return r;
}

const char* kNavHelp =
    "Wheel: zoom at the mouse (down to single ns).  Drag: pan.\n"
    "W / S: zoom in / out,  A / D: pan left / right, as in Tracy and Perfetto (while the "
    "mouse is over the timeline; elsewhere S steps).\n"
    "Click: go to that moment (the yellow line): every panel shows it; a click on a poll "
    "also selects its task, whose arrows then show and whose polls stand out.";

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

// The history position that shows axis time `t`: one past the last event at
// or before it. The model finds the event to within a stride; the store's
// display times (shifted onto the axis) settle it.
std::size_t seek_position(const fold::Timeline& tl, const EventsView& ev, std::uint64_t t) {
  const std::uint64_t upto = ev.count;
  if (ev.store == nullptr || upto == 0) return 0;
  const std::uint64_t near = std::min<std::uint64_t>(tl.event_near_time(t, upto), upto);
  const std::size_t stride = fold::Timeline::kTimeIndexStride;
  const std::size_t lo = near > 2 * stride ? near - 2 * stride : 0;
  const std::size_t hi = std::min<std::size_t>(near + 2 * stride, upto);
  // Outside the window the model promised (it should not be): a binary
  // search of the runtime on screen, never a walk of the events.
  if ((lo > 0 && axis_time(tl, ev, lo, upto) > t) ||
      (hi < upto && axis_time(tl, ev, hi - 1, upto) <= t)) {
    const std::uint64_t offset = tl.axis_offset_at(ev.runtime_begin, upto);
    return position_at_time(*ev.store, ev.runtime_begin, upto, t > offset ? t - offset : 0);
  }
  std::size_t i = lo;
  while (i < hi && axis_time(tl, ev, i, upto) <= t) ++i;
  return std::max<std::size_t>(i, 1);
}

// --- 3. the ruler -----------------------------------------------------------

void draw_ruler(ImDrawList* dl, const TimeWindow& w, ImVec2 p0, float width, float height) {
  const ImU32 tick = u32(with_alpha(kDimText, 0.8f));
  const ImU32 label = u32(kDimText);
  dl->AddLine(ImVec2(p0.x, p0.y + height - 1), ImVec2(p0.x + width, p0.y + height - 1), tick);
  const double step = ruler_step(w.ns_per_px, ImGui::GetFontSize() * 8);
  const double first = std::ceil(w.t0 / step) * step;
  for (double t = first; t <= w.t1(width); t += step) {
    const float x = p0.x + static_cast<float>(w.x_of(t));
    dl->AddLine(ImVec2(x, p0.y + height * 0.45f), ImVec2(x, p0.y + height - 1), tick);
    const std::string s = format_tick(t, step);
    dl->AddText(ImVec2(x + 3, p0.y), label, s.c_str());
  }
}

// --- 4. drawing a row -------------------------------------------------------

// Where the lanes are on screen this frame, and what the frame draws from.
struct Frame {
  Frame(const FrameView& w, const fold::Timeline& t, TimelineState& s, std::uint64_t u)
      : whole(w), tl(t), st(s), upto(u) {}
  const FrameView& whole;
  const fold::Timeline& tl;
  TimelineState& st;
  std::uint64_t upto = 0;
  ImDrawList* dl = nullptr;
  ImVec2 origin; // screen position of row y = 0 at the plot's left edge
  float width = 0;
  std::optional<fold::TaskKey> selected; // the selected task, as the model knows it
  TaskId selected_id = 0;
  ImVec2 mouse;
  bool mouse_in_plot = false;
  // The span under the mouse (found while drawing the row it is in).
  bool hovered = false;
  fold::SpanRef hovered_ref;
  // The view's bounds on the axis, clamped to what the model can hold.
  std::uint64_t t0 = 0, t1 = 0;
};

[[nodiscard]] float sx(const Frame& f, std::uint64_t t) {
  const double rel = static_cast<double>(t) - static_cast<double>(f.st.origin);
  return f.origin.x + static_cast<float>(std::clamp(f.st.window.x_of(rel), -1e6, 1e6));
}

// A colour per task, far apart for neighbouring ids (golden-ratio hues).
ImU32 task_color(TaskId id, float alpha = 1.0f) {
  const float h = std::fmod(static_cast<float>(id) * 0.618034f, 1.0f);
  float r = 0, g = 0, b = 0;
  ImGui::ColorConvertHSVtoRGB(h, 0.55f, 0.80f, r, g, b);
  return ImGui::ColorConvertFloat4ToU32(ImVec4(r, g, b, alpha));
}

ImU32 span_color(const Span& s) {
  switch (s.kind) {
  case SpanKind::Poll: return task_color(s.task);
  case SpanKind::WaitingEmpty: return u32(ImVec4(0.35f, 0.37f, 0.42f, 0.55f));
  case SpanKind::Paused: return u32(ImVec4(0.30f, 0.45f, 0.75f, 0.55f));
  case SpanKind::StepWait: return u32(ImVec4(0.55f, 0.40f, 0.75f, 0.55f));
  case SpanKind::BlockedSend: return u32(ImVec4(0.90f, 0.30f, 0.25f, 0.95f));
  case SpanKind::LockWait: return u32(ImVec4(0.95f, 0.55f, 0.20f, 0.95f));
  case SpanKind::TimerStarting: return u32(ImVec4(0.50f, 0.52f, 0.58f, 0.9f));
  case SpanKind::TimerWaiting: return u32(ImVec4(0.35f, 0.60f, 0.85f, 0.55f));
  case SpanKind::TimerFired: return u32(kAccent);
  }
  return u32(kDimText);
}

// Whether `s` belongs to the selected task (spans of no task never dim).
bool of_other_task(const Frame& f, const Span& s) {
  return f.selected_id != 0 && s.task != 0 && s.task != f.selected_id;
}

std::string task_label(const Frame& f, TaskId id) {
  std::string name;
  if (const auto key = f.tl.find_task(id, f.upto))
    name = std::string(f.whole.strings.get(f.tl.task(*key).name));
  return name.empty() ? "#" + std::to_string(id) : name + " #" + std::to_string(id);
}

// The cached answer for (lane, track) at this view, asked of the model when
// the view, the width or the events changed (TimelineRowCache).
TimelineRowCache& cached(Frame& f, std::uint32_t lane, std::uint32_t track) {
  TimelineState& st = f.st;
  const double pixels = f.width;
  const std::uint64_t key = std::uint64_t{lane} << 32 | track;
  auto [it, made] = st.cache.try_emplace(key);
  TimelineRowCache* slot = &it->second;
  if (made) {
    slot->lane = lane;
    slot->track = track;
    slot->upto = UINT64_MAX;
  }
  slot->used = st.frame;
  if (slot->t0 != f.t0 || slot->t1 != f.t1 || slot->upto != f.upto || slot->pixels != pixels) {
    slot->t0 = f.t0;
    slot->t1 = f.t1;
    slot->upto = f.upto;
    slot->pixels = pixels;
    if (track == kCounterTrackKey)
      f.tl.query(static_cast<fold::Counter>(lane), f.t0, f.t1, pixels, f.upto, slot->counter_items);
    else
      f.tl.query(lane, track, f.t0, f.t1, pixels, f.upto, slot->items);
  }
  return *slot;
}

// One track of one row: the model's items for the view, one per pixel column
// at most. `y0`, `y1`: the band of the row the track fills; `pad`: the inset
// of a span in it (a timer's wait, twice that). A sub-row of a driver's lane,
// a few px, is filled whole: its neighbours are a pixel apart already.
void draw_track(Frame& f, LaneId lane, std::size_t track, float y0, float y1, float pad = 1) {
  const std::vector<fold::LodItem>& items =
      cached(f, lane, static_cast<std::uint32_t>(track)).items;
  const float font = ImGui::GetFontSize();
  for (const fold::LodItem& it : items) {
    const std::size_t idx = it.count == 1 ? it.first : it.longest;
    const Span& s = f.tl.span(lane, track, idx);
    float x0 = sx(f, it.begin_t), x1 = sx(f, it.end_t);
    if (x1 - x0 < 1) x1 = x0 + 1; // a span always shows, however short
    ImU32 col = span_color(s);
    if (of_other_task(f, s)) col = (col & 0x00FFFFFFu) | (0x40u << 24); // dimmed
    if (s.kind == SpanKind::TimerWaiting && it.count == 1) {
      // A bar up to the deadline, with the deadline marked; it ends at the
      // fire (later than the deadline when the timer is late).
      const float xd = sx(f, std::max(s.extra, s.begin_t));
      f.dl->AddRectFilled(ImVec2(x0, y0 + 2 * pad), ImVec2(std::min(x1, xd), y1 - 2 * pad), col);
      if (x1 > xd) // late: what it overshot, in the warning colour
        f.dl->AddRectFilled(ImVec2(xd, y0 + 2 * pad), ImVec2(x1, y1 - 2 * pad),
                            u32(with_alpha(kWarnText, 0.7f)));
      f.dl->AddLine(ImVec2(xd, y0), ImVec2(xd, y1), u32(kAccent));
    } else {
      f.dl->AddRectFilled(ImVec2(x0, y0 + pad), ImVec2(x1, y1 - pad), col);
    }
    if (it.count == 1 && s.kind == SpanKind::Poll && x1 - x0 > font * 3) {
      const std::string label = fit_with_ellipsis(task_label(f, s.task), x1 - x0 - 6);
      f.dl->AddText(ImVec2(std::max(x0, f.origin.x) + 3, y0 + (y1 - y0 - font) / 2),
                    u32(ImVec4(0.05f, 0.05f, 0.08f, 1.0f)), label.c_str());
    }
    if (f.mouse_in_plot && f.mouse.y >= y0 && f.mouse.y < y1 && f.mouse.x >= x0 - 1 &&
        f.mouse.x < x1 + 1) {
      f.hovered = true;
      f.hovered_ref =
          fold::SpanRef{lane, static_cast<std::uint32_t>(track), static_cast<std::uint32_t>(idx)};
    }
  }
}

// The sub-rows a lane of several rows is drawn as (its own rows; the
// layout's height is for the lane with the most).
std::uint32_t lane_sub_rows(const Frame& f, LaneId lane) {
  return sub_rows_shown(f.tl.row_count(lane, f.upto));
}

// A lane of several rows (the timer driver's): each row of the model's, a
// track like any other, on its sub-row band. Rows with nothing in view cost
// two span lookups, no query. Waits still going on at the moment shown are
// drawn by draw_open_spans, as on a timer's own lane.
void draw_rows(Frame& f, LaneId lane, float y0, float y1) {
  const std::size_t rows = f.tl.row_count(lane, f.upto);
  const std::uint32_t shown = lane_sub_rows(f, lane);
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t track = fold::Timeline::row_track(r);
    const std::size_t n = f.tl.span_count(lane, track, f.upto);
    if (n == 0 || f.tl.span(lane, track, 0).begin_t > f.t1 ||
        f.tl.span(lane, track, n - 1).end_t < f.t0)
      continue;
    const SubRowBand b = sub_row_band(r, shown, y0, y1 - y0);
    draw_track(f, lane, track, b.y0, b.y1, /*pad=*/0);
  }
}

void draw_counter(Frame& f, fold::Counter c, float y0, float y1) {
  const std::vector<fold::CounterItem>& items =
      cached(f, static_cast<std::uint32_t>(c), kCounterTrackKey).counter_items;
  std::uint64_t top = 1;
  for (const fold::CounterItem& it : items) top = std::max(top, it.max);
  const float h = y1 - y0 - 4;
  auto y_of = [&](std::uint64_t v) {
    return y1 - 2 - h * static_cast<float>(v) / static_cast<float>(top);
  };
  const ImU32 fill = u32(with_alpha(kAccent, 0.35f)), edge = u32(with_alpha(kAccent, 0.9f));
  const float right = f.origin.x + f.width;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const fold::CounterItem& it = items[i];
    const float x0 = std::max(sx(f, it.begin_t), f.origin.x);
    const float x1 = i + 1 < items.size() ? sx(f, items[i + 1].begin_t) : right;
    // The value holds until the next sample: a step chart; a column of
    // several samples shows their range.
    f.dl->AddRectFilled(ImVec2(x0, y_of(it.last)), ImVec2(std::max(x1, x0 + 1), y1 - 2), fill);
    if (it.max != it.min) f.dl->AddLine(ImVec2(x0, y_of(it.min)), ImVec2(x0, y_of(it.max)), edge);
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(top));
  f.dl->AddText(ImVec2(right - ImGui::CalcTextSize(buf).x - 4, y0), u32(kDimText), buf);
}

const char* counter_name(std::uint32_t c) {
  return c == static_cast<std::uint32_t>(CounterTrack::QueueLength) ? "queue length"
                                                                    : "live timer threads";
}

void draw_row(Frame& f, const LaneRow& row, float names_w) {
  const float y0 = f.origin.y + row.y, y1 = y0 + row.h;
  ImDrawList* dl = f.dl;
  const ImVec2 a(f.origin.x - names_w, y0), b(f.origin.x + f.width, y1);
  if (row.kind == LaneKind::TimerGroup || (row.item & 1) != 0)
    dl->AddRectFilled(a, b,
                      u32(with_alpha(ImGui::GetStyle().Colors[ImGuiCol_TableRowBgAlt], 1.0f)));
  dl->AddLine(ImVec2(a.x, y1 - 1), ImVec2(b.x, y1 - 1), u32(with_alpha(kDimText, 0.15f)));

  // The plot part, clipped to the plot.
  dl->PushClipRect(ImVec2(f.origin.x, y0), ImVec2(f.origin.x + f.width, y1), true);
  switch (row.kind) {
  case LaneKind::Thread: {
    const LaneId lane = f.st.lanes.threads()[row.item];
    // Track 1 (blocked inside what track 0 shows) is a thin band at the bottom.
    const float split = y0 + (y1 - y0) * 0.72f;
    draw_track(f, lane, 0, y0, split);
    draw_track(f, lane, 1, split, y1);
    break;
  }
  case LaneKind::Timer: {
    const LaneId lane = f.st.lanes.timers()[row.item];
    if (has_sub_rows(f.st, lane))
      draw_rows(f, lane, y0, y1);
    else
      draw_track(f, lane, 0, y0, y1);
    break;
  }
  case LaneKind::Counter:
    draw_counter(f, row.item == 0 ? fold::Counter::QueueLength : fold::Counter::TimerThreads, y0,
                 y1);
    break;
  case LaneKind::TimerGroup: break;
  }
  dl->PopClipRect();

  // The name column.
  std::string name;
  ImVec4 color = ImGui::GetStyle().Colors[ImGuiCol_Text];
  switch (row.kind) {
  case LaneKind::Thread: name = lane_label(f.whole, f.tl, f.st.lanes.threads()[row.item]); break;
  case LaneKind::Counter:
    name = counter_name(row.item);
    color = kDimText;
    break;
  case LaneKind::TimerGroup:
    name = std::string(f.st.lanes.expanded() ? "v " : "> ") +
           std::to_string(f.st.lanes.timers().size()) + " timer threads";
    color = kAccent;
    break;
  case LaneKind::Timer: name = lane_label(f.whole, f.tl, f.st.lanes.timers()[row.item]); break;
  }
  const std::string fit = fit_with_ellipsis(name, names_w - 8);
  // A tall row (the driver's sub-rows) has its name at the top, where it shows.
  const float font = ImGui::GetFontSize();
  const float name_y = row.h > font * 2.5f ? y0 + 2 : y0 + (row.h - font) / 2;
  dl->AddText(ImVec2(a.x + 4, name_y), u32(color), fit.c_str());
}

// --- 5. arrows and highlights ----------------------------------------------

// The middle of `lane`'s row on screen; false when it has none.
bool lane_y(const Frame& f, ThreadIndex thread, float& y) {
  if (thread == 0) return false;
  LaneRow r;
  if (!f.st.lanes.row_of(thread - 1, r)) return false;
  y = f.origin.y + r.y + r.h * 0.5f;
  return true;
}

// An arrow's start: on a lane of several rows (the timer driver's), the
// sub-row of the timer whose fire woke the task (Arrow::from_track); else
// the lane's middle.
bool wake_y(const Frame& f, ThreadIndex thread, std::uint32_t track, float& y) {
  if (!lane_y(f, thread, y)) return false;
  LaneRow r;
  if (!has_sub_rows(f.st, thread - 1) || !f.st.lanes.row_of(thread - 1, r) ||
      r.kind != LaneKind::Timer)
    return true;
  const SubRowBand b = sub_row_band(fold::Timeline::track_row(track), lane_sub_rows(f, thread - 1),
                                    f.origin.y + r.y, r.h);
  y = (b.y0 + b.y1) * 0.5f;
  return true;
}

float pixel_centre(float x) { return std::floor(x) + 0.5f; }
constexpr float kArrowWidth = 2.0f;

void draw_arrow_head(ImDrawList* dl, ImVec2 from, ImVec2 to, ImU32 col, float size) {
  const float dx = to.x - from.x, dy = to.y - from.y;
  const float len = std::sqrt(dx * dx + dy * dy);
  if (len < 1) return;
  const float ux = dx / len, uy = dy / len;
  dl->AddTriangleFilled(
      to, ImVec2(to.x - ux * size - uy * size * 0.5f, to.y - uy * size + ux * size * 0.5f),
      ImVec2(to.x - ux * size + uy * size * 0.5f, to.y - uy * size - ux * size * 0.5f), col);
}

// Arrows: wake (on the thread that woke) -> its queue push -> the poll it led
// to; spawn -> the first poll. With a task selected, all of its arrows; else
// those crossing the view, when few enough to read.
void draw_arrows(Frame& f, float clip_y0, float clip_y1) {
  std::vector<std::uint32_t>& arrows = f.st.arrows;
  if (f.selected)
    f.tl.arrows_of(*f.selected, f.upto, arrows);
  else
    f.tl.arrows_in(f.t0, f.t1, f.upto, arrows, kMaxArrows + 1);
  if (!f.selected && arrows.size() > kMaxArrows) return; // a hairball: zoom in to see them
  f.dl->PushClipRect(ImVec2(f.origin.x, clip_y0), ImVec2(f.origin.x + f.width, clip_y1), true);
  const float head = ImGui::GetFontSize() * 0.45f;
  for (std::uint32_t i : arrows) {
    const fold::Arrow& a = f.tl.arrow(i);
    if (a.to_t < f.t0 || a.from_t > f.t1) continue;
    const ImU32 col = a.kind == fold::ArrowKind::Wake ? u32(with_alpha(kAccent, 0.9f))
                                                      : u32(with_alpha(kGoodText, 0.9f));
    float y_from = 0, y_push = 0, y_to = 0;
    if (!wake_y(f, a.from_thread, a.from_track, y_from) || !lane_y(f, a.to_thread, y_to)) continue;
    // On pixel centres: most arrows are vertical (a wake, its push and the
    // poll are microseconds apart), and ImGui draws a line of width w as a
    // solid core w - 1 px wide with a 1 px fading fringe on each side, so a
    // 2 px line centred on a pixel is one solid column; anywhere else it is
    // two faint ones.
    const ImVec2 from(pixel_centre(sx(f, a.from_t)), y_from),
        to(pixel_centre(sx(f, a.to_t)), y_to - head * 0.5f);
    // The push is on the wake's row when on its thread (inside the fire).
    const std::uint32_t push_track = a.push_thread == a.from_thread ? a.from_track : 0;
    if (a.push_event != fold::kNoEvent && wake_y(f, a.push_thread, push_track, y_push)) {
      const ImVec2 push(pixel_centre(sx(f, a.push_t)), y_push);
      f.dl->AddCircleFilled(from, 2.5f, col);
      if (push.x != from.x || push.y != from.y) f.dl->AddLine(from, push, col, kArrowWidth);
      f.dl->AddCircle(push, 3.0f, col);
      f.dl->AddLine(push, to, col, kArrowWidth);
      draw_arrow_head(f.dl, push, to, col, head);
    } else {
      f.dl->AddCircleFilled(from, 2.5f, col);
      f.dl->AddLine(from, to, col, kArrowWidth);
      draw_arrow_head(f.dl, from, to, col, head);
    }
  }
  f.dl->PopClipRect();
}

// The spans a histogram bar selected, outlined where they are in view.
void draw_highlights(Frame& f, float clip_y0, float clip_y1) {
  const TimelineState& st = f.st;
  if (st.highlight.empty()) return;
  f.dl->PushClipRect(ImVec2(f.origin.x, clip_y0), ImVec2(f.origin.x + f.width, clip_y1), true);
  const ImU32 col = u32(ImVec4(1, 1, 1, 0.95f));
  // Spans begin in time order; the longest poll is far shorter than a frame
  // of the view only at ns zoom, so look a little before t0.
  const auto first = std::lower_bound(st.highlight_t.begin(), st.highlight_t.end(),
                                      f.t0 > 10'000'000'000ull ? f.t0 - 10'000'000'000ull : 0);
  float last_x = -1e9f, last_y = -1e9f;
  for (auto it = first; it != st.highlight_t.end() && *it <= f.t1; ++it) {
    const fold::SpanRef& ref = st.highlight[static_cast<std::size_t>(it - st.highlight_t.begin())];
    if (ref.index == fold::kNoIndex) continue;
    const Span& s = f.tl.span(ref);
    if (s.end_t < f.t0) continue;
    LaneRow r;
    if (!f.st.lanes.row_of(ref.lane, r)) continue;
    const float x0 = sx(f, s.begin_t), x1 = std::max(sx(f, s.end_t), x0 + 2);
    float y0 = f.origin.y + r.y, y1 = y0 + r.h - 1;
    if (r.kind == LaneKind::Timer && has_sub_rows(st, ref.lane)) { // its own sub-row
      const SubRowBand b =
          sub_row_band(fold::Timeline::track_row(ref.track), lane_sub_rows(f, ref.lane), y0, r.h);
      y0 = b.y0 - 1;
      y1 = b.y1 + 1;
    }
    if (std::fabs(x0 - last_x) < 1 && y0 == last_y) continue; // one mark a pixel
    last_x = x0;
    last_y = y0;
    f.dl->AddRect(ImVec2(x0 - 1, y0), ImVec2(x1 + 1, y1), col, 0, 0, 1.5f);
  }
  f.dl->PopClipRect();
}

// The vertical line at the history cursor.
// The cursor's axis time: its last event's; or, when the user clicked the
// timeline to get there, where they clicked. Both show the same state (the
// one after that event holds until the next), so the line stays under the
// mouse instead of jumping back to the last event, off screen when zoomed
// in on a poll.
std::uint64_t cursor_time(const Frame& f, const EventsView& ev) {
  const std::uint64_t at = axis_time(f.tl, ev, ev.count - 1, f.upto);
  const TimelineState& st = f.st;
  if (ev.count != st.clicked_pos || st.clicked_t < at) return at;
  if (ev.count < f.upto && st.clicked_t >= axis_time(f.tl, ev, ev.count, f.upto)) return at;
  return st.clicked_t;
}

void draw_cursor_line(Frame& f, const FrameView& view, float y0, float y1) {
  const EventsView& ev = view.events;
  if (ev.store == nullptr || ev.count == 0) return;
  const std::uint64_t t = cursor_time(f, ev);
  const float x = sx(f, t);
  if (x < f.origin.x - 2 || x > f.origin.x + f.width + 2) return;
  f.dl->AddLine(ImVec2(x, y0), ImVec2(x, y1), u32(kAccent), 2.0f);
}

// --- 5b. what is still going on at the cursor --------------------------------

// The spans open at the moment shown, drawn from their start to the cursor:
// a lighter fill with no right edge, so they read as unfinished; a timer's
// wait goes on, outlined, to its deadline. Returns the one under the mouse.
struct OpenDrawn {
  std::vector<OpenSpan> spans;
  std::vector<std::uint64_t> begin_t; // each span's start, axis time
  std::uint64_t cursor_t = 0;         // the cursor's axis time
  std::uint64_t deadline_shift = 0;   // runtime clock -> axis, for deadlines
  int hovered = -1;
};

void draw_open_spans(Frame& f, const FrameView& view, OpenDrawn& o) {
  const EventsView& ev = view.events;
  open_spans(view.state, ev, o.spans);
  if (o.spans.empty()) return;
  o.cursor_t = cursor_time(f, ev);
  o.deadline_shift = f.tl.axis_offset_at(ev.count - 1, f.upto);
  o.begin_t.assign(o.spans.size(), 0);
  const float xc = sx(f, o.cursor_t);
  for (std::size_t k = 0; k < o.spans.size(); ++k) {
    const OpenSpan& s = o.spans[k];
    LaneRow r;
    if (s.thread == 0 || !f.st.lanes.row_of(s.thread - 1, r)) continue; // folded or unknown
    float y0 = f.origin.y + r.y, y1 = y0 + r.h;
    if (r.kind == LaneKind::Thread) y1 = y0 + (y1 - y0) * 0.72f; // track 0's band
    y0 += 2;
    y1 -= 2;
    // A wait on the driver: on the sub-row of the row its timer holds, its
    // deadline a thin tick inside it (thousands may wait at once).
    const bool sub_row = r.kind == LaneKind::Timer && has_sub_rows(f.st, s.thread - 1);
    if (sub_row) {
      const std::size_t row =
          f.tl.timer_row(s.thread - 1, s.timer, s.begin_event, f.upto).value_or(0);
      const SubRowBand b = sub_row_band(row, lane_sub_rows(f, s.thread - 1), f.origin.y + r.y, r.h);
      y0 = b.y0;
      y1 = b.y1;
    }
    const std::uint64_t begin = axis_time(f.tl, ev, s.begin_event, f.upto);
    o.begin_t[k] = begin;
    const float x0 = sx(f, begin);
    float x1 = std::max(xc, x0 + 1);
    float hover_x0 = x0;
    Span like;
    like.kind = s.kind;
    like.task = s.task;
    ImU32 solid = span_color(like);
    if (of_other_task(f, like)) solid = (solid & 0x00FFFFFFu) | (0x60u << 24);
    const ImU32 light = (solid & 0x00FFFFFFu) | (0x50u << 24);
    f.dl->PushClipRect(ImVec2(f.origin.x, y0 - 2), ImVec2(f.origin.x + f.width, y1 + 2), true);
    if (s.kind == SpanKind::TimerWaiting) {
      const std::uint64_t deadline = s.deadline_ns + o.deadline_shift;
      const float xd = sx(f, std::max(deadline, begin));
      f.dl->AddRectFilled(ImVec2(x0, y0), ImVec2(std::min(x1, std::max(xd, x0 + 1)), y1), light);
      if (x1 > xd) // past the deadline and not fired yet (late, or held)
        f.dl->AddRectFilled(ImVec2(xd, y0), ImVec2(x1, y1), u32(with_alpha(kWarnText, 0.35f)));
      else // what is left of the wait, outlined up to the deadline
        f.dl->AddRect(ImVec2(x1, y0), ImVec2(xd, y1), u32(with_alpha(kDimText, 0.6f)));
      if (sub_row)
        f.dl->AddLine(ImVec2(xd, y0), ImVec2(xd, y1), u32(kAccent));
      else
        f.dl->AddLine(ImVec2(xd, y0 - 2), ImVec2(xd, y1 + 2), u32(kAccent), 2.0f);
    } else {
      f.dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x1, y1), light);
    }
    // Three edges, not the right one: it has not ended.
    f.dl->AddLine(ImVec2(x0, y0), ImVec2(x1, y0), solid, 1.5f);
    f.dl->AddLine(ImVec2(x0, y1), ImVec2(x1, y1), solid, 1.5f);
    f.dl->AddLine(ImVec2(x0, y0), ImVec2(x0, y1), solid, 1.5f);
    const float font = ImGui::GetFontSize();
    const std::string what =
        s.kind == SpanKind::Poll ? task_label(f, s.task) : std::string(fold::to_string(s.kind));
    if (x1 - x0 > font * 4 && y1 - y0 >= font) {
      const std::string label =
          fit_with_ellipsis(what + " (in progress)", x1 - std::max(x0, f.origin.x) - 6);
      f.dl->AddText(ImVec2(std::max(x0, f.origin.x) + 3, y0 + (y1 - y0 - font) / 2),
                    u32(ImGui::GetStyle().Colors[ImGuiCol_Text]), label.c_str());
    } else if (y1 - y0 >= font * 0.8f) {
      // Too short to see at this zoom (a poll of a few us): a tag says what
      // is going on there, on a backing so it reads over whatever the view
      // shows after the cursor: right of the cursor (shortened to fit), or
      // left of the span when the plot ends too soon.
      const float room = f.origin.x + f.width - (x1 + 8);
      std::string label = what + " (in progress)";
      const bool fits_right = room >= font * 6;
      if (fits_right) label = fit_with_ellipsis(label, room);
      const ImVec2 size = ImGui::CalcTextSize(label.c_str());
      const ImVec2 p(fits_right ? x1 + 5 : x0 - 6 - size.x, y0 + (y1 - y0 - size.y) / 2);
      f.dl->AddRectFilled(ImVec2(p.x - 2, y0), ImVec2(p.x + size.x + 3, y1),
                          u32(ImGui::GetStyle().Colors[ImGuiCol_WindowBg]));
      f.dl->AddRect(ImVec2(p.x - 2, y0), ImVec2(p.x + size.x + 3, y1), solid);
      f.dl->AddText(p, u32(ImGui::GetStyle().Colors[ImGuiCol_Text]), label.c_str());
      // The tag hovers as the span does.
      if (fits_right)
        x1 = p.x + size.x + 3;
      else
        hover_x0 = p.x - 2;
    }
    f.dl->PopClipRect();
    if (f.mouse_in_plot && f.mouse.y >= y0 && f.mouse.y < y1 && f.mouse.x >= hover_x0 - 1 &&
        f.mouse.x < x1 + 1)
      o.hovered = static_cast<int>(k);
  }
}

// --- 6. the hover tooltip ---------------------------------------------------

void span_tooltip(const Frame& f, const fold::SpanRef& ref) {
  const Span& s = f.tl.span(ref);
  ImGui::BeginTooltip();
  switch (s.kind) {
  case SpanKind::Poll: {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(task_color(s.task)), "task %s",
                       task_label(f, s.task).c_str());
    ImGui::Text("poll %u: %s", s.poll_number,
                format_duration(static_cast<double>(s.duration())).c_str());
    if (s.ready)
      ImGui::TextColored(kGoodText, "Ready: the task completed");
    else {
      ImGui::Text("Pending, suspended at");
      ImGui::SameLine();
      text_dim(s.suspended_at != 0 ? f.whole.strings.get(s.suspended_at) : "(unknown)");
    }
    if (s.extra != 0)
      ImGui::Text("queued %s before it was polled",
                  format_duration(static_cast<double>(s.extra)).c_str());
    if (s.arrow != fold::kNoIndex) {
      const fold::Arrow& a = f.tl.arrow(s.arrow);
      const std::string thread = a.from_thread != 0 ? lane_label(f.whole, f.tl, a.from_thread - 1)
                                                    : std::string("an unknown thread");
      if (a.kind == fold::ArrowKind::Spawn)
        ImGui::Text("its first poll: spawned on %s", thread.c_str());
      else
        ImGui::Text("woken by waker %u on %s, %s before", a.waker, thread.c_str(),
                    format_duration(static_cast<double>(s.begin_t - std::min(s.begin_t, a.from_t)))
                        .c_str());
    }
    text_dim("Click: go to this moment and select the task.");
    break;
  }
  case SpanKind::TimerWaiting:
    ImGui::Text("timer %u of task %u waits for its deadline", s.timer, s.task);
    ImGui::Text(
        "%s; deadline at %s", format_duration(static_cast<double>(s.duration())).c_str(),
        format_duration(static_cast<double>(s.extra - std::min(s.extra, f.st.origin))).c_str());
    if (s.cancelled)
      ImGui::TextColored(kWarnText, "cancelled before it fired");
    else if (s.end_t > s.extra)
      ImGui::Text("fired %s late", format_duration(static_cast<double>(s.end_t - s.extra)).c_str());
    if (has_sub_rows(f.st, ref.lane)) {
      // One thread waits for every timer: each holds a row of the lane for its life.
      text_dim("row " + std::to_string(fold::Timeline::track_row(ref.track) + 1) + " of " +
               std::to_string(f.tl.row_count(ref.lane, f.upto)) + " of the timer driver's lane:");
      text_dim("each timer holds one from its start to its exit");
    }
    break;
  default:
    ImGui::Text("%s", std::string(fold::to_string(s.kind)).c_str());
    ImGui::Text("%s", format_duration(static_cast<double>(s.duration())).c_str());
    if (s.task != 0) ImGui::Text("task %s", task_label(f, s.task).c_str());
    if (s.timer != 0) ImGui::Text("timer %u", s.timer);
    break;
  }
  ImGui::EndTooltip();
}

void open_span_tooltip(const Frame& f, const OpenDrawn& o) {
  const OpenSpan& s = o.spans[static_cast<std::size_t>(o.hovered)];
  const std::uint64_t begin = o.begin_t[static_cast<std::size_t>(o.hovered)];
  const std::string so_far =
      format_duration(static_cast<double>(o.cursor_t - std::min(o.cursor_t, begin)));
  ImGui::BeginTooltip();
  switch (s.kind) {
  case SpanKind::Poll:
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(task_color(s.task)), "task %s",
                       task_label(f, s.task).c_str());
    ImGui::Text("polling: %s so far (in progress)", so_far.c_str());
    break;
  case SpanKind::TimerWaiting:
  case SpanKind::TimerStarting:
    ImGui::Text("timer %u of task %u: %s (in progress)", s.timer, s.task,
                std::string(fold::to_string(s.kind)).c_str());
    ImGui::Text("%s so far; deadline at %s", so_far.c_str(),
                format_duration(
                    static_cast<double>(s.deadline_ns + o.deadline_shift -
                                        std::min(s.deadline_ns + o.deadline_shift, f.st.origin)))
                    .c_str());
    break;
  default:
    ImGui::Text("%s: %s so far (in progress)", std::string(fold::to_string(s.kind)).c_str(),
                so_far.c_str());
    break;
  }
  text_dim("Open at the moment shown: it has not ended there.");
  ImGui::EndTooltip();
}

// --- 7. the panel -----------------------------------------------------------

void fit_task(const fold::Timeline& tl, std::uint64_t upto, fold::TaskKey key, TimelineState& st,
              float plot_w) {
  std::vector<fold::SpanRef> polls;
  tl.polls_of(key, upto, polls);
  std::vector<std::uint32_t> arrows;
  tl.arrows_of(key, upto, arrows);
  std::uint64_t b = UINT64_MAX, e = 0;
  for (const fold::SpanRef& r : polls) {
    if (r.index == fold::kNoIndex) continue;
    b = std::min(b, tl.span(r).begin_t);
    e = std::max(e, tl.span(r).end_t);
  }
  for (std::uint32_t i : arrows) {
    b = std::min(b, tl.arrow(i).from_t);
    e = std::max(e, tl.arrow(i).to_t);
  }
  if (b > e) return;
  st.window.fit(static_cast<double>(b) - static_cast<double>(st.origin),
                static_cast<double>(e) - static_cast<double>(st.origin), plot_w);
}

} // namespace

void draw_timeline(const FrameView& view, const FrameView& whole, const fold::Timeline& tl,
                   TimelineState& st, Selection& sel, bool* p_open) {
  st.has_keys = false;
  ++st.frame;
  // Rows out of view for a while make room (a bounded cache, pruned at most
  // once a frame: a driver's lane alone can keep thousands in use).
  if (st.cache.size() > 256)
    std::erase_if(st.cache, [&](const auto& kv) { return kv.second.used + 2 < st.frame; });
  if (!begin_panel(title::kTimeline, p_open,
                   ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
    ImGui::End();
    return;
  }
  const float font = ImGui::GetFontSize();
  const float names_w = kNamesWidth * font / 13.0f;
  const std::uint64_t upto = whole.events.count;
  update_lanes(whole.state, tl, upto, st, font);
  const RunSpan run = run_span(tl, whole);
  const float plot_w =
      std::max(1.0f, ImGui::GetContentRegionAvail().x - names_w - ImGui::GetStyle().ScrollbarSize);
  // A new runtime (a reset, a recording opened) is fitted afresh.
  if (whole.events.runtime_begin != st.runtime_begin && run.any) {
    st.runtime_begin = whole.events.runtime_begin;
    st.origin = run.begin;
    st.user_moved = false;
  }
  // Until the user zooms or pans, the view fits the run, as it grows and as
  // the panel is resized.
  if (!st.user_moved && run.any && run.end > run.begin)
    st.window.fit(0, static_cast<double>(run.end - st.origin), plot_w);
  const std::optional<fold::TaskKey> selected =
      sel.task != 0 ? tl.find_task(sel.task, upto) : std::nullopt;

  // Toolbar.
  if (ImGui::SmallButton("Fit run") && run.any) st.user_moved = false;
  tooltip_for_last_item("Show the whole run across the timeline, and follow it as it grows.");
  ImGui::SameLine();
  ImGui::BeginDisabled(!selected);
  if (ImGui::SmallButton("Fit task") && selected) {
    fit_task(tl, upto, *selected, st, plot_w);
    st.user_moved = true;
  }
  ImGui::EndDisabled();
  tooltip_for_last_item(selected ? "Show every poll and arrow of the selected task."
                                 : "Select a task (click a poll, or a task anywhere) first.");
  ImGui::SameLine();
  ImGui::TextDisabled("%s across", format_duration(st.window.ns_per_px * plot_w).c_str());
  ImGui::SameLine();
  help_marker(kNavHelp);
  if (!st.highlight_what.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(kAccent, "outlined: %s", st.highlight_what.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("clear")) {
      st.highlight.clear();
      st.highlight_t.clear();
      st.highlight_what.clear();
    }
  }
  if (sel.task != 0) {
    ImGui::SameLine();
    ImGui::TextDisabled("| task %u selected: its arrows, other tasks dimmed", sel.task);
  }

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
  const ImGuiIO& io = ImGui::GetIO();

  Frame f(whole, tl, st, upto);
  f.dl = ImGui::GetWindowDrawList();
  f.origin = ImVec2(child_p.x + names_w, child_p.y - scroll);
  f.width = plot_w;
  f.selected = selected;
  f.selected_id = selected ? sel.task : 0;
  f.mouse = io.MousePos;
  // (While the plot's button is held, as on the frame a click ends, the
  // window counts as hovered all the same: that click selects the poll.)
  f.mouse_in_plot = ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) &&
                    io.MousePos.x >= f.origin.x && io.MousePos.x < f.origin.x + plot_w &&
                    io.MousePos.y >= child_p.y && io.MousePos.y < child_p.y + child_h;
  const double lo = std::max(0.0, static_cast<double>(st.origin) + st.window.t0);
  const double hi = std::max(lo + 1, static_cast<double>(st.origin) + st.window.t1(plot_w));
  f.t0 = static_cast<std::uint64_t>(std::min(lo, 1.8e19));
  f.t1 = static_cast<std::uint64_t>(std::min(hi, 1.8e19));

  std::vector<LaneRow> rows;
  st.lanes.visible(scroll, scroll + child_h, rows);
  for (const LaneRow& row : rows) draw_row(f, row, names_w);
  OpenDrawn open;
  draw_open_spans(f, view, open);
  draw_cursor_line(f, view, child_p.y, child_p.y + child_h);
  draw_highlights(f, child_p.y, child_p.y + child_h);
  draw_arrows(f, child_p.y, child_p.y + child_h); // on top: they cross the lanes

  // Input: the names column toggles the timer group; the plot navigates and seeks.
  ImGui::SetCursorPos(ImVec2(0, scroll));
  ImGui::InvisibleButton("##names", ImVec2(names_w, std::max(1.0f, child_h)));
  const bool names_hovered = ImGui::IsItemHovered();
  ImGui::SetCursorPos(ImVec2(names_w, scroll));
  ImGui::InvisibleButton("##plot", ImVec2(plot_w, std::max(1.0f, child_h)));
  const bool plot_hovered = ImGui::IsItemHovered();
  const bool plot_pressed = ImGui::IsItemActivated();
  const float mouse_x = io.MousePos.x - f.origin.x;
  const float mouse_row_y = io.MousePos.y - f.origin.y;
  if (names_hovered && io.MouseWheel != 0) ImGui::SetScrollY(scroll - io.MouseWheel * font * 5);
  LaneRow under;
  const bool on_group = st.lanes.row_at(mouse_row_y, under) && under.kind == LaneKind::TimerGroup;
  if (names_hovered && on_group) {
    if (ImGui::IsMouseReleased(ImGuiMouseButton_Left)) st.lanes.set_expanded(!st.lanes.expanded());
    ImGui::SetTooltip("%zu timer threads, one for each TimerFuture: click to %s their lanes.",
                      st.lanes.timers().size(), st.lanes.expanded() ? "fold" : "show");
  }
  const TimeWindow before = st.window;
  if (plot_hovered && io.MouseWheel != 0)
    st.window.zoom_at(std::pow(kWheelZoom, static_cast<double>(io.MouseWheel)), mouse_x);
  if (plot_pressed) {
    st.dragging = true;
    st.drag_px = 0;
  }
  if (st.dragging && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    st.window.pan_px(-io.MouseDelta.x);
    st.drag_px += std::fabs(io.MouseDelta.x) + std::fabs(io.MouseDelta.y);
  }
  if (st.dragging && ImGui::IsMouseReleased(ImGuiMouseButton_Left)) {
    st.dragging = false;
    if (st.drag_px < kDragPx && run.any) {
      if (on_group) {
        st.lanes.set_expanded(!st.lanes.expanded());
      } else {
        const double t = static_cast<double>(st.origin) + st.window.t_of(mouse_x);
        const auto clicked = static_cast<std::uint64_t>(std::max(0.0, std::round(t)));
        st.seek_request = seek_position(tl, whole.events, clicked);
        st.clicked_pos = st.seek_request;
        st.clicked_t = clicked;
        if (f.hovered && tl.span(f.hovered_ref).kind == SpanKind::Poll)
          sel.task = tl.span(f.hovered_ref).task;
      }
    }
  }
  if (plot_hovered && !st.dragging) {
    if (open.hovered >= 0)
      open_span_tooltip(f, open);
    else if (f.hovered)
      span_tooltip(f, f.hovered_ref);
    else if (on_group)
      ImGui::SetTooltip("%zu timer threads: click to %s their lanes.", st.lanes.timers().size(),
                        st.lanes.expanded() ? "fold" : "show");
    else
      ImGui::SetTooltip(
          "%s  (click: go to this moment)",
          format_tick(st.window.t_of(mouse_x), ruler_step(st.window.ns_per_px, 1)).c_str());
  }
  ImGui::EndChild();
  if (ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows)) {
    st.has_keys = true;
    handle_keys(st, mouse_x, plot_w);
  }
  if (st.window.t0 != before.t0 || st.window.ns_per_px != before.ns_per_px)
    st.user_moved = true; // the user moved the view: it stays where they put it
  ImGui::End();
}

} // namespace pollscope::gui
