// The Timeline and Histograms panels drawn on a bare Dear ImGui context (no
// display) from a timeline model of a synthetic history: they draw without
// an ImGui assert at every zoom, a click seeks and selects, and the timer
// threads' group expands on click.
#include "gui_test_support.hpp"

#include "fold/timeline.hpp"
#include "gui/layout.hpp"
#include "gui/panels.hpp"

#include <imgui.h>
#include <imgui_internal.h> // FindWindowByName: where the panel is on screen

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

namespace pollscope::gui {
namespace {

using test::BareImGui;
using test::FoldedLog;
using test::LogBuilder;

// The builder's events with the thread-table rows the runtime would give
// them: 1 the spawner, 2 the executor, 2 + N timer N's thread, each named
// (ThreadNamed) just before its first event.
std::vector<Event> with_threads(const std::vector<Event>& in, StringTable& strings) {
  std::vector<Event> out;
  std::vector<bool> named;
  for (Event e : in) {
    ThreadIndex row = 0;
    if (e.kind != EventKind::RuntimeStarted) {
      row = e.lane == Lane::Timer ? 2 + e.timer : e.lane == Lane::Executor ? 2 : 1;
      if (named.size() <= row) named.resize(row + 1);
      if (!named[row]) {
        named[row] = true;
        Event n;
        n.t = e.t;
        n.kind = EventKind::ThreadNamed;
        n.thread = row;
        n.lane = e.lane;
        n.timer = e.lane == Lane::Timer ? e.timer : 0;
        n.a = strings.intern(row == 1   ? "spawner"
                             : row == 2 ? "executor"
                                        : "timer " + std::to_string(e.timer));
        n.b = static_cast<std::uint64_t>(e.lane);
        out.push_back(n);
      }
    }
    e.thread = row;
    out.push_back(e);
  }
  return out;
}

struct History {
  StringTable strings;
  FoldedLog log;
  fold::Timeline timeline;
  explicit History(TaskId tasks) {
    LogBuilder b(strings);
    b.start(20000);
    for (TaskId id = 1; id <= tasks; ++id) b.spawn(id);
    for (TaskId id = 1; id <= tasks; ++id) b.poll_pending(id);
    for (TaskId id = 1; id <= tasks; ++id) b.fire(id);
    for (TaskId id = 1; id <= tasks; ++id) b.poll_ready(id);
    const std::vector<Event> events = with_threads(b.events, strings);
    log.apply(events);
    for (const Event& e : events) timeline.append(e);
  }
  [[nodiscard]] FrameView view() const {
    return FrameView{log.fold.state(), log.view(), strings, log.fold.state().log.last_t, 1};
  }
};

// The plot's screen rectangle: the panel's lanes child, right of the names.
ImRect plot_rect() {
  const ImGuiWindow* w = ImGui::FindWindowByName(title::kTimeline);
  REQUIRE(w != nullptr);
  const ImRect r = w->InnerRect;
  return ImRect(ImVec2(r.Min.x + 170, r.Min.y + 70), ImVec2(r.Max.x - 20, r.Max.y - 10));
}

TEST_CASE("the timeline and histograms draw 1,000 tasks and timer threads at every zoom") {
  BareImGui imgui;
  History h(1000);
  const FrameView view = h.view();
  TimelineState tl;
  HistogramsState hist;
  Selection sel;
  bool open = true, hopen = true;
  for (int frame = 0; frame < 12; ++frame) {
    if (frame == 3) tl.window.zoom_at(1e6, 300); // in to ns scale
    if (frame == 5) tl.lanes.set_expanded(true);
    if (frame == 7) sel.task = 42; // its arrows, the other tasks dimmed
    if (frame == 9) tl.window.pan_px(-1e7);
    imgui.frame([&] {
      draw_timeline(view, view, h.timeline, tl, sel, &open);
      draw_histograms(view, h.timeline, hist, tl, sel, &hopen);
    });
  }
  CHECK(tl.lanes.threads().size() == 2);   // the executor and the spawner
  CHECK(tl.lanes.timers().size() == 1000); // every timer thread, in the group
  CHECK(tl.lanes.grouped());
}

TEST_CASE("a click on the timeline asks for the moment clicked, and further right is later") {
  BareImGui imgui;
  History h(50);
  const FrameView view = h.view();
  TimelineState tl;
  HistogramsState hist;
  Selection sel;
  bool open = true;
  imgui.frame([&] { draw_timeline(view, view, h.timeline, tl, sel, &open); });
  imgui.frame([&] { draw_timeline(view, view, h.timeline, tl, sel, &open); });
  const ImRect plot = plot_rect();
  auto click_at = [&](float x) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(x, plot.Max.y - 5); // below the lanes: no slice under it
    io.MouseDown[0] = false;
    imgui.frame([&] { draw_timeline(view, view, h.timeline, tl, sel, &open); });
    io.MouseDown[0] = true;
    imgui.frame([&] { draw_timeline(view, view, h.timeline, tl, sel, &open); });
    io.MouseDown[0] = false;
    imgui.frame([&] { draw_timeline(view, view, h.timeline, tl, sel, &open); });
    const std::size_t got = tl.seek_request;
    tl.seek_request = SIZE_MAX;
    return got;
  };
  const std::size_t n = view.events.count;
  const std::size_t left = click_at(plot.Min.x + 10);
  const std::size_t mid = click_at((plot.Min.x + plot.Max.x) / 2);
  const std::size_t right = click_at(plot.Max.x - 10);
  REQUIRE(left != SIZE_MAX);
  REQUIRE(mid != SIZE_MAX);
  REQUIRE(right != SIZE_MAX);
  CHECK(left >= 1);
  CHECK(right <= n);
  CHECK(left < mid);
  CHECK(mid < right);
  CHECK_FALSE(tl.user_moved); // a click is not a drag: the view stays fitted
}

TEST_CASE("a drag pans the view and seeks nowhere") {
  BareImGui imgui;
  History h(50);
  const FrameView view = h.view();
  TimelineState tl;
  Selection sel;
  bool open = true;
  for (int i = 0; i < 2; ++i)
    imgui.frame([&] { draw_timeline(view, view, h.timeline, tl, sel, &open); });
  const ImRect plot = plot_rect();
  const double t0 = tl.window.t0;
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(plot.Min.x + 300, plot.Max.y - 5);
  imgui.frame([&] { draw_timeline(view, view, h.timeline, tl, sel, &open); });
  io.MouseDown[0] = true;
  imgui.frame([&] { draw_timeline(view, view, h.timeline, tl, sel, &open); });
  for (int i = 0; i < 5; ++i) {
    io.MousePos.x -= 20; // drag left: the view moves right, later in time
    imgui.frame([&] { draw_timeline(view, view, h.timeline, tl, sel, &open); });
  }
  io.MouseDown[0] = false;
  imgui.frame([&] { draw_timeline(view, view, h.timeline, tl, sel, &open); });
  CHECK(tl.window.t0 == doctest::Approx(t0 + 100 * tl.window.ns_per_px));
  CHECK(tl.seek_request == SIZE_MAX);
  CHECK(tl.user_moved);
}

TEST_CASE("the wheel over the plot zooms in at the mouse") {
  BareImGui imgui;
  History h(50);
  const FrameView view = h.view();
  TimelineState tl;
  Selection sel;
  bool open = true;
  for (int i = 0; i < 2; ++i)
    imgui.frame([&] { draw_timeline(view, view, h.timeline, tl, sel, &open); });
  const ImRect plot = plot_rect();
  const double before = tl.window.ns_per_px;
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(plot.Min.x + 200, plot.Max.y - 5);
  imgui.frame([&] { draw_timeline(view, view, h.timeline, tl, sel, &open); });
  io.MouseWheel = 3;
  imgui.frame([&] { draw_timeline(view, view, h.timeline, tl, sel, &open); });
  io.MouseWheel = 0;
  CHECK(tl.window.ns_per_px == doctest::Approx(before / std::pow(kWheelZoom, 3)));
  CHECK(tl.user_moved);
  CHECK(tl.has_keys); // W/S/A/D are the timeline's while the mouse is over it
}

} // namespace
} // namespace pollscope::gui
