// The runtime diagram's building blocks: boxes, arrows, task chips and the
// book's nine-step strip. diagram_panel.cpp composes them.
#pragma once

#include "fold/describe.hpp"
#include "fold/state.hpp"
#include "gui/panels.hpp"

#include <imgui.h>

#include <cstdint>
#include <span>
#include <string_view>

namespace pollscope::gui::diagram {

// --- the book's flow ----------------------------------------------------------
//
// The blog post's nine steps (Spawner creates task ... Executor polls the
// future and finds it completed). Steps are numbered 1..9; 0 = none. Which
// event is which step, and who took which, is the fold's (FoldState::book):
// the diagram only draws it.
inline constexpr int kBookSteps = fold::kBookSteps;
[[nodiscard]] std::string_view book_step_text(int step);   // the book's words
[[nodiscard]] std::string_view book_step_detail(int step); // what pollscope shows for it

// What the step ring shows for the focused task: the steps it has taken, and
// the current step (the latest advance) lit if that task took it.
struct Ring {
  int current = 0;         // 0: the latest advance was another task's (or none)
  std::uint16_t taken = 0; // bit k-1: step k taken
  bool operator==(const Ring&) const = default;
};
[[nodiscard]] Ring ring(const fold::FoldState& state, TaskId focus) noexcept;

// What the wake arrow shows: the newest wake's timer thread and task (timer
// 0: no arrow; the wake came from another thread or has not happened).
struct WakeArrow {
  TimerId timer = 0;
  TaskId task = 0;
  std::uint64_t event = 0; // the wake's index in the log (keys the fade-out)
  bool operator==(const WakeArrow&) const = default;
};
[[nodiscard]] WakeArrow wake_arrow(const fold::FoldState& state) noexcept;

// --- drawing ------------------------------------------------------------------

struct Box {
  ImVec2 min, max;
  [[nodiscard]] ImVec2 center() const { return ImVec2((min.x + max.x) / 2, (min.y + max.y) / 2); }
  [[nodiscard]] float width() const { return max.x - min.x; }
};

// A titled box. `lit` draws it highlighted (the current step happens here).
// Hovering the title explains `about`. Returns where the body starts.
float draw_box(const Box& b, std::string_view title, bool lit, fold::Concept about);

// A straight arrow from a to b with a label beside its middle.
void draw_arrow(ImVec2 a, ImVec2 b, bool lit, std::string_view label,
                ImVec2 label_offset = ImVec2(4, -18), std::string_view help = {});
// A curved arrow (cubic Bezier) with an arrow head at `b`.
void draw_curve_arrow(ImVec2 a, ImVec2 c1, ImVec2 c2, ImVec2 b, ImU32 color, float thickness);

// The full-queue deadlock, drawn over the boxes as a red cycle of arrows
// from party to party (fold::WaitForCycle; nothing when none is active).
inline constexpr ImU32 kCycleRed = IM_COL32(240, 70, 64, 255);
void draw_wait_for_cycle(const fold::WaitForCycle& cycle, const Box& executor, const Box& queue,
                         const Box& timers);

// Lays task chips out left to right, wrapping inside `area`. Chips glide to
// their slot (positions remembered in DiagramState::chip_pos under `key`).
// Returns false when the area is full (the caller shows "+N more").
class ChipFlow {
public:
  ChipFlow(const Box& area, DiagramState& st, const FrameView& view, Selection& sel);
  bool add(std::uint64_t key, TaskId task, fold::TaskState state);
  [[nodiscard]] std::size_t placed() const { return placed_; }
  // Writes "+N more" after the last chip.
  void more(std::size_t n);

private:
  Box area_;
  DiagramState& st_;
  const FrameView& view_;
  Selection& sel_;
  ImVec2 cursor_;
  ImVec2 chip_;
  std::size_t placed_ = 0;
};

// Draws the chips' current positions; call once per frame after every ChipFlow.
void forget_unplaced_chips(DiagramState& st);

// The strip of nine numbered steps along the bottom: the current one lit,
// the focus task's completed ones filled. Returns the height used.
float draw_book_strip(ImVec2 origin, float width, const FrameView& view, TaskId focus);

} // namespace pollscope::gui::diagram
