#include "gui/widgets.hpp"

#include "gui/layout.hpp"

#include "fold/view.hpp"

#include <imgui_internal.h> // window rectangles of the last frame, for overlap tests

#include <cstdio>
#include <string>

namespace pollscope::gui {

ImVec4 color_of(fold::TaskState s) noexcept {
  using fold::TaskState;
  switch (s) {
  case TaskState::Spawned: return {0.62f, 0.66f, 0.75f, 1.0f}; // grey-blue: not yet anywhere
  case TaskState::Queued: return {0.96f, 0.70f, 0.25f, 1.0f};  // amber: waiting its turn
  case TaskState::Polling: return {0.35f, 0.90f, 0.45f, 1.0f}; // green: running now
  case TaskState::Pending: return {0.45f, 0.62f, 1.00f, 1.0f}; // blue: parked on a waker
  case TaskState::Done: return {0.40f, 0.75f, 0.72f, 1.0f};    // teal: finished
  case TaskState::Dropped: return {0.45f, 0.47f, 0.50f, 1.0f}; // dark grey: gone
  }
  return {1, 1, 1, 1};
}

ImVec4 color_of(fold::TimerState s) noexcept {
  using fold::TimerState;
  switch (s) {
  case TimerState::Created: return {0.62f, 0.66f, 0.75f, 1.0f};
  case TimerState::Waiting: return {0.45f, 0.62f, 1.00f, 1.0f};
  case TimerState::Fired: return kAccent;
  case TimerState::Exited: return {0.45f, 0.47f, 0.50f, 1.0f};
  case TimerState::Failed: return kWarnText;
  }
  return {1, 1, 1, 1};
}

ImVec4 color_of(fold::ExecutorActivity a) noexcept {
  using fold::ExecutorActivity;
  switch (a) {
  case ExecutorActivity::Polling: return color_of(fold::TaskState::Polling);
  case ExecutorActivity::Waiting: return {0.62f, 0.66f, 0.75f, 1.0f};
  case ExecutorActivity::Paused:
  case ExecutorActivity::Stepping: return kAccent;
  case ExecutorActivity::Blocked: return kWarnText;
  case ExecutorActivity::Done: return color_of(fold::TaskState::Done);
  case ExecutorActivity::Idle: return {0.75f, 0.77f, 0.80f, 1.0f};
  }
  return {1, 1, 1, 1};
}

ImVec4 with_alpha(ImVec4 c, float a) noexcept {
  c.w *= a;
  return c;
}

void text(std::string_view s) { ImGui::TextUnformatted(s.data(), s.data() + s.size()); }

void text_colored(const ImVec4& c, std::string_view s) {
  ImGui::PushStyleColor(ImGuiCol_Text, c);
  text(s);
  ImGui::PopStyleColor();
}

void text_dim(std::string_view s) { text_colored(kDimText, s); }

std::string fit_with_ellipsis(std::string_view s, float width) {
  const char* begin = s.data();
  if (ImGui::CalcTextSize(begin, begin + s.size()).x <= width) return std::string(s);
  // Longest prefix (on a UTF-8 boundary) that fits with the ellipsis.
  constexpr std::string_view kEllipsis = "…";
  const float room =
      width - ImGui::CalcTextSize(kEllipsis.data(), kEllipsis.data() + kEllipsis.size()).x;
  std::size_t n = s.size();
  while (n > 0 && ImGui::CalcTextSize(begin, begin + n).x > room) {
    --n;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  }
  return std::string(s.substr(0, n)) + std::string(kEllipsis);
}

void one_line(const ImVec4& c, std::string_view s) {
  const float width = ImGui::GetContentRegionAvail().x;
  if (ImGui::CalcTextSize(s.data(), s.data() + s.size()).x <= width) {
    text_colored(c, s);
    return;
  }
  text_colored(c, fit_with_ellipsis(s, width));
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
    text(s);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

void headers_row_with_help(std::initializer_list<std::string_view> help) {
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  int c = 0;
  for (std::string_view h : help) {
    if (ImGui::TableSetColumnIndex(c)) { // false: a column the user hid
      ImGui::TableHeader(ImGui::TableGetColumnName(c));
      tooltip_for_last_item(h);
    }
    ++c;
  }
}

void tooltip_for_last_item(std::string_view s) {
  if (!ImGui::IsItemHovered()) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
  text(s);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

void concept_tooltip(fold::Concept c) {
  if (!ImGui::IsItemHovered()) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
  const std::string_view name = fold::to_string(c);
  text_colored(kAccent, name);
  text(fold::help(c));
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

void concept_label(std::string_view label, fold::Concept c) {
  text(label);
  // A dotted underline marks words that explain themselves on hover.
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 col = u32(with_alpha(kDimText, 0.8f));
  for (float x = a.x; x < b.x; x += 4.0f) dl->AddLine(ImVec2(x, b.y), ImVec2(x + 2.0f, b.y), col);
  concept_tooltip(c);
}

void help_marker(std::string_view s) {
  ImGui::TextDisabled("(?)");
  tooltip_for_last_item(s);
}

bool task_chip(TaskId id, fold::TaskState state, bool selected) {
  char label[32];
  std::snprintf(label, sizeof label, "#%u##chip%u", id, id);
  const ImVec4 c = color_of(state);
  ImGui::PushStyleColor(ImGuiCol_Button, with_alpha(c, 0.55f));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, with_alpha(c, 0.80f));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, c);
  ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, selected ? 2.0f : 0.0f);
  ImGui::PushStyleColor(ImGuiCol_Border, ImVec4(1, 1, 1, 0.95f));
  const bool clicked = ImGui::SmallButton(label);
  ImGui::PopStyleColor(4);
  ImGui::PopStyleVar();
  return clicked;
}

void task_tooltip(const FrameView& view, TaskId id) {
  const fold::TaskView* t = view.state.tasks.find(id);
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
  text(fold::task_label(id, view.strings, &view.state));
  if (t) {
    text_colored(color_of(t->state), fold::to_string(t->state));
    ImGui::SameLine();
    text_dim(fold::describe(t->state));
    ImGui::Text("polls %u   wakes %u   in queue %u", t->polls, t->wakes, t->queue_entries);
    if (t->suspended_at != 0) {
      ImGui::TextUnformatted("suspended at");
      ImGui::SameLine();
      text(view.strings.get(t->suspended_at));
    }
  }
  text_dim("Click to select it in every panel.");
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

void task_link(const FrameView& view, TaskId id, Selection& sel, bool compact) {
  if (id == 0) {
    text_dim("-");
    return;
  }
  std::string label;
  if (compact) {
    const fold::TaskView* t = view.state.tasks.find(id);
    label = "#" + std::to_string(id);
    if (t && t->name != 0) label += " " + std::string(view.strings.get(t->name));
  } else {
    label = fold::task_label(id, view.strings, &view.state);
  }
  ImGui::PushID(static_cast<int>(id));
  if (ImGui::Selectable(label.c_str(), sel.task == id, ImGuiSelectableFlags_None,
                        ImGui::CalcTextSize(label.c_str())))
    sel.task = sel.task == id ? 0 : id;
  ImGui::PopID();
  if (ImGui::IsItemHovered()) task_tooltip(view, id);
}

namespace {

// Whether the window `title` overlapped any other visible window last frame.
bool overlaps_another_window(const char* title) {
  const ImGuiWindow* self = ImGui::FindWindowByName(title);
  if (!self || !self->WasActive) return true; // first frame: no rectangle yet, stay opaque
  ImRect r = self->Rect();
  r.Expand(-1.0f); // shared edges of tiled panels are not overlaps
  const ImGuiWindowFlags on_top =
      ImGuiWindowFlags_ChildWindow | ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_Popup;
  for (const ImGuiWindow* w : GImGui->Windows)
    if (w != self && w->WasActive && !(w->Flags & on_top) && r.Overlaps(w->Rect())) return true;
  return false;
}

} // namespace

bool begin_panel(const char* title, bool* p_open, ImGuiWindowFlags flags) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  // Below the main menu bar. Not vp->WorkPos: that only accounts for the bar
  // from the next frame on, and FirstUseEver applies on the very first one.
  const float top = vp->Pos.y + ImGui::GetFrameHeight();
  const PanelRect r = default_rect(title, vp->Size, top);
  ImGui::SetNextWindowPos(r.pos, layout_condition());
  ImGui::SetNextWindowSize(r.size, layout_condition());
  // A panel that overlaps no other window skips its background: the frame is
  // cleared to the same colour (main.cpp), and with Mesa's software renderer
  // the full-screen background fills were about half of every frame's cost.
  // Overlapping panels keep theirs, so a dragged window never shows through.
  if (!overlaps_another_window(title)) ImGui::SetNextWindowBgAlpha(0.0f);
  return ImGui::Begin(title, p_open, flags);
}

void forgotten_note(std::uint64_t forgotten, std::string_view what) {
  const fold::ForgottenNote note = fold::forgotten_note(forgotten, what);
  if (note.label.empty()) return;
  ImGui::SameLine();
  // Narrow panels (Wakers, Timer threads) get it on a line of its own.
  if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(note.label.c_str()).x)
    ImGui::NewLine();
  text_dim(note.label);
  tooltip_for_last_item(note.help);
}

} // namespace pollscope::gui
