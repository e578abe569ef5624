// Compare mode's window (see gui/compare_panel.hpp).
//
//   lesson: what the two policy sets differ in, and what to watch for
//   [Run] [Pause] [Step] [Reset]  time scale  scenario  A: policies  B: policies  [Back]
//   +-- A: book / thread-per-timer ----+-- B: notified / thread-per-timer --+
//   | executor, run queue (dup badges) | the same, for B                    |
//   | tasks by state, timer threads    |                                    |
//   | lints                            |                                    |
//   +----------------------------------+------------------------------------+
//   metrics: row | A | B | B vs A   (rows that differ highlighted)
#include "gui/compare_panel.hpp"

#include "gui/commands.hpp"
#include "gui/compare_history_bar.hpp"
#include "gui/theme.hpp"
#include "gui/widgets.hpp"

#include "fold/describe.hpp"
#include "fold/metrics.hpp"

#include <imgui.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

namespace pollscope::gui {
namespace {

const char* const kSideName[2] = {"A", "B"};
const ImVec4 kSideColor[2] = {ImVec4(0.45f, 0.70f, 1.00f, 1.0f), ImVec4(0.95f, 0.60f, 0.85f, 1.0f)};

ImVec4 item_rect() {
  const ImVec2 p = ImGui::GetItemRectMin(), s = ImGui::GetItemRectSize();
  return ImVec4(p.x, p.y, s.x, s.y);
}

RssCell rss_cell(const CompareMode& mode, const CompareSide& side) {
  RssCell c;
  if (!mode.measuring_rss()) {
    c.error = "Peak RSS is measured by the app only (each side run again in a child process).";
    return c;
  }
  switch (side.rss.status()) {
  case PeakRssMeasurement::Status::Idle: c.error = "No scenario to run: nothing to measure."; break;
  case PeakRssMeasurement::Status::Measuring: c.state = RssCell::State::Measuring; break;
  case PeakRssMeasurement::Status::Done: {
    const SideRun& r = side.rss.result();
    if (r.metrics || (r.error.empty() && r.peak_rss_kib > 0)) {
      c.state = RssCell::State::Measured;
      c.kib = r.peak_rss_kib;
      c.elapsed_ns = r.elapsed_ns;
    } else {
      c.state = RssCell::State::Failed;
      c.error = r.error.empty() ? "the child exited with status " + std::to_string(r.exit_status)
                                : r.error;
    }
    break;
  }
  }
  return c;
}

// The lesson in a box three lines high, so the bar under it never moves
// when the lesson changes; what does not fit shows whole on hover.
void lesson_box(const std::string& lesson) {
  const float width = ImGui::GetContentRegionAvail().x;
  const float height = ImGui::GetTextLineHeight() * 3.0f;
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(p, ImVec2(p.x + width, p.y + height), true);
  dl->AddText(nullptr, 0, p, u32(kDimText), lesson.data(), lesson.data() + lesson.size(), width);
  dl->PopClipRect();
  ImGui::Dummy(ImVec2(width, height));
  if (ImGui::IsItemHovered() &&
      ImGui::CalcTextSize(lesson.c_str(), nullptr, false, width).y > height + 0.5f)
    tooltip_for_last_item(lesson);
}

// --- the bar that drives both sides ---------------------------------------------

template <typename Policy, std::size_t N>
bool policy_combo(const char* id, const std::array<std::string_view, N>& names, Policy& picked,
                  const char* help) {
  bool changed = false;
  const std::string preview(names[static_cast<std::size_t>(picked)]);
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("thread-per-timer").x +
                          ImGui::GetFrameHeight() * 1.6f);
  if (ImGui::BeginCombo(id, preview.c_str())) {
    for (std::size_t i = 0; i < N; ++i) {
      const std::string name(names[i]);
      if (ImGui::Selectable(name.c_str(), static_cast<std::size_t>(picked) == i)) {
        picked = static_cast<Policy>(i);
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  tooltip_for_last_item(help);
  return changed;
}

void side_pickers(std::size_t i, SidePolicies& p) {
  ImGui::TextColored(kSideColor[i], "%s", kSideName[i]);
  ImGui::SameLine();
  ImGui::PushID(static_cast<int>(i));
  policy_combo("##queue", kQueuePolicyNames, p.queue,
               "Where a woken task goes. book: every wake queues it, duplicates too. notified: a "
               "wake on a queued task changes nothing. local: notified, plus an executor-local "
               "queue for wakes made on the executor thread. Applies at Reset.");
  ImGui::SameLine();
  policy_combo("##timer", kTimerPolicyNames, p.timer,
               "Who sleeps until a timer's deadline. thread-per-timer: one OS thread per timer "
               "(the book). timer-thread: one driver thread for every timer. Applies at Reset.");
  ImGui::PopID();
}

// Whether Space pauses: the mode the controllers were last told (a command,
// not a view: a snapshot taken before the runtime's first mode event would
// still say the fold's default).
bool any_running(CompareMode& mode) {
  for (std::size_t i = 0; i < CompareMode::sides(); ++i) {
    const ExecutorMode m = mode.side(i).controller->mode();
    if (m == ExecutorMode::Run || m == ExecutorMode::Throttle) return true;
  }
  return false;
}

// Step as the single view does it (App::apply_steps): in step mode, while
// the view is behind live and either side takes a book step ahead of it,
// Step shows that book step; once the view has shown everything, it polls
// both sides and follows live again. Out of step mode, one poll each and the
// view stays where it is.
void step_both(CompareMode& mode, CompareHistoryState& h, CompareTimeline& line) {
  if (mode.resetting()) return;
  if (!h.live && mode.side(0).controller->mode() == ExecutorMode::Step) {
    const CompareTimeline::Position pos = line.position(h);
    if (line.book_step_ahead(pos)) return compare_history_go(h, line, line.next_book_step(pos));
    compare_history_go(h, line, line.live());
  }
  mode.step();
}

void compare_keys(CompareMode& mode, CompareHistoryState& h, CompareTimeline& line) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || io.KeyCtrl || io.KeyAlt || io.KeySuper) return;
  // An open combo or the File popup has the keys (Space, arrows, letters).
  if (ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId)) return;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) {
    if (any_running(mode))
      mode.pause();
    else
      mode.run();
  }
  if (ImGui::IsKeyPressed(static_cast<unsigned char>('S'), true)) step_both(mode, h, line);
  if (ImGui::IsKeyPressed(static_cast<unsigned char>('R'), false)) mode.reset();
  (void)handle_compare_history_keys(h, line);
}

void compare_bar(CompareMode& mode, CompareViewState& st, CompareTimeline& line,
                 ControlRects& rects) {
  const float w = ImGui::CalcTextSize("Pause").x + ImGui::GetStyle().FramePadding.x * 4;
  // While both runtimes are torn down and started again, nothing to command.
  const bool resetting = mode.resetting();
  ImGui::BeginDisabled(resetting);
  if (ImGui::Button("Run", ImVec2(w, 0))) mode.run();
  rects.run = item_rect();
  tooltip_for_last_item("Run both sides: each executor polls as fast as tasks arrive.  Key: Space");
  ImGui::SameLine();
  if (ImGui::Button("Pause", ImVec2(w, 0))) mode.pause();
  rects.pause = item_rect();
  tooltip_for_last_item("Pause both sides. Timer threads keep counting down.  Key: Space");
  ImGui::SameLine();
  if (ImGui::Button("Step", ImVec2(w, 0))) step_both(mode, st.history, line);
  rects.step = item_rect();
  tooltip_for_last_item("One poll on each side (each pops the front of its own queue). While the "
                        "history bar shows the past, the next book step of either side first.  "
                        "Key: S");
  ImGui::SameLine();
  if (ImGui::Button("Reset", ImVec2(w, 0))) mode.reset();
  rects.reset = item_rect();
  rects.spawn_timer = ImVec4(0, 0, 0, 0); // no spawning in compare mode
  rects.valid = true;
  tooltip_for_last_item("Fresh runtimes on both sides with the scenario and the policies picked "
                        "here, paused in step mode.  Key: R");

  ImGui::SameLine();
  ImGui::TextUnformatted("  time scale");
  ImGui::SameLine();
  float scale = static_cast<float>(mode.setup().run.time_scale);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
  if (ImGui::SliderFloat("##scale", &scale, 0.05f, 4.0f, "%.2fx",
                         ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp))
    mode.set_time_scale(scale);
  tooltip_for_last_item("One time scale for both sides (real clock): 0.25x is slow motion.");
  ImGui::EndDisabled();

  ImGui::SameLine();
  ImGui::TextUnformatted("  scenario");
  ImGui::SameLine();
  int picked = scenario_index(mode.pending.run.scenario);
  const std::string current(scenario_name(picked).empty() ? "empty" : scenario_name(picked));
  // Wide enough for the longest bundled name (lesson-10000-timers) and its arrow.
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("lesson-10000-timers").x + ImGui::GetFrameHeight() +
                          ImGui::GetStyle().FramePadding.x * 2);
  if (ImGui::BeginCombo("##scenario", current.c_str())) {
    for (int i = 0; i < scenario_choices(); ++i) {
      const std::string name(scenario_name(i).empty() ? "empty" : scenario_name(i));
      if (ImGui::Selectable(name.c_str(), i == picked))
        pick_scenario(mode.pending.run, scenario_name(i));
      tooltip_for_last_item(scenario_summary(i));
    }
    ImGui::EndCombo();
  }
  tooltip_for_last_item("The scenario both sides run. Applies at Reset.");

  ImGui::SameLine();
  const char* back = "Back to single view";
  const float back_w = ImGui::CalcTextSize(back).x + ImGui::GetStyle().FramePadding.x * 2;
  ImGui::SetCursorPosX(
      std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - back_w));
  if (ImGui::Button(back)) st.leave = true;
  tooltip_for_last_item("Leave compare mode: both runtimes stop; the single view is as you left "
                        "it.");

  side_pickers(0, mode.pending.a);
  ImGui::SameLine(0, ImGui::GetFontSize() * 1.5f);
  side_pickers(1, mode.pending.b);
  const bool pending = mode.pending.a != mode.setup().a || mode.pending.b != mode.setup().b ||
                       mode.pending.run.scenario != mode.setup().run.scenario;
  if (resetting) {
    ImGui::SameLine();
    text_colored(kAccent, "resetting both runtimes...");
    tooltip_for_last_item("Tearing a runtime down joins every timer thread it started: with "
                          "thousands of them that takes a moment. The window keeps drawing.");
  } else if (pending) {
    ImGui::SameLine();
    text_colored(kAccent, "applies at Reset");
    tooltip_for_last_item("The sides still run what they started with; Reset starts both again "
                          "with the scenario and policies picked here.");
  }
}

// --- one side -------------------------------------------------------------------

// How many tasks of the runtime are in each state, as one stacked bar with
// a legend underneath.
void tasks_by_state(const FrameView& view) {
  std::array<std::uint64_t, fold::kTaskStateCount> n{};
  for (const fold::TaskView& t : view.state.tasks.items()) ++n[static_cast<std::size_t>(t.state)];
  // Finished tasks the fold no longer lists were dropped.
  n[static_cast<std::size_t>(fold::TaskState::Dropped)] += view.state.counters.forgotten_tasks;
  std::uint64_t total = 0;
  for (auto c : n) total += c;
  ImGui::TextUnformatted("Tasks");
  ImGui::SameLine();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x, h = ImGui::GetTextLineHeight();
  dl->AddRectFilled(p, ImVec2(p.x + width, p.y + h), IM_COL32(50, 54, 64, 255), 3.0f);
  float x = p.x;
  std::string legend;
  for (std::size_t s = 0; s < n.size(); ++s) {
    if (n[s] == 0) continue;
    const auto state = static_cast<fold::TaskState>(s);
    const float seg = total > 0 ? width * float(n[s]) / float(total) : 0.0f;
    dl->AddRectFilled(ImVec2(x, p.y), ImVec2(x + std::max(seg, 2.0f), p.y + h),
                      u32(color_of(state)));
    x += seg;
    legend += (legend.empty() ? "" : ", ") + std::to_string(n[s]) + " " +
              std::string(fold::to_string(state));
  }
  ImGui::Dummy(ImVec2(width, h));
  tooltip_for_last_item(total == 0 ? std::string("No tasks.")
                                   : "The tasks by state, coloured as everywhere: " + legend + ".");
  text_dim(total == 0 ? std::string("no tasks") : legend);
}

// The timer threads alive now, as a number and a bar on a scale both sides
// share (the larger peak), so thousands against one is plain to see.
void timer_threads(const FrameView& view, const fold::RunMetrics& m, std::uint64_t scale) {
  const std::uint64_t live = view.state.counters.live_timer_threads;
  const std::uint64_t peak = std::max(m.peak_timer_threads, live);
  char text[96];
  std::snprintf(text, sizeof text, "Timer threads  %llu alive, peak %llu", (unsigned long long)live,
                (unsigned long long)peak);
  ImGui::TextUnformatted(text);
  tooltip_for_last_item("OS threads serving timers now, and the most at once in this run. "
                        "thread-per-timer: one per waiting timer; timer-thread: one in all.");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x, h = ImGui::GetTextLineHeight() * 0.7f;
  const float s = static_cast<float>(std::max<std::uint64_t>(scale, 1));
  dl->AddRectFilled(p, ImVec2(p.x + width, p.y + h), IM_COL32(50, 54, 64, 255), 3.0f);
  if (live > 0)
    dl->AddRectFilled(p, ImVec2(p.x + std::max(width * float(live) / s, 2.0f), p.y + h),
                      u32(color_of(fold::TimerState::Waiting)), 3.0f);
  if (peak > 0) {
    const float px = p.x + std::max(width * float(peak) / s, 2.0f);
    dl->AddLine(ImVec2(px, p.y - 2), ImVec2(px, p.y + h + 2), u32(kAccent), 2.0f);
  }
  ImGui::Dummy(ImVec2(width, h));
  tooltip_for_last_item("The bar: threads alive now; the tick: the peak. Both sides share one "
                        "scale (the larger peak).");
}

void executor_line(const FrameView& view) {
  const fold::ExecutorView& ex = view.state.executor;
  char text[160];
  const std::size_t events =
      view.events.count - std::min(view.events.count, view.events.runtime_begin);
  std::snprintf(text, sizeof text, "%s, %s  |  %llu poll%s  |  %zu event%s",
                std::string(to_string(ex.mode)).c_str(),
                std::string(fold::to_string(ex.activity)).c_str(),
                (unsigned long long)ex.total_polls, ex.total_polls == 1 ? "" : "s", events,
                events == 1 ? "" : "s");
  one_line(color_of(ex.activity), text);
  tooltip_for_last_item(fold::describe(ex.activity));
}

void draw_side(std::size_t i, CompareSide& side, const FrameView& view, const fold::RunMetrics& m,
               std::uint64_t thread_scale, float height, std::size_t behind) {
  ImGui::PushID(static_cast<int>(i));
  // In the past, a frame in the history bar's warning colour around the
  // side: both sides say they show a moment that is not now.
  if (behind != SIZE_MAX) ImGui::PushStyleColor(ImGuiCol_Border, kWarnText);
  ImGui::BeginChild("side", ImVec2(0, height), behind != SIZE_MAX);
  ImGui::PushFont(bold_font());
  ImGui::TextColored(kSideColor[i], "%s  %s", kSideName[i], to_string(side.policies).c_str());
  ImGui::PopFont();
  tooltip_for_last_item(std::string("Side ") + kSideName[i] +
                        ": its own runtime, under these policies (queue / timer).");
  if (behind != SIZE_MAX) {
    ImGui::SameLine();
    // Nothing later on this side: the bar walks through the other side's
    // later events, and this side stands still meanwhile; say so, or a
    // press that changes nothing here looks broken.
    const std::string me = kSideName[i], other = kSideName[1 - i];
    text_colored(kWarnText, behind == 0
                                ? "  the past (" + me + ": no later events)"
                                : "  the past (" + std::to_string(behind) + " events behind live)");
    tooltip_for_last_item(
        behind == 0
            ? "The history bar stands in the past, and " + me +
                  " has no event later than the moment shown: the bar is moving through " + other +
                  "'s later events (at the same time but later polls, or at a later time), and " +
                  me + " stands still meanwhile. Live (or End) follows the present again."
            : "The history bar above stands in the past: this side shows its run as "
              "it was then. Live (or End) follows the present again.");
  }
  executor_line(view);
  const float em = ImGui::GetFontSize();
  // The lints box gives the run queue the room the history bar above took.
  const float lints_h = std::max(em * 3.0f, height * 0.12f);
  const float rest = ImGui::GetTextLineHeightWithSpacing() * 5.2f + lints_h;
  const float queue_h = std::max(em * 6.0f, ImGui::GetContentRegionAvail().y - rest);
  ImGui::BeginChild("queue", ImVec2(0, queue_h), true);
  draw_run_queue_body(view, side.selection);
  ImGui::EndChild();
  tasks_by_state(view);
  timer_threads(view, m, thread_scale);
  const std::size_t n = view.lints != nullptr ? view.lints->size() : 0;
  ImGui::TextUnformatted("Lints");
  ImGui::SameLine();
  if (n == 0)
    text_colored(kGoodText, "none");
  else
    text_colored(kWarnText, std::to_string(n));
  ImGui::BeginChild("lints", ImVec2(0, 0), true);
  draw_lints_compact(view, side.selection);
  ImGui::EndChild();
  ImGui::EndChild();
  if (behind != SIZE_MAX) ImGui::PopStyleColor();
  ImGui::PopID();
}

// --- the metrics table ------------------------------------------------------------

void metrics_table(const std::vector<MetricRow>& rows) {
  const ImGuiTableFlags flags =
      ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("metrics", 4, flags)) return;
  ImGui::TableSetupColumn("metric", ImGuiTableColumnFlags_WidthStretch, 1.6f);
  ImGui::TableSetupColumn("A", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("B", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("B vs A", ImGuiTableColumnFlags_WidthStretch, 0.8f);
  headers_row_with_help({"What is measured (hover a row's name for what it counts and why the "
                         "policies differ in it).",
                         "Side A's run, as its events show it at the history bar's moment "
                         "(peak RSS and wall time: a whole run, measured in a child process).",
                         "Side B's run, as its events show it at the history bar's moment "
                         "(peak RSS and wall time: a whole run, measured in a child process).",
                         "B against A: B / A when both are above zero, else B - A. Rows where "
                         "the sides differ are highlighted."});
  const ImU32 highlight = u32(with_alpha(kAccent, 0.16f));
  for (const MetricRow& r : rows) {
    ImGui::TableNextRow();
    if (r.differ) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, highlight);
    ImGui::TableNextColumn();
    text_colored(r.differ ? kAccent : ImGui::GetStyleColorVec4(ImGuiCol_Text), r.name);
    tooltip_for_last_item(r.help);
    ImGui::TableNextColumn();
    text(r.a);
    if (!r.a_note.empty()) tooltip_for_last_item(r.a_note);
    ImGui::TableNextColumn();
    text(r.b);
    if (!r.b_note.empty()) tooltip_for_last_item(r.b_note);
    ImGui::TableNextColumn();
    text_colored(r.differ ? kAccent : kDimText, r.change);
  }
  ImGui::EndTable();
}

fold::RunMetrics side_metrics(CompareSide& side, const FrameView& view) {
  return fold::run_metrics(view.state, &side.pump->timeline(), view.events.count);
}

} // namespace

std::vector<MetricRow> compare_metric_rows(CompareMode& mode, const FrameView& a,
                                           const FrameView& b) {
  return metric_rows(side_metrics(mode.side(0), a), side_metrics(mode.side(1), b),
                     rss_cell(mode, mode.side(0)), rss_cell(mode, mode.side(1)));
}

void draw_compare(CompareMode& mode, CompareViewState& st, ControlRects& rects) {
  mode.start_measurements();
  const record::Snapshot* snaps[2] = {&mode.side(0).pump->latest(), &mode.side(1).pump->latest()};
  // A Reset (or the first frame) sends the shared cursor back to live: a
  // position in the runs that came before means nothing in the new ones.
  for (std::size_t i = 0; i < 2; ++i)
    if (snaps[i]->events.runtime_begin != st.runtime_begins[i]) {
      st.runtime_begins[i] = snaps[i]->events.runtime_begin;
      st.history = CompareHistoryState{};
    }
  auto history_side = [&](std::size_t i) {
    CompareSide& side = mode.side(i);
    return CompareHistorySide{&side.pump->store(), &side.pump->checkpoints(),
                              snaps[i]->events.runtime_begin, snaps[i]->events.count,
                              side.order.get()};
  };
  CompareTimeline line(history_side(0), history_side(1));
  compare_keys(mode, st.history, line);

  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float top = ImGui::GetFrameHeight(); // the main menu bar
  ImGui::SetNextWindowPos(ImVec2(vp->Pos.x, vp->Pos.y + top));
  ImGui::SetNextWindowSize(ImVec2(vp->Size.x, vp->Size.y - top));
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize |
                                 ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse |
                                 ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoBringToFrontOnFocus;
  if (!ImGui::Begin("Compare policies", nullptr, flags)) {
    ImGui::End();
    return;
  }
  // The lesson: what differs between A and B, and what to watch for.
  ImGui::PushFont(bold_font());
  ImGui::Text("Compare: %s", mode.setup().run.scenario.empty() ? "empty runtime"
                                                               : mode.setup().run.scenario.c_str());
  ImGui::PopFont();
  lesson_box(compare_lesson(mode.setup()));
  ImGui::Separator();
  compare_bar(mode, st, line, rects);
  ImGui::Separator();
  (void)draw_compare_history_bar(st.history, line);
  ImGui::Separator();

  // Both sides at the cursor (after the keys, the buttons and the bar moved it).
  const CompareTimeline::Position pos = line.position(st.history);
  const bool past = !st.history.live;
  const FrameView views[2] = {mode.side(0).view(*snaps[0], pos[0]),
                              mode.side(1).view(*snaps[1], pos[1])};
  st.timers_live = false;
  for (std::size_t i = 0; i < 2; ++i) {
    if (views[i].serial != st.serials[i]) {
      st.serials[i] = views[i].serial;
      st.last_change = ImGui::GetTime();
    }
    // Timers count down in the runtimes whatever moment is shown.
    st.timers_live = st.timers_live || snaps[i]->state.counters.live_timer_threads > 0;
  }

  const fold::RunMetrics m[2] = {side_metrics(mode.side(0), views[0]),
                                 side_metrics(mode.side(1), views[1])};
  const std::vector<MetricRow> rows =
      metric_rows(m[0], m[1], rss_cell(mode, mode.side(0)), rss_cell(mode, mode.side(1)));
  std::uint64_t thread_scale = 1;
  for (std::size_t i = 0; i < 2; ++i)
    thread_scale = std::max(
        {thread_scale, m[i].peak_timer_threads, views[i].state.counters.live_timer_threads});
  const float table_h =
      (ImGui::GetTextLineHeight() + ImGui::GetStyle().CellPadding.y * 2) * float(rows.size() + 1) +
      ImGui::GetStyle().ItemSpacing.y * 2;
  const float sides_h =
      std::max(ImGui::GetFontSize() * 16, ImGui::GetContentRegionAvail().y - table_h);
  if (ImGui::BeginTable("sides", 2,
                        ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchSame)) {
    for (std::size_t i = 0; i < 2; ++i) {
      ImGui::TableNextColumn();
      draw_side(i, mode.side(i), views[i], m[i], thread_scale, sides_h,
                past ? snaps[i]->events.count - pos[i] : SIZE_MAX);
    }
    ImGui::EndTable();
  }
  metrics_table(rows);
  ImGui::End();
}

} // namespace pollscope::gui
