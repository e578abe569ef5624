// Small drawing helpers the panels share: state colours, hover help, task
// chips and links. Colours live here so a state looks the same everywhere.
#pragma once

#include "fold/describe.hpp"
#include "fold/state.hpp"
#include "gui/panels.hpp"

#include <imgui.h>

#include <initializer_list>
#include <string_view>

namespace pollscope::gui {

// --- colours ---
[[nodiscard]] ImVec4 color_of(fold::TaskState s) noexcept;
[[nodiscard]] ImVec4 color_of(fold::TimerState s) noexcept;
[[nodiscard]] ImVec4 color_of(fold::ExecutorActivity a) noexcept;
[[nodiscard]] inline ImU32 u32(const ImVec4& c) { return ImGui::ColorConvertFloat4ToU32(c); }
[[nodiscard]] ImVec4 with_alpha(ImVec4 c, float a) noexcept;
inline const ImVec4 kDimText{0.60f, 0.62f, 0.66f, 1.0f};
inline const ImVec4 kWarnText{1.00f, 0.55f, 0.35f, 1.0f};
inline const ImVec4 kGoodText{0.45f, 0.85f, 0.50f, 1.0f};
inline const ImVec4 kAccent{0.95f, 0.80f, 0.30f, 1.0f}; // wakes, the current step

// --- text ---
void text(std::string_view s); // unformatted, no copy
void text_colored(const ImVec4& c, std::string_view s);
void text_dim(std::string_view s);
// One line that never wraps or widens its window: cut to the width left on
// the line with "…", and shown whole on hover when cut.
void one_line(const ImVec4& c, std::string_view s);
// `s` cut (on a UTF-8 boundary) to fit `width` with "…"; `s` itself if it fits.
[[nodiscard]] std::string fit_with_ellipsis(std::string_view s, float width);

// --- hover help ---
// A tooltip for the last item, wrapped to a readable width.
void tooltip_for_last_item(std::string_view text);
// The one-line explanation of a concept, with its name as a title.
void concept_tooltip(fold::Concept c);
// A word that explains a concept when hovered (dotted: "hover me").
void concept_label(std::string_view label, fold::Concept c);
// On the same line: "+N older finished <what> not listed" (dim, explained on
// hover) once the fold has forgotten some; nothing otherwise.
void forgotten_note(std::uint64_t forgotten, std::string_view what);
// "(?)" that explains `text` when hovered.
void help_marker(std::string_view text);
// A table's header row (after TableSetupColumn) whose headers explain
// themselves on hover: one help text per column, in order.
void headers_row_with_help(std::initializer_list<std::string_view> help);

// --- tasks ---
// A coloured "#12" chip; returns true when clicked. `selected` draws a ring.
bool task_chip(TaskId id, fold::TaskState state, bool selected);
// Tooltip body describing one task (name, state and what it means, polls).
void task_tooltip(const FrameView& view, TaskId id);
// A clickable "task 12 (name)" (compact: "#12 name", for narrow tables)
// that selects the task.
void task_link(const FrameView& view, TaskId id, Selection& sel, bool compact = false);

// Begins the panel's window at its default place on first use. Returns
// ImGui::Begin's result; call ImGui::End() whatever it returns. The frame
// must be cleared to the WindowBg colour (see the definition for why).
bool begin_panel(const char* title, bool* p_open, ImGuiWindowFlags flags = 0);

} // namespace pollscope::gui
