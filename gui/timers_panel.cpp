// Timer threads: one row per TimerFuture's thread — its id, the task awaiting
// it, the duration, a progress bar to its deadline, its state, and the waker
// its shared state holds. The live thread count is the book's cost model:
// one OS thread per timer.
#include "gui/layout.hpp"
#include "gui/panels.hpp"
#include "gui/widgets.hpp"

#include "fold/describe.hpp"
#include "fold/view.hpp"

#include <imgui.h>

#include <string>

namespace pollscope::gui {
namespace {

void progress_cell(const fold::TimerView& t, const fold::TimerRow& r) {
  std::string overlay;
  if (t.fired || t.state == fold::TimerState::Fired || t.state == fold::TimerState::Exited)
    overlay = t.cancelled ? "cancelled" : "fired";
  else
    overlay = fold::format_duration(
        r.remaining_ns); // time left; short, so a narrow column shows it whole
  ImGui::PushStyleColor(ImGuiCol_PlotHistogram,
                        t.fired ? kAccent : color_of(fold::TimerState::Waiting));
  ImGui::ProgressBar(static_cast<float>(r.progress), ImVec2(-1, ImGui::GetTextLineHeight()),
                     overlay.c_str());
  ImGui::PopStyleColor();
}

void table(const FrameView& view, const std::vector<fold::TimerRow>& rows, Selection& sel) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable |
                                ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("timers", 6, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  // Weighted so "#1 timer-1", "574 ms" and the "waker" header fit the
  // default 370 px column.
  ImGui::TableSetupColumn("id", ImGuiTableColumnFlags_WidthStretch, 0.45f);
  ImGui::TableSetupColumn("task", ImGuiTableColumnFlags_WidthStretch, 1.55f);
  ImGui::TableSetupColumn("duration", ImGuiTableColumnFlags_WidthStretch, 1.25f);
  ImGui::TableSetupColumn("deadline", ImGuiTableColumnFlags_WidthStretch, 1.45f);
  ImGui::TableSetupColumn("state", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("waker", ImGuiTableColumnFlags_WidthStretch, 0.85f);
  headers_row_with_help(
      {"The timer's id (one thread each).", "The task awaiting this TimerFuture.",
       "How long the thread sleeps before it fires.",
       "Progress to the deadline and the time left, on the runtime clock (slowed by the time "
       "scale).",
       "waiting: the thread sleeps; fired: completed = true and the waker was woken; "
       "exited: the thread ended.",
       "The waker stored in the timer's shared state: the future put it there when it "
       "returned Pending; the thread takes it out and wakes it at the deadline."});
  const auto items = view.state.timers.items();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const fold::TimerRow& r = rows[static_cast<std::size_t>(i)];
      if (r.index >= items.size()) continue;
      const fold::TimerView& t = items[r.index];
      ImGui::PushID(static_cast<int>(t.id));
      ImGui::TableNextRow();
      if (t.task != 0 && t.task == sel.task)
        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, u32(with_alpha(kAccent, 0.18f)));
      ImGui::TableNextColumn();
      ImGui::Text("%u", t.id);
      ImGui::TableNextColumn();
      task_link(view, t.task, sel, true);
      ImGui::TableNextColumn();
      text(fold::format_duration(t.duration_ns));
      ImGui::TableNextColumn();
      progress_cell(t, r);
      ImGui::TableNextColumn();
      text_colored(color_of(t.state),
                   t.cancelled ? std::string_view("cancelled") : fold::to_string(t.state));
      tooltip_for_last_item(fold::describe(t.state));
      ImGui::TableNextColumn();
      if (t.stored_waker != 0) {
        ImGui::Text("%u", t.stored_waker);
        tooltip_for_last_item("The timer holds this waker until its deadline.");
      } else {
        ImGui::TextDisabled("-");
      }
      ImGui::PopID();
    }
  }
  ImGui::EndTable();
}

} // namespace

void draw_timers(const FrameView& view, TimersPanelState& st, Selection& sel, bool* p_open) {
  if (!begin_panel(title::kTimers, p_open)) {
    ImGui::End();
    return;
  }
  concept_label("Timer threads", fold::Concept::TimerThread);
  ImGui::SameLine();
  const auto live = view.state.counters.live_timer_threads;
  ImGui::TextColored(live > 0 ? color_of(fold::TimerState::Waiting) : kDimText,
                     "%llu live thread%s", (unsigned long long)live, live == 1 ? "" : "s");
  tooltip_for_last_item(
      "OS threads running right now: the book's TimerFuture spawns one per timer.");
  ImGui::SameLine();
  ImGui::Checkbox("show exited", &st.show_exited);
  forgotten_note(view.state.counters.forgotten_timers, "timers");
  const std::vector<fold::TimerRow> rows =
      fold::timer_rows(view.state, view.now_ns, st.show_exited);
  if (rows.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    text_dim(
        view.state.timers.empty()
            ? "No timers yet. A task that awaits a TimerFuture starts one when it is first polled."
            : "No timer thread is running. Tick 'show exited' to see the finished ones.");
    ImGui::PopTextWrapPos();
  } else {
    table(view, rows, sel);
  }
  ImGui::End();
}

} // namespace pollscope::gui
