// Wakers: every live waker — its id, the task it wakes, who holds it now (the
// executor's Context during a poll, a timer's shared state while the task is
// parked), and its clones / wakes so far. Dropped wakers on request.
#include "gui/layout.hpp"
#include "gui/panels.hpp"
#include "gui/widgets.hpp"

#include "fold/describe.hpp"
#include "fold/view.hpp"

#include <imgui.h>

#include <string>

namespace pollscope::gui {
namespace {

void holder_cell(const FrameView& view, const fold::WakerView& w) {
  // Short words: the column is narrow; the tooltip says it in full.
  const fold::HolderText h = fold::holder_text(view.state, w);
  if (!w.alive)
    text_dim(h.label);
  else if (w.holder == fold::WakerHolder::Timer)
    text_colored(color_of(fold::TimerState::Waiting), h.label);
  else if (w.holder == fold::WakerHolder::None)
    text_dim(h.label);
  else
    text(h.label);
  tooltip_for_last_item(h.help);
}

void table(const FrameView& view, WakersPanelState& st, Selection& sel) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable |
                                ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("wakers", 6, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  // Weights: the two text columns get the room ("#1 hello-world", "executor
  // (poll)"); the numbers need little.
  ImGui::TableSetupColumn("id", ImGuiTableColumnFlags_WidthStretch, 0.55f);
  ImGui::TableSetupColumn("wakes task", ImGuiTableColumnFlags_WidthStretch, 1.8f);
  ImGui::TableSetupColumn("held by", ImGuiTableColumnFlags_WidthStretch, 1.6f);
  ImGui::TableSetupColumn("clones", ImGuiTableColumnFlags_WidthStretch, 0.8f);
  ImGui::TableSetupColumn("wakes", ImGuiTableColumnFlags_WidthStretch, 0.75f);
  ImGui::TableSetupColumn("from", ImGuiTableColumnFlags_WidthStretch, 0.6f);
  headers_row_with_help({"The waker's id.",
                         "The task this waker re-sends to the run queue when woken.",
                         "Who keeps this waker alive right now.", fold::help(fold::Concept::Clone),
                         "How many times it was woken (wake, or wake_by_ref which keeps it alive).",
                         "The waker it was cloned from (blank: made fresh by the executor)."});

  const auto items = view.state.wakers.items();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(st.rows.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const std::uint32_t index = st.rows[static_cast<std::size_t>(i)];
      if (index >= items.size()) continue;
      const fold::WakerView& w = items[index];
      ImGui::PushID(static_cast<int>(w.id));
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      if (w.alive)
        ImGui::Text("%u", w.id);
      else
        ImGui::TextDisabled("%u", w.id);
      ImGui::TableNextColumn();
      task_link(view, w.task, sel, true);
      ImGui::TableNextColumn();
      holder_cell(view, w);
      ImGui::TableNextColumn();
      ImGui::Text("%u", w.clones);
      ImGui::TableNextColumn();
      if (w.wakes > 0)
        ImGui::TextColored(kAccent, "%u", w.wakes);
      else
        ImGui::Text("0");
      ImGui::TableNextColumn();
      if (w.cloned_from != 0) ImGui::Text("%u", w.cloned_from);
      ImGui::PopID();
    }
  }
  ImGui::EndTable();
}

} // namespace

void draw_wakers(const FrameView& view, WakersPanelState& st, Selection& sel, bool* p_open) {
  if (!begin_panel(title::kWakers, p_open)) {
    ImGui::End();
    return;
  }
  if (view.serial != st.rows_serial || st.rows_serial == 0) {
    st.rows = fold::waker_rows(view.state, st.show_dropped);
    st.rows_serial = view.serial;
  }
  concept_label("Wakers", fold::Concept::Waker);
  ImGui::SameLine();
  ImGui::Text("%llu live", (unsigned long long)view.state.counters.live_wakers);
  ImGui::SameLine();
  if (ImGui::Checkbox("show dropped", &st.show_dropped)) st.rows_serial = 0;
  tooltip_for_last_item("Also list wakers that were dropped, or consumed by wake().");
  forgotten_note(view.state.counters.forgotten_wakers, "wakers");
  table(view, st, sel);
  ImGui::End();
}

} // namespace pollscope::gui
