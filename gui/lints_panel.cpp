// The Lints panel: every fault the fold detected (fold/lints.hpp), for the
// thresholds the user sets here. Clicking a lint selects its task and shows
// the event where it fired; a live deadlock offers Reset. Also the small "!"
// badge other panels put beside a task that has lints.
#include "gui/commands.hpp"
#include "gui/layout.hpp"
#include "gui/panels.hpp"
#include "gui/widgets.hpp"

#include "fold/describe.hpp"
#include "fold/lints.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace pollscope::gui {

namespace {

const ImVec4 kLintRed{0.95f, 0.32f, 0.30f, 1.0f};

// Faults that stop a task (or everything) are red; the rest are warnings.
ImVec4 lint_color(fold::LintKind k) {
  switch (k) {
  case fold::LintKind::SelfWake:
  case fold::LintKind::DroppedIncomplete:
  case fold::LintKind::BlockingPoll:
  case fold::LintKind::NeverYielded: return kWarnText;
  default: return kLintRed;
  }
}

// Where "show me" goes: select the task and scroll the event log to the
// event where the lint fired. The one place to re-point to the history
// cursor once it lands.
// The history shows the moment just after the event where the lint fired,
// and the event log scrolls to that event and marks it.
void seek_to(const fold::Lint& l, Selection& sel, EventLogState& log) {
  if (l.task != 0) sel.task = l.task;
  log.seek = static_cast<std::size_t>(l.event);
  log.seek_request = static_cast<std::size_t>(l.event) + 1;
}

void thresholds(LintsPanelState& st) {
  if (!ImGui::CollapsingHeader("Thresholds")) {
    tooltip_for_last_item("When a poll counts as blocking, and how many self-wakes are too many.");
    return;
  }
  const float em = ImGui::GetFontSize();
  int ms = static_cast<int>(st.thresholds.blocking_poll_ns / 1'000'000);
  ImGui::SetNextItemWidth(em * 9);
  if (ImGui::SliderInt("blocking poll", &ms, 1, 10'000, "%d ms",
                       ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp))
    st.thresholds.blocking_poll_ns = static_cast<std::uint64_t>(std::max(ms, 1)) * 1'000'000;
  tooltip_for_last_item(
      "A poll that runs at least this long is a blocking poll: the executor has one thread, so "
      "every other task waits. A poll still running past it is a task that has not yielded.");
  int pct = static_cast<int>(st.thresholds.self_wake_percent);
  ImGui::SetNextItemWidth(em * 9);
  if (ImGui::SliderInt("self-wakes", &pct, 0, 100, "%d%%", ImGuiSliderFlags_AlwaysClamp))
    st.thresholds.self_wake_percent = static_cast<std::uint32_t>(std::clamp(pct, 0, 100));
  tooltip_for_last_item("A task whose wakes came from its own poll more often than this share of "
                        "the time (yield_now wakes itself: yielders always do).");
}

// One lint: title, count and time, the message; clickable as a whole.
void lint_entry(const FrameView& view, const fold::Lint& l, int i, Selection& sel,
                EventLogState& log, Controller& controller, ControlsState& controls) {
  ImGui::PushID(i);
  const std::string msg = fold::message(l, view.state, view.strings);
  const std::uint64_t t0 = view.state.started_t;
  ImGui::BeginGroup();
  text_colored(lint_color(l.kind), fold::to_string(l.kind));
  const bool title_hovered = ImGui::IsItemHovered();
  ImGui::SameLine();
  char info[64];
  std::snprintf(info, sizeof info, "x%llu  at %.3f s", (unsigned long long)l.count,
                double(l.t > t0 ? l.t - t0 : 0) / 1e9);
  text_dim(info);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(msg.c_str());
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
  const bool selected = l.task != 0 && sel.task == l.task;
  if (selected || ImGui::IsItemHovered()) {
    ImGui::GetWindowDrawList()->AddRectFilled(
        ImGui::GetItemRectMin(), ImGui::GetItemRectMax(),
        u32(with_alpha(lint_color(l.kind), ImGui::IsItemHovered() ? 0.18f : 0.10f)), 3.0f);
  }
  if (title_hovered) {
    tooltip_for_last_item(fold::describe(l.kind));
  } else if (ImGui::IsItemHovered()) {
    char tip[160];
    std::snprintf(
        tip, sizeof tip,
        "Fired %llu time(s), first at event #%llu. Click: select task %u and show that "
        "event in the Event log.",
        (unsigned long long)l.count,
        (unsigned long long)(l.event - std::min<std::uint64_t>(l.event, view.events.runtime_begin)),
        l.task);
    ImGui::SetTooltip("%s", tip);
  }
  if (ImGui::IsItemClicked()) seek_to(l, sel, log);
  if (l.kind == fold::LintKind::Deadlock && l.active) {
    if (ImGui::SmallButton("Reset")) cmd_reset(controller, controls);
    tooltip_for_last_item("Nothing in a wait-for cycle can move again: tear this runtime down "
                          "and start a fresh one with the picked scenario.");
  }
  ImGui::PopID();
  ImGui::Separator();
}

} // namespace

void LintsPanelState::update(const fold::FoldState& state, std::uint64_t snapshot_serial) {
  if (snapshot_serial == serial && thresholds == evaluated_with && snapshot_serial != 0) return;
  lints = fold::evaluate(state, thresholds);
  serial = snapshot_serial;
  evaluated_with = thresholds;
}

void draw_lints_compact(const FrameView& view, Selection& sel) {
  static const std::vector<fold::Lint> kNone;
  const std::vector<fold::Lint>& lints = view.lints != nullptr ? *view.lints : kNone;
  if (lints.empty()) text_dim("No lints.");
  for (std::size_t i = 0; i < lints.size(); ++i) {
    const fold::Lint& l = lints[i];
    ImGui::PushID(static_cast<int>(i));
    text_colored(lint_color(l.kind), fold::to_string(l.kind));
    tooltip_for_last_item(fold::describe(l.kind));
    if (ImGui::IsItemClicked() && l.task != 0) sel.task = l.task;
    ImGui::SameLine();
    ImGui::PushTextWrapPos(0.0f);
    text_dim(fold::message(l, view.state, view.strings));
    ImGui::PopTextWrapPos();
    ImGui::PopID();
  }
}

bool lint_badge(const FrameView& view, TaskId task) {
  if (view.lints == nullptr || task == 0) return false;
  const std::vector<fold::LintKind> kinds = fold::lints_of(*view.lints, task);
  if (kinds.empty()) return false;
  ImGui::SameLine(0, ImGui::GetFontSize() * 0.3f);
  text_colored(kLintRed, "!");
  if (ImGui::IsItemHovered()) {
    std::string tip = "Lints for this task (see the Lints panel):";
    for (fold::LintKind k : kinds) tip += "\n  " + std::string(fold::to_string(k));
    ImGui::SetTooltip("%s", tip.c_str());
  }
  return true;
}

void draw_lints(const FrameView& view, LintsPanelState& st, Selection& sel, EventLogState& log,
                Controller& controller, ControlsState& controls, bool* p_open) {
  if (!begin_panel(title::kLints, p_open)) {
    ImGui::End();
    return;
  }
  static const std::vector<fold::Lint> kNone;
  const std::vector<fold::Lint>& lints = view.lints != nullptr ? *view.lints : kNone;
  if (lints.empty()) {
    text_colored(kGoodText, "No lints");
  } else {
    char head[48];
    std::snprintf(head, sizeof head, "%zu lint%s", lints.size(), lints.size() == 1 ? "" : "s");
    text_colored(kLintRed, head);
  }
  ImGui::SameLine();
  help_marker("Lints are the executor's well-known faults, detected from the events as they "
              "happen: a lost waker, a double wake, a full-queue deadlock, a blocking poll, a "
              "wake before the waker was stored, self-wakes, a task dropped unfinished. Hover a "
              "lint's name for what it means; click a lint to see where it fired.");
  if (view.state.lints.unrecorded > 0) {
    ImGui::SameLine();
    char more[48];
    std::snprintf(more, sizeof more, "+%llu not listed",
                  (unsigned long long)view.state.lints.unrecorded);
    text_dim(more);
    tooltip_for_last_item("Lints past the first 256 (kind, task) pairs are counted, not listed.");
  }
  thresholds(st);
  ImGui::Separator();
  if (ImGui::BeginChild("lints", ImVec2(0, 0))) {
    for (std::size_t i = 0; i < lints.size(); ++i)
      lint_entry(view, lints[i], static_cast<int>(i), sel, log, controller, controls);
    if (lints.empty())
      text_dim("Nothing has gone wrong in this runtime (yet). Try a fault scenario, or join "
               "with capacity 1.");
  }
  ImGui::EndChild();
  ImGui::End();
}

} // namespace pollscope::gui
