#include "gui/compare_history_bar.hpp"

#include "gui/history_bar.hpp"
#include "gui/theme.hpp"
#include "gui/widgets.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace pollscope::gui {
namespace {

bool key_pressed(ImGuiKey key, bool repeat) {
  return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), repeat);
}

} // namespace

bool handle_compare_history_keys(CompareHistoryState& h, CompareTimeline& line) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || io.KeyCtrl || io.KeyAlt || io.KeySuper) return false;
  const CompareTimeline::Position pos = line.position(h);
  CompareTimeline::Position to = pos;
  if (key_pressed(ImGuiKey_LeftArrow, true))
    to = io.KeyShift ? line.previous_book_step(pos) : line.previous(pos);
  else if (key_pressed(ImGuiKey_RightArrow, true))
    to = io.KeyShift ? line.next_book_step(pos) : line.next(pos);
  else if (key_pressed(ImGuiKey_Home, false))
    to = line.home();
  else if (key_pressed(ImGuiKey_End, false))
    to = line.live();
  else
    return false;
  const bool was_live = h.live;
  compare_history_go(h, line, to);
  return to != pos || was_live != h.live;
}

bool draw_compare_history_bar(CompareHistoryState& h, CompareTimeline& line) {
  const CompareTimeline::Position pos = line.position(h);
  const std::size_t at = line.index(pos), total = line.total();
  bool moved = false;
  ImGui::AlignTextToFramePadding();
  text_dim("History (both sides)");
  ImGui::SameLine();
  const float live_w = ImGui::CalcTextSize("Live").x + ImGui::GetStyle().FramePadding.x * 2;
  const float notice_w =
      ImGui::CalcTextSize("viewing the past on both sides: 00000000 events behind live").x;
  ImGui::SetNextItemWidth(std::max(160.0f, ImGui::GetContentRegionAvail().x - live_w - notice_w -
                                               ImGui::GetStyle().ItemSpacing.x * 3));
  std::uint64_t v = at;
  const std::uint64_t lo = 0, hi = total;
  char label[96];
  std::snprintf(label, sizeof label, "event %zu of %zu  |  %.3f s", at, total, line.seconds(pos));
  if (ImGui::SliderScalar("##compare_history", ImGuiDataType_U64, &v, &lo, &hi, label,
                          ImGuiSliderFlags_AlwaysClamp) &&
      v != at) {
    compare_history_go(h, line, line.at_index(static_cast<std::size_t>(v)));
    moved = true;
  }
  // Wrapped: the bar spans the window, so an unwrapped tooltip ran off its edge.
  tooltip_for_last_item(
      std::string("Every moment of both runs, A's and B's events in one order: by time on each "
                  "side's clock since its start, and at one instant poll by poll (A's first "
                  "poll, B's first, A's second, ...), so both sides stand at the same point of "
                  "the story. Drag to any event: both sides show that moment while the runtimes "
                  "go on. The right end is now.\n") +
      keys::kEventBackForward + ": one event  |  " + keys::kBookStepBackForward +
      ": one book step  |  " + keys::kStartLive + ": start / live.");
  ImGui::SameLine();
  if (h.live) {
    text_dim("live");
  } else {
    if (total > at)
      ImGui::TextColored(kWarnText, "viewing the past on both sides: %zu events behind live",
                         total - at);
    else
      ImGui::TextColored(kWarnText, "held at the newest event");
    ImGui::SameLine();
    if (ImGui::SmallButton("Live")) {
      compare_history_go(h, line, line.live());
      moved = true;
    }
    tooltip_for_last_item("Follow the present again on both sides (End).");
  }
  return moved;
}

} // namespace pollscope::gui
