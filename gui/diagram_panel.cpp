// Runtime diagram: the book's machine drawn live with ImDrawList.
//
//   Spawner --send--> Run queue --recv--> Executor
//                       ^                    | poll(cx)
//                       | wake(): send       v
//   Timer threads --> Parked (Pending) <-- Future (stores cx.waker())
//   (1)-(2)-(3)-(4)-(5)-(6)-(7)-(8)-(9)   the book's nine steps
//
// Task chips sit where their task is (spawner, queue, executor, parked) and
// glide between places as events arrive. The arrow or box where the latest
// step happened is lit; a wake draws an arrow from its timer thread to the
// queue, which fades once the flow moves on.
#include "gui/diagram_parts.hpp"
#include "gui/layout.hpp"
#include "gui/panels.hpp"
#include "gui/theme.hpp"
#include "gui/widgets.hpp"

#include "fold/describe.hpp"
#include "fold/view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace pollscope::gui {
namespace {

using diagram::Box;
using fold::FlowStep;
using fold::TaskState;

ImDrawList* dl() { return ImGui::GetWindowDrawList(); }

bool is_wake_step(FlowStep s) {
  return s == FlowStep::TimerFired || s == FlowStep::WakerTaken || s == FlowStep::Woken ||
         s == FlowStep::QueuedAgain;
}

// Notes when the fold's newest wake first reached the screen, for the fade.
// A view thing only: which wake it is comes from the fold.
void note_wake(DiagramState& st, const diagram::WakeArrow& wake) {
  if (wake.timer == 0 || wake.event == st.wake_event) return;
  st.wake_event = wake.event;
  st.wake_time = ImGui::GetTime();
}

void text_at(ImVec2 p, ImU32 col, std::string_view s) {
  dl()->AddText(p, col, s.data(), s.data() + s.size());
}

// The top line: the fold's narration (fold::narrate), so it always names
// the same step and task as the ring below.
void what_just_happened(const FrameView& view) {
  const fold::Narration n = fold::narrate(view.state, view.strings);
  ImGui::PushFont(bold_font());
  if (n.step > 0)
    ImGui::TextColored(kAccent, "Step %d of %d", n.step, diagram::kBookSteps);
  else
    ImGui::TextColored(kDimText, "What just happened");
  ImGui::PopFont();
  tooltip_for_last_item(
      "The latest of the book's nine steps that a task took for the first time. The numbered "
      "strip at the bottom shows all nine for the focused task (the selected one, else the one "
      "that took this step).");
  ImGui::SameLine();
  // Two lines, always: the diagram below never jumps as the line's length
  // changes. What does not fit shows whole on hover.
  const std::string line =
      n.step > 0 ? n.moment + (n.since.empty() ? "" : ". Since then: " + n.since)
                 : (n.since.empty() ? std::string("Nothing has happened yet") : n.since);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  const float height = ImGui::GetTextLineHeight() * 2.0f;
  const ImVec2 clip_max(p.x + width, p.y + height);
  const float moment_len =
      n.step > 0 ? ImGui::CalcTextSize(n.moment.c_str(), nullptr, false, width).y : 0.0f;
  dl()->PushClipRect(p, clip_max, true);
  if (n.step > 0 && !n.since.empty() && moment_len <= ImGui::GetTextLineHeight() * 1.1f) {
    // The step in full colour, what happened since in grey on the next line.
    dl()->AddText(nullptr, 0, p, u32(ImGui::GetStyleColorVec4(ImGuiCol_Text)), n.moment.data(),
                  n.moment.data() + n.moment.size(), width);
    const std::string since = fit_with_ellipsis("Since then: " + n.since, width);
    dl()->AddText(ImVec2(p.x, p.y + ImGui::GetTextLineHeight()), u32(kDimText), since.data(),
                  since.data() + since.size()); // one line; whole on hover
  } else {
    dl()->AddText(nullptr, 0, p, u32(ImGui::GetStyleColorVec4(ImGuiCol_Text)), line.data(),
                  line.data() + line.size(), width);
  }
  dl()->PopClipRect();
  ImGui::Dummy(ImVec2(width, height + ImGui::GetStyle().ItemSpacing.y));
  if (ImGui::IsItemHovered() &&
      (ImGui::CalcTextSize(line.c_str(), nullptr, false, width).y > height + 0.5f ||
       ImGui::CalcTextSize(("Since then: " + n.since).c_str()).x > width))
    ImGui::SetTooltip("%s", line.c_str());
}

std::string executor_line(const fold::ExecutorView& ex) {
  switch (ex.activity) {
  case fold::ExecutorActivity::Polling: return "polling task " + std::to_string(ex.current_task);
  case fold::ExecutorActivity::Waiting: return "waiting on the queue (recv)";
  case fold::ExecutorActivity::Paused: return "paused";
  case fold::ExecutorActivity::Stepping: return "step mode: waiting for Step";
  case fold::ExecutorActivity::Blocked: return "blocked: sending to a full queue";
  case fold::ExecutorActivity::Done: return "done: the channel is closed";
  case fold::ExecutorActivity::Idle: break;
  }
  return "idle";
}

struct Layout {
  Box spawner, queue, executor, future, parked, timers;
  float strip_y;
};

Layout compute_layout(ImVec2 o, ImVec2 size) {
  const float em = ImGui::GetFontSize();
  const float w = size.x, box_h = em * 4.7f;
  const float strip_h = em * 5.6f;
  const float row2 = o.y + box_h + em * 3.0f;
  const float bottom = std::max(row2 + box_h, o.y + size.y - strip_h);
  Layout l;
  l.spawner = {o, ImVec2(o.x + w * 0.17f, o.y + box_h)};
  l.queue = {ImVec2(o.x + w * 0.25f, o.y), ImVec2(o.x + w * 0.68f, o.y + box_h)};
  l.executor = {ImVec2(o.x + w * 0.76f, o.y), ImVec2(o.x + w, o.y + box_h)};
  l.future = {ImVec2(o.x + w * 0.76f, row2), ImVec2(o.x + w, row2 + box_h)};
  l.parked = {ImVec2(o.x + w * 0.40f, row2), ImVec2(o.x + w * 0.62f, row2 + box_h)};
  l.timers = {ImVec2(o.x, row2), ImVec2(o.x + w * 0.32f, bottom - em * 0.6f)};
  l.strip_y = bottom;
  return l;
}

Box body(const Box& b, float top) {
  const float pad = ImGui::GetFontSize() * 0.4f;
  return {ImVec2(b.min.x + pad, top), ImVec2(b.max.x - pad, b.max.y - pad * 0.5f)};
}

void draw_spawner(const Layout& l, FlowStep step, DiagramState& st, const FrameView& view,
                  Selection& sel) {
  const float top =
      diagram::draw_box(l.spawner, "Spawner", step == FlowStep::Spawned, fold::Concept::Spawner);
  diagram::ChipFlow chips(body(l.spawner, top), st, view, sel);
  std::size_t more = 0;
  for (const fold::TaskView& t : view.state.tasks.items())
    if (t.state == TaskState::Spawned && !chips.add(t.id, t.id, t.state)) ++more;
  chips.more(more);
}

void draw_queue(const Layout& l, FlowStep step, DiagramState& st, const FrameView& view,
                Selection& sel) {
  const fold::QueueView& q = view.state.queue;
  char title[64];
  std::snprintf(title, sizeof title, "Run queue  %zu / %llu", q.entries.size(),
                (unsigned long long)q.capacity);
  const bool full = q.capacity > 0 && q.entries.size() >= q.capacity;
  const float top =
      diagram::draw_box(l.queue, title, step == FlowStep::Queued || step == FlowStep::QueuedAgain,
                        fold::Concept::RunQueue);
  if (full)
    text_at(ImVec2(l.queue.max.x - ImGui::CalcTextSize("FULL").x - 8, l.queue.min.y + 3),
            u32(kWarnText), "FULL");
  diagram::ChipFlow chips(body(l.queue, top), st, view, sel);
  // Chips in channel order, front first; a task queued twice shows twice.
  std::vector<std::uint32_t> seen(64, 0);
  // The task being polled owns its plain key (its chip is in the executor);
  // if it is also queued (woken mid-poll), its queue entries take the next keys.
  if (const TaskId cur = view.state.executor.current_task; cur != 0) {
    if (cur >= seen.size()) seen.resize(std::size_t{cur} * 2, 0);
    seen[cur] = 1;
  }
  std::size_t placed = 0;
  for (const fold::QueueEntry& e : q.entries) {
    if (e.task >= seen.size()) seen.resize(std::size_t{e.task} * 2, 0);
    const std::uint64_t key = e.task | (std::uint64_t{seen[e.task]++} << 32);
    const fold::TaskView* t = view.state.tasks.find(e.task);
    if (!chips.add(key, e.task, t ? t->state : TaskState::Queued)) break;
    ++placed;
  }
  chips.more(q.entries.size() - placed);
  if (q.entries.empty()) text_at(body(l.queue, top).min, u32(kDimText), "empty");
}

void draw_executor(const Layout& l, FlowStep step, DiagramState& st, const FrameView& view,
                   Selection& sel) {
  const fold::ExecutorView& ex = view.state.executor;
  const float top = diagram::draw_box(l.executor, "Executor",
                                      step == FlowStep::Popped || step == FlowStep::PollStarted,
                                      fold::Concept::Executor);
  const float em = ImGui::GetFontSize();
  const ImVec2 p(l.executor.min.x + em * 0.4f, top);
  // The activity in words, above the polls line; in a narrow box the short
  // label, so the two never overlap.
  const float wrap = l.executor.width() - em * 0.8f;
  const float room = l.executor.max.y - em * 1.35f - top;
  std::string line = executor_line(ex);
  if (ImGui::CalcTextSize(line.c_str(), nullptr, false, wrap).y > room)
    line = std::string(fold::to_string(ex.activity));
  dl()->PushClipRect(l.executor.min, ImVec2(l.executor.max.x, top + room), true);
  dl()->AddText(nullptr, 0, p, u32(color_of(ex.activity)), line.data(), line.data() + line.size(),
                wrap);
  dl()->PopClipRect();
  if (ImGui::IsWindowHovered() &&
      ImGui::IsMouseHoveringRect(p, ImVec2(l.executor.max.x, top + em * 2.3f))) {
    ImGui::BeginTooltip();
    text(fold::describe(ex.activity));
    ImGui::EndTooltip();
  }
  char polls[64];
  // In step mode, say when a step is owed: it polls the next task to arrive
  // without another press (a step asked for while the queue was empty).
  if (ex.mode == ExecutorMode::Step && ex.steps_owed > 0 && ex.current_task == 0)
    std::snprintf(polls, sizeof polls, "step  %llu polls, %u owed",
                  (unsigned long long)ex.total_polls, static_cast<unsigned>(ex.steps_owed));
  else
    std::snprintf(polls, sizeof polls, "%s  %llu polls", std::string(to_string(ex.mode)).c_str(),
                  (unsigned long long)ex.total_polls);
  // In a narrow box, the mode word goes first, then the owed steps.
  const float room_x = l.executor.width() - em * 0.8f -
                       (ex.current_task != 0 ? em * 3.4f : 0.0f); // the chip's corner
  if (ImGui::CalcTextSize(polls).x > room_x)
    std::snprintf(
        polls, sizeof polls, "%llu polls%s", (unsigned long long)ex.total_polls,
        ex.mode == ExecutorMode::Step && ex.steps_owed > 0 && ex.current_task == 0 ? ", owed" : "");
  text_at(ImVec2(p.x, l.executor.max.y - em * 1.3f), u32(kDimText), polls);
  if (ex.current_task != 0) {
    Box chip_area{ImVec2(l.executor.max.x - em * 3.4f, l.executor.max.y - em * 1.45f),
                  l.executor.max};
    diagram::ChipFlow chips(chip_area, st, view, sel);
    chips.add(ex.current_task, ex.current_task, TaskState::Polling);
  }
}

void draw_future(const Layout& l, FlowStep step, const FrameView& view) {
  const fold::ExecutorView& ex = view.state.executor;
  const TaskId task = ex.current_task != 0 ? ex.current_task : ex.last_polled;
  char title[48];
  if (task != 0)
    std::snprintf(title, sizeof title, "Future of #%u", task);
  else
    std::snprintf(title, sizeof title, "Future");
  const bool lit = step == FlowStep::PolledPending || step == FlowStep::PolledReady ||
                   step == FlowStep::Completed;
  const float top = diagram::draw_box(l.future, title, lit, fold::Concept::Poll);
  const float em = ImGui::GetFontSize();
  const ImVec2 p(l.future.min.x + em * 0.4f, top);
  const fold::TaskView* t = task ? view.state.tasks.find(task) : nullptr;
  const float wrap = l.future.width() - em * 0.8f;
  if (!t) {
    const std::string_view none = "nothing polled yet";
    dl()->AddText(nullptr, 0, p, u32(kDimText), none.data(), none.data() + none.size(), wrap);
    return;
  }
  if (ex.current_task == task) {
    text_at(p, u32(color_of(TaskState::Polling)), "inside poll()...");
  } else if (ex.last_poll_ready) {
    text_at(p, u32(color_of(TaskState::Done)), "poll -> Ready");
  } else {
    text_at(p, u32(color_of(TaskState::Pending)), "poll -> Pending");
  }
  if (t->suspended_at != 0) {
    const std::string at = "at " + std::string(view.strings.get(t->suspended_at));
    dl()->PushClipRect(l.future.min, l.future.max, true);
    dl()->AddText(nullptr, 0, ImVec2(p.x, p.y + em * 1.2f), u32(kDimText), at.data(),
                  at.data() + at.size(), wrap);
    dl()->PopClipRect();
  }
}

void draw_parked(const Layout& l, FlowStep step, DiagramState& st, const FrameView& view,
                 Selection& sel) {
  const float top = diagram::draw_box(l.parked, "Parked (Pending)", step == FlowStep::WakerStored,
                                      fold::Concept::Pending);
  diagram::ChipFlow chips(body(l.parked, top), st, view, sel);
  std::size_t more = 0, parked = 0;
  for (const fold::TaskView& t : view.state.tasks.items())
    if (t.state == TaskState::Pending) {
      ++parked;
      if (!chips.add(t.id, t.id, t.state)) ++more;
    }
  chips.more(more);
  if (parked == 0) text_at(body(l.parked, top).min, u32(kDimText), "none parked");
}

// Returns the screen point of the wake arrow's start (the waking timer's row).
ImVec2 draw_timers(const Layout& l, FlowStep step, const diagram::WakeArrow& wake,
                   const FrameView& view, Selection& sel) {
  char title[64];
  if (const auto held = view.state.counters.held_timers; held > 0) {
    std::snprintf(title, sizeof title, "Timer threads  %llu live, %llu due",
                  (unsigned long long)view.state.counters.live_timer_threads,
                  (unsigned long long)held);
  } else {
    std::snprintf(title, sizeof title, "Timer threads  %llu live",
                  (unsigned long long)view.state.counters.live_timer_threads);
  }
  const bool lit = step == FlowStep::TimerWaiting || step == FlowStep::TimerFired;
  const float top = diagram::draw_box(l.timers, title, lit, fold::Concept::TimerThread);
  const float em = ImGui::GetFontSize(), row_h = em * 1.25f;
  const Box b = body(l.timers, top);
  ImVec2 wake_from(l.timers.max.x, l.timers.min.y + em);
  const std::vector<fold::TimerRow> rows = fold::timer_rows(view.state, view.now_ns, false);
  const auto items = view.state.timers.items();
  const std::size_t fit =
      static_cast<std::size_t>(std::max(0.0f, (b.max.y - b.min.y - row_h) / row_h));
  // Room for the widest task id on screen ("#10000").
  const float label_w =
      ImGui::CalcTextSize(rows.size() > 0 && view.state.tasks.size() >= 1000 ? "#00000 " : "#000 ")
          .x;
  float y = b.min.y;
  for (std::size_t i = 0; i < rows.size() && i < fit; ++i, y += row_h) {
    const fold::TimerView& t = items[rows[i].index];
    char label[24];
    std::snprintf(label, sizeof label, "#%u", t.task);
    const bool selected = t.task != 0 && t.task == sel.task;
    text_at(ImVec2(b.min.x, y), selected ? IM_COL32_WHITE : u32(kDimText), label);
    const float x0 = b.min.x + label_w, x1 = b.max.x - em * 3.6f;
    const ImVec2 a(x0, y + em * 0.2f), z(x1, y + em * 0.95f);
    dl()->AddRectFilled(a, z, IM_COL32(50, 54, 64, 255), 3.0f);
    const float p = static_cast<float>(rows[i].progress);
    dl()->AddRectFilled(a, ImVec2(x0 + (x1 - x0) * p, z.y),
                        u32(t.fired ? kAccent : color_of(fold::TimerState::Waiting)), 3.0f);
    // Held by the delivery gate: due, its wake not delivered yet.
    const std::string left = t.due_held ? std::string("due")
                             : t.fired  ? std::string("fired")
                                        : fold::format_duration(rows[i].remaining_ns);
    text_at(ImVec2(x1 + em * 0.3f, y), u32(kDimText), left);
    if (t.id == wake.timer) wake_from = ImVec2(x1, (a.y + z.y) / 2);
    if (ImGui::IsWindowHovered() &&
        ImGui::IsMouseHoveringRect(ImVec2(b.min.x, y), ImVec2(b.max.x, y + row_h))) {
      ImGui::SetTooltip("Timer %u for task %u: %s, %s.\nIts thread sleeps until the deadline, then "
                        "sets completed "
                        "and wakes the stored waker.",
                        t.id, t.task, fold::format_duration(t.duration_ns).c_str(),
                        t.due_held ? "due, not delivered (the gate holds its wake)"
                                   : std::string(fold::to_string(t.state)).c_str());
      if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) sel.task = t.task;
    }
  }
  if (rows.size() > fit) {
    char more[32];
    std::snprintf(more, sizeof more, "+%zu more", rows.size() - fit);
    text_at(ImVec2(b.min.x, y), u32(kDimText), more);
  } else if (rows.empty()) {
    text_at(b.min, u32(kDimText), "none running");
  }
  return wake_from;
}

void draw_arrows(const Layout& l, FlowStep step, const DiagramState& st,
                 const diagram::WakeArrow& wake, ImVec2 wake_from) {
  const float em = ImGui::GetFontSize();
  const float mid1 = l.spawner.center().y;
  diagram::draw_arrow(ImVec2(l.spawner.max.x, mid1), ImVec2(l.queue.min.x, mid1),
                      step == FlowStep::Spawned || step == FlowStep::Queued, "send",
                      ImVec2(-em, -em * 1.2f),
                      "spawn() sends the new task into the bounded run queue (sync_channel's "
                      "send: it blocks while the queue is full).");
  diagram::draw_arrow(ImVec2(l.queue.max.x, mid1), ImVec2(l.executor.min.x, mid1),
                      step == FlowStep::Popped, "recv", ImVec2(-em, -em * 1.2f),
                      "The executor receives the task at the front of the queue (recv blocks "
                      "while the queue is empty).");
  const float ex_x = l.executor.center().x;
  diagram::draw_arrow(ImVec2(ex_x, l.executor.max.y), ImVec2(ex_x, l.future.min.y),
                      step == FlowStep::PollStarted, "poll(cx)", ImVec2(em * 0.4f, -em * 0.5f),
                      "The executor calls poll on the task's future, with a Context that lends "
                      "it the task's waker.");
  const float mid2 = l.parked.center().y;
  diagram::draw_arrow(ImVec2(l.future.min.x, mid2), ImVec2(l.parked.max.x, mid2),
                      step == FlowStep::WakerStored, "stores\nwaker",
                      // Centred under the arrow, in the gap between the boxes.
                      ImVec2(-ImGui::CalcTextSize("stores").x / 2, em * 0.35f),
                      "Returning Pending, the future stores a clone of the waker (here in the "
                      "TimerFuture's shared state) so it can be woken later; the task is parked.");
  const float up_x = l.parked.center().x;
  diagram::draw_arrow(ImVec2(up_x, l.parked.min.y), ImVec2(up_x, l.queue.max.y),
                      step == FlowStep::Woken || step == FlowStep::QueuedAgain, "wake(): send",
                      ImVec2(em * 0.4f, -em * 0.5f),
                      "Waking the waker sends the task back into the run queue (the book's "
                      "ArcWake: wake_by_ref clones the Arc and sends it).");
  diagram::draw_arrow(ImVec2(l.timers.max.x, mid2), ImVec2(l.parked.min.x, mid2),
                      step == FlowStep::WakerTaken, "", ImVec2(0, 0),
                      "At its deadline the timer thread sets completed and takes the stored waker "
                      "out of the shared state (step 6), then wakes it: the parked task goes back "
                      "to the run queue.");

  // The wake: from the timer thread that fired, up into the queue. Full
  // strength while the flow is in its wake steps, then it fades out.
  const double age = ImGui::GetTime() - st.wake_time;
  const float alpha =
      is_wake_step(step) ? 1.0f : static_cast<float>(std::clamp(1.0 - age / 1.5, 0.0, 1.0));
  if (alpha > 0.01f && wake.timer != 0) {
    const ImVec2 to(l.queue.min.x + em * 1.5f, l.queue.max.y);
    diagram::draw_curve_arrow(wake_from, ImVec2(wake_from.x + em * 4, wake_from.y),
                              ImVec2(to.x, to.y + em * 4), to, u32(with_alpha(kAccent, alpha)),
                              3.0f);
    char label[40];
    std::snprintf(label, sizeof label, "wake task %u", wake.task);
    text_at(ImVec2(to.x + em * 0.3f, to.y + em * 1.4f), u32(with_alpha(kAccent, alpha)), label);
  }
}

} // namespace

void draw_diagram(const FrameView& view, DiagramState& st, Selection& sel, bool* p_open) {
  if (!begin_panel(title::kDiagram, p_open,
                   ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
    ImGui::End();
    return;
  }
  const diagram::WakeArrow wake = diagram::wake_arrow(view.state);
  note_wake(st, wake);
  what_just_happened(view);
  ImGui::Spacing();

  const ImVec2 o = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float em = ImGui::GetFontSize();
  const ImVec2 size(std::max(avail.x, em * 24), std::max(avail.y, em * 18));
  const Layout l = compute_layout(o, size);
  const FlowStep step = view.state.flow.step;

  const ImVec2 wake_from = draw_timers(l, step, wake, view, sel);
  draw_arrows(l, step, st, wake, wake_from);
  draw_spawner(l, step, st, view, sel);
  draw_queue(l, step, st, view, sel);
  draw_executor(l, step, st, view, sel);
  draw_future(l, step, view);
  draw_parked(l, step, st, view, sel);
  diagram::draw_wait_for_cycle(view.state.lints.cycle, l.executor, l.queue, l.timers);
  diagram::forget_unplaced_chips(st);

  const TaskId focus = sel.task != 0 ? sel.task : view.state.book.task;
  diagram::draw_book_strip(ImVec2(o.x, l.strip_y), size.x, view, focus);
  ImGui::Dummy(size); // claim the canvas so the window knows its content size
  ImGui::End();
}

} // namespace pollscope::gui
