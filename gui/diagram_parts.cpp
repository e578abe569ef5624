#include "gui/diagram_parts.hpp"

#include "gui/theme.hpp"
#include "gui/widgets.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace pollscope::gui::diagram {
namespace {

ImDrawList* dl() { return ImGui::GetWindowDrawList(); }

const ImU32 kLine = IM_COL32(150, 156, 168, 255);
const ImU32 kBoxFill = IM_COL32(30, 33, 40, 255);
const ImU32 kBoxBorder = IM_COL32(90, 96, 110, 255);

bool hovering(ImVec2 a, ImVec2 b) {
  return ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(a, b);
}

void tooltip_lines(std::string_view title, std::string_view body) {
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
  text_colored(kAccent, title);
  text(body);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

constexpr std::string_view kStepText[kBookSteps + 1] = {
    "",
    "Spawner creates task",
    "Spawner puts task into execution queue",
    "Executor polls the future in the task and finds it pending",
    "The future will keep track of the Waker object",
    "Duration elapses",
    "The future calls the .wake method",
    "The ArcWake implementation on Task is triggered",
    "The task is again placed on the queue",
    "Executor polls the future and finds it completed",
};

constexpr std::string_view kStepDetail[kBookSteps + 1] = {
    "",
    "TaskSpawned: the async block becomes a coroutine frame boxed in a Task.",
    "QueuePush by the spawner: the task is sent into the bounded run queue.",
    "PollBegin: the executor took the task off the queue (QueuePop) and polls it: the coroutine "
    "runs up to its first co_await. It returns Pending (PollEnd) once step 4 is done.",
    "WakerStored: TimerFuture::poll cloned cx.waker() into its shared state.",
    "TimerFired: the timer's own thread waited on the clock (TimerThreadWaiting) until the "
    "deadline, then set completed.",
    "WakerRemoved: the fired timer's thread took the stored waker out to call wake on it.",
    "WakerWoken: the task's wake sends a clone of the task back through its sender.",
    "QueuePush by a waker: the task is back in the run queue.",
    "PollEnd(Ready): the coroutine resumed after the await and finished (TaskCompleted).",
};

} // namespace

std::string_view book_step_text(int step) {
  return step >= 1 && step <= kBookSteps ? kStepText[step] : "";
}
std::string_view book_step_detail(int step) {
  return step >= 1 && step <= kBookSteps ? kStepDetail[step] : "";
}

Ring ring(const fold::FoldState& state, TaskId focus) noexcept {
  Ring r;
  if (const fold::TaskView* t = state.tasks.find(focus)) r.taken = t->book_steps;
  if (focus != 0 && state.book.task == focus) r.current = state.book.step;
  return r;
}

WakeArrow wake_arrow(const fold::FoldState& state) noexcept {
  const fold::WakeView& w = state.wake;
  if (w.task == 0 || w.timer == 0) return {};
  return WakeArrow{w.timer, w.task, w.event};
}

float draw_box(const Box& b, std::string_view title, bool lit, fold::Concept about) {
  const float rounding = ImGui::GetFontSize() * 0.35f;
  // Only a lit box is filled: with a software renderer every filled pixel
  // counts, and the window's own background already sits behind the box.
  if (lit) dl()->AddRectFilled(b.min, b.max, IM_COL32(48, 44, 28, 255), rounding);
  dl()->AddRect(b.min, b.max, lit ? u32(kAccent) : kBoxBorder, rounding, 0, lit ? 2.5f : 1.0f);
  const ImVec2 pad(ImGui::GetFontSize() * 0.4f, ImGui::GetFontSize() * 0.25f);
  const ImVec2 tp(b.min.x + pad.x, b.min.y + pad.y);
  ImFont* bold = bold_font();
  dl()->AddText(bold, bold->FontSize, tp, lit ? u32(kAccent) : IM_COL32(225, 228, 235, 255),
                title.data(), title.data() + title.size());
  const ImVec2 ts =
      bold->CalcTextSizeA(bold->FontSize, 1e9f, 0, title.data(), title.data() + title.size());
  if (hovering(tp, ImVec2(tp.x + ts.x, tp.y + ts.y)))
    tooltip_lines(fold::to_string(about), fold::help(about));
  return tp.y + ts.y + pad.y;
}

void draw_arrow(ImVec2 a, ImVec2 b, bool lit, std::string_view label, ImVec2 label_offset,
                std::string_view help) {
  const ImU32 col = lit ? u32(kAccent) : kLine;
  const float th = lit ? 3.0f : 1.5f;
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float len = std::sqrt(dx * dx + dy * dy);
  if (len < 1.0f) return;
  const float ux = dx / len, uy = dy / len;
  const float head = ImGui::GetFontSize() * 0.55f;
  const ImVec2 base(b.x - ux * head, b.y - uy * head);
  dl()->AddLine(a, base, col, th);
  dl()->AddTriangleFilled(b, ImVec2(base.x - uy * head * 0.5f, base.y + ux * head * 0.5f),
                          ImVec2(base.x + uy * head * 0.5f, base.y - ux * head * 0.5f), col);
  if (label.empty() && !help.empty() && ImGui::IsWindowHovered()) {
    // No label to hover: the arrow itself explains on hover (a band around it).
    const float pad = ImGui::GetFontSize() * 0.4f;
    if (ImGui::IsMouseHoveringRect(ImVec2(std::min(a.x, b.x) - pad, std::min(a.y, b.y) - pad),
                                   ImVec2(std::max(a.x, b.x) + pad, std::max(a.y, b.y) + pad))) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
      ImGui::TextUnformatted(help.data(), help.data() + help.size());
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
  }
  if (!label.empty()) {
    const ImVec2 mid((a.x + b.x) / 2 + label_offset.x, (a.y + b.y) / 2 + label_offset.y);
    dl()->AddText(mid, lit ? u32(kAccent) : u32(kDimText), label.data(),
                  label.data() + label.size());
    // The label explains its arrow on hover, like every box title does.
    const ImVec2 size = ImGui::CalcTextSize(label.data(), label.data() + label.size());
    if (!help.empty() && ImGui::IsWindowHovered() &&
        ImGui::IsMouseHoveringRect(mid, ImVec2(mid.x + size.x, mid.y + size.y))) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
      ImGui::TextUnformatted(help.data(), help.data() + help.size());
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
  }
}

namespace {

// The point where the ray from the box's centre toward `to` leaves the box.
ImVec2 edge_point(const Box& b, ImVec2 to) {
  const ImVec2 c = b.center();
  const float dx = to.x - c.x, dy = to.y - c.y;
  const float hw = (b.max.x - b.min.x) / 2, hh = (b.max.y - b.min.y) / 2;
  const float s = std::min(std::fabs(dx) > 1e-3f ? hw / std::fabs(dx) : 1e9f,
                           std::fabs(dy) > 1e-3f ? hh / std::fabs(dy) : 1e9f);
  return ImVec2(c.x + dx * std::min(s, 1.0f), c.y + dy * std::min(s, 1.0f));
}

} // namespace

void draw_wait_for_cycle(const fold::WaitForCycle& cycle, const Box& executor, const Box& queue,
                         const Box& timers) {
  if (!cycle.active()) return;
  auto box_of = [&](const fold::WaitParty& p) -> const Box& {
    switch (p.kind) {
    case fold::PartyKind::Executor: return executor;
    case fold::PartyKind::FullQueue: return queue;
    case fold::PartyKind::TimerLock: return timers;
    }
    return executor;
  };
  const float em = ImGui::GetFontSize();
  const std::size_t n = cycle.parties.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Box& from = box_of(cycle.parties[i]);
    const Box& to = box_of(cycle.parties[(i + 1) % n]);
    dl()->AddRect(ImVec2(from.min.x - 3, from.min.y - 3), ImVec2(from.max.x + 3, from.max.y + 3),
                  kCycleRed, 6.0f, 0, 2.5f);
    // Bowed to one side of the straight line, so A->B and B->A never overlap.
    const ImVec2 a = edge_point(from, to.center()), b = edge_point(to, from.center());
    const float dx = b.x - a.x, dy = b.y - a.y;
    const float len = std::max(1.0f, std::sqrt(dx * dx + dy * dy));
    const float bow = std::max(em * 1.5f, len * 0.25f);
    const ImVec2 nrm(-dy / len * bow, dx / len * bow);
    const ImVec2 c1(a.x + dx * 0.25f + nrm.x, a.y + dy * 0.25f + nrm.y);
    const ImVec2 c2(a.x + dx * 0.75f + nrm.x, a.y + dy * 0.75f + nrm.y);
    draw_curve_arrow(a, c1, c2, b, kCycleRed, 3.0f);
    if (cycle.parties[i].kind == fold::PartyKind::TimerLock) {
      char label[40];
      std::snprintf(label, sizeof label, "timer %u's lock", cycle.parties[i].timer);
      dl()->AddText(
          ImVec2(from.max.x - ImGui::CalcTextSize(label).x - em * 0.4f, from.max.y - em * 1.3f),
          kCycleRed, label);
    }
  }
  const char* label = "deadlock: wait-for cycle (see Lints)";
  dl()->AddText(ImVec2(executor.max.x - ImGui::CalcTextSize(label).x, executor.max.y + em * 0.2f),
                kCycleRed, label);
}

void draw_curve_arrow(ImVec2 a, ImVec2 c1, ImVec2 c2, ImVec2 b, ImU32 color, float thickness) {
  dl()->AddBezierCubic(a, c1, c2, b, color, thickness);
  const float dx = b.x - c2.x, dy = b.y - c2.y;
  const float len = std::max(1.0f, std::sqrt(dx * dx + dy * dy));
  const float ux = dx / len, uy = dy / len, head = ImGui::GetFontSize() * 0.6f;
  const ImVec2 base(b.x - ux * head, b.y - uy * head);
  dl()->AddTriangleFilled(b, ImVec2(base.x - uy * head * 0.5f, base.y + ux * head * 0.5f),
                          ImVec2(base.x + uy * head * 0.5f, base.y - ux * head * 0.5f), color);
}

ChipFlow::ChipFlow(const Box& area, DiagramState& st, const FrameView& view, Selection& sel)
    : area_(area), st_(st), view_(view), sel_(sel), cursor_(area.min) {
  // Wide enough for the largest task id of this runtime ("#10001" with 10,000
  // timers), so neighbouring labels never run into each other.
  const auto items = view.state.tasks.items();
  const std::string widest =
      "#" + std::string(std::max<std::size_t>(
                            4, std::to_string(items.empty() ? 0 : items.back().id).size()),
                        '0');
  chip_ = ImVec2(ImGui::CalcTextSize(widest.c_str()).x + ImGui::GetFontSize() * 0.5f,
                 ImGui::GetFontSize() + 4.0f);
}

bool ChipFlow::add(std::uint64_t key, TaskId task, fold::TaskState state) {
  const float gap = 4.0f;
  if (cursor_.x + chip_.x > area_.max.x) cursor_ = ImVec2(area_.min.x, cursor_.y + chip_.y + gap);
  // Keep the last slot free for "+N more".
  if (cursor_.y + 2 * chip_.y + gap > area_.max.y && cursor_.x + 2 * chip_.x + gap > area_.max.x)
    return false;
  if (cursor_.y + chip_.y > area_.max.y) return false;
  const ImVec2 target = cursor_;
  cursor_.x += chip_.x + gap;
  ++placed_;

  // Glide toward the slot: exponential smoothing, frame-rate independent.
  auto [it, fresh] = st_.chips.try_emplace(key, DiagramState::Chip{target, st_.frame});
  DiagramState::Chip& c = it->second;
  if (!fresh) {
    const float k = 1.0f - std::exp(-ImGui::GetIO().DeltaTime * 10.0f);
    c.pos = ImVec2(c.pos.x + (target.x - c.pos.x) * k, c.pos.y + (target.y - c.pos.y) * k);
  }
  c.frame = st_.frame;

  const ImVec2 a = c.pos, b(a.x + chip_.x, a.y + chip_.y);
  const bool selected = sel_.task == task;
  const ImVec4 col = color_of(state);
  dl()->AddRectFilled(a, b, u32(with_alpha(col, 0.85f)), 4.0f);
  if (selected)
    dl()->AddRect(ImVec2(a.x - 2, a.y - 2), ImVec2(b.x + 2, b.y + 2), IM_COL32_WHITE, 5.0f, 0,
                  2.0f);
  char label[16];
  const int n = std::snprintf(label, sizeof label, "#%u", task);
  const ImVec2 ts = ImGui::CalcTextSize(label, label + n);
  dl()->AddText(ImVec2(a.x + (chip_.x - ts.x) / 2, a.y + (chip_.y - ts.y) / 2),
                IM_COL32(15, 16, 20, 255), label, label + n);
  // A lint badge: a red dot on the corner (the Lints panel says which).
  if (view_.lints != nullptr && !fold::lints_of(*view_.lints, task).empty())
    dl()->AddCircleFilled(ImVec2(b.x - 1, a.y + 1), 4.0f, kCycleRed);
  if (hovering(a, b)) {
    task_tooltip(view_, task);
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) sel_.task = selected ? 0 : task;
  }
  return true;
}

void ChipFlow::more(std::size_t n) {
  if (n == 0) return;
  char label[32];
  std::snprintf(label, sizeof label, "+%zu", n);
  dl()->AddText(ImVec2(cursor_.x, cursor_.y + 2), u32(kDimText), label);
}

void forget_unplaced_chips(DiagramState& st) {
  std::erase_if(st.chips, [&](const auto& kv) { return kv.second.frame != st.frame; });
  ++st.frame;
}

float draw_book_strip(ImVec2 origin, float width, const FrameView& view, TaskId focus) {
  const float em = ImGui::GetFontSize();
  const float r = em * 0.72f;
  const float step_w = width / kBookSteps;
  const Ring ring_now = ring(view.state, focus);
  const int current = ring_now.current;
  const bool current_is_focus = current != 0;
  const std::uint16_t done = ring_now.taken;
  const float cy = origin.y + r + 2;
  int hovered = 0;
  for (int s = 1; s <= kBookSteps; ++s) {
    const ImVec2 c(origin.x + step_w * (static_cast<float>(s) - 0.5f), cy);
    if (s < kBookSteps)
      dl()->AddLine(ImVec2(c.x + r, c.y), ImVec2(c.x + step_w - r, c.y),
                    (done >> s) & 1u ? u32(kGoodText) : kLine, 1.5f);
    const bool taken = (done >> (s - 1)) & 1u;
    const bool lit = s == current && current_is_focus;
    dl()->AddCircleFilled(c, r, taken ? u32(with_alpha(kGoodText, 0.75f)) : kBoxFill);
    dl()->AddCircle(c, r, lit ? u32(kAccent) : (taken ? u32(kGoodText) : kBoxBorder), 0,
                    lit ? 3.0f : 1.5f);
    if (lit) dl()->AddCircle(c, r + 4, u32(with_alpha(kAccent, 0.45f)), 0, 2.0f);
    char n[4];
    std::snprintf(n, sizeof n, "%d", s);
    const ImVec2 ts = ImGui::CalcTextSize(n);
    dl()->AddText(ImVec2(c.x - ts.x / 2, c.y - ts.y / 2),
                  taken ? IM_COL32(15, 16, 20, 255) : IM_COL32_WHITE, n);
    if (hovering(ImVec2(c.x - step_w / 2, c.y - r), ImVec2(c.x + step_w / 2, c.y + r))) hovered = s;
  }
  // The caption: the hovered step, else the current one.
  const int shown = hovered ? hovered : (current_is_focus ? current : 0);
  const float ty = cy + r + em * 0.35f;
  char head[96];
  if (shown) {
    std::snprintf(head, sizeof head, "%d. ", shown);
    const std::string_view t = book_step_text(shown);
    dl()->AddText(ImVec2(origin.x, ty), u32(kAccent), head);
    dl()->AddText(ImVec2(origin.x + ImGui::CalcTextSize(head).x, ty), IM_COL32_WHITE, t.data(),
                  t.data() + t.size());
    const std::string_view d = book_step_detail(shown);
    dl()->AddText(nullptr, 0.0f, ImVec2(origin.x, ty + em * 1.25f), u32(kDimText), d.data(),
                  d.data() + d.size(), width);
  } else {
    const char* hint = "The book's nine steps: hover a number. Filled = taken by the focused task.";
    dl()->AddText(ImVec2(origin.x, ty), u32(kDimText), hint);
  }
  return (ty - origin.y) + em * 3.8f;
}

} // namespace pollscope::gui::diagram
