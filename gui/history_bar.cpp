#include "gui/history_bar.hpp"

#include "gui/history.hpp"
#include "gui/theme.hpp"
#include "gui/widgets.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace pollscope::gui {
namespace {

bool key_pressed(ImGuiKey key) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), true); }

// The time of the moment at `pos`: the display time of its last event,
// seconds since the runtime it belongs to started.
double seconds_at(const record::FoldPump& pump, std::size_t pos) {
  if (pos == 0) return 0;
  const record::EventStore& store = pump.store();
  const std::size_t begin = pump.runtime_begin_at(pos);
  const std::uint64_t t0 = store.first(pos)[begin].t;
  const std::uint64_t t = store.display_time(pos - 1);
  return t > t0 ? static_cast<double>(t - t0) / 1e9 : 0.0;
}

} // namespace

void history_go(HistoryState& h, std::size_t pos, std::size_t count) {
  h.live = pos >= count;
  h.index = std::min(pos, count);
}

bool handle_history_keys(HistoryState& h, const record::FoldPump& pump, std::size_t count) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || io.KeyCtrl || io.KeyAlt || io.KeySuper) return false;
  const std::size_t pos = history_position(h, count);
  std::size_t to = pos;
  if (key_pressed(ImGuiKey_LeftArrow))
    to = io.KeyShift ? previous_book_step(pump.store(), pump.checkpoints(), pos, count)
                     : (pos > 0 ? pos - 1 : 0);
  else if (key_pressed(ImGuiKey_RightArrow))
    to = io.KeyShift ? next_book_step(pump.store(), pump.checkpoints(), pos, count)
                     : std::min(pos + 1, count);
  else if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home), false))
    to = 0;
  else if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_End), false))
    to = count;
  else
    return false;
  const bool was_live = h.live;
  history_go(h, to, count);
  return to != pos || was_live != h.live;
}

bool draw_history_bar(HistoryState& h, const record::FoldPump& pump, std::size_t count,
                      float right_reserve) {
  const std::size_t pos = history_position(h, count);
  bool moved = false;
  text_dim("History");
  // The bar spans the whole record: 0 (before the first event) to live.
  const float live_w = ImGui::CalcTextSize("Live").x + ImGui::GetStyle().FramePadding.x * 2;
  const float notice_w = ImGui::CalcTextSize("viewing the past: 00000000 events behind live").x;
  const float avail = ImGui::GetContentRegionAvail().x - right_reserve - live_w - notice_w -
                      ImGui::GetStyle().ItemSpacing.x * 4;
  ImGui::SetNextItemWidth(std::max(120.0f, avail));
  std::uint64_t v = pos;
  const std::uint64_t lo = 0, hi = count;
  char label[96];
  std::snprintf(label, sizeof label, "event %llu of %zu  |  %.3f s",
                static_cast<unsigned long long>(pos), count, seconds_at(pump, pos));
  if (ImGui::SliderScalar("##history", ImGuiDataType_U64, &v, &lo, &hi, label,
                          ImGuiSliderFlags_AlwaysClamp)) {
    history_go(h, static_cast<std::size_t>(v), count);
    moved = true;
  }
  const ImVec2 p = ImGui::GetItemRectMin(), s = ImGui::GetItemRectSize();
  h.bar_rect = ImVec4(p.x, p.y, s.x, s.y);
  // "Now" is the bar's right end; a tick there keeps it visible while dragging.
  ImGui::GetWindowDrawList()->AddLine(ImVec2(p.x + s.x - 1, p.y), ImVec2(p.x + s.x - 1, p.y + s.y),
                                      ImGui::GetColorU32(kAccent), 2.0f);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(
        "Every moment of this run. Drag to any event: every panel shows that moment while the "
        "runtime goes on. The right end is now.\n%s: one event  |  %s: one book step  |  %s: "
        "start / live. Clicking a row of the event log goes to it.",
        keys::kEventBackForward, keys::kBookStepBackForward, keys::kStartLive);
  if (h.live) {
    text_dim("live");
  } else {
    if (count > pos) {
      ImGui::TextColored(kWarnText, "viewing the past: %zu events behind live", count - pos);
    } else {
      // Step pinned the view at the newest event: it waits here instead of
      // following what the runtime does next.
      ImGui::TextColored(kWarnText, "held at the newest event");
    }
    if (ImGui::SmallButton("Live")) {
      history_go(h, count, count);
      moved = true;
    }
    tooltip_for_last_item("Follow the present again (End).");
  }
  return moved;
}

} // namespace pollscope::gui
