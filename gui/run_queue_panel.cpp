// Run queue: the bounded channel's contents in order (front = popped next),
// duplicates marked, a capacity gauge, and the senders blocked on a full queue.
#include "gui/layout.hpp"
#include "gui/panels.hpp"
#include "gui/widgets.hpp"

#include "fold/describe.hpp"
#include "fold/view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace pollscope::gui {
namespace {

void gauge(const fold::QueueView& q) {
  char overlay[64];
  if (q.capacity > 0)
    std::snprintf(overlay, sizeof overlay, "%zu / %llu", q.entries.size(),
                  (unsigned long long)q.capacity);
  else
    std::snprintf(overlay, sizeof overlay, "%zu / ?", q.entries.size());
  const float fill = static_cast<float>(fold::queue_fill(q));
  const bool full = q.capacity > 0 && q.entries.size() >= q.capacity;
  ImGui::PushStyleColor(ImGuiCol_PlotHistogram,
                        full ? kWarnText : color_of(fold::TaskState::Queued));
  // Show a sliver for a non-empty queue: 3 of 10000 would otherwise be invisible.
  ImGui::ProgressBar(q.entries.empty() ? 0.0f : std::max(fill, 0.01f), ImVec2(-1, 0), overlay);
  ImGui::PopStyleColor();
  tooltip_for_last_item("Entries in the channel / its capacity. When it is full, a send blocks "
                        "(or try_send is refused) until the executor pops a task.");
}

void blocked_senders(const FrameView& view, Selection& sel) {
  const fold::QueueView& q = view.state.queue;
  if (q.blocked.empty()) return;
  ImGui::PushTextWrapPos(0.0f);
  text_colored(kWarnText,
               std::to_string(q.blocked.size()) + " sender(s) blocked on the full queue:");
  ImGui::PopTextWrapPos();
  for (const fold::BlockedSender& b : q.blocked) {
    ImGui::Bullet();
    task_link(view, b.task, sel);
    ImGui::SameLine();
    text_dim(std::string("sent from the ") + std::string(to_string(b.lane)) + " thread, waiting " +
             fold::format_duration(view.now_ns > b.since ? view.now_ns - b.since : 0));
  }
}

void entries_table(const FrameView& view, Selection& sel) {
  const std::vector<fold::QueueRow> rows = fold::queue_rows(view.state.queue);
  if (rows.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    text_dim(view.state.executor.waiting
                 ? "Empty: the executor is blocked in recv, waiting for a task."
                 : "Empty.");
    ImGui::PopTextWrapPos();
    return;
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable |
                                ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("queue", 4, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 2.5f);
  ImGui::TableSetupColumn("task", ImGuiTableColumnFlags_WidthStretch, 2.0f);
  ImGui::TableSetupColumn("sent by", ImGuiTableColumnFlags_WidthStretch, 1.4f);
  ImGui::TableSetupColumn("waiting", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  headers_row_with_help(
      {"The entry's place in the queue: 0 is the front, popped next.",
       "The task this entry sends to the executor. A task can stand here twice: woken twice "
       "before it was popped.",
       "Who sent it: the spawner (a new task) or a waker (a woken task coming back).",
       "How long the entry has been in the queue, on the runtime clock."});
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const fold::QueueRow& r = rows[static_cast<std::size_t>(i)];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%u", r.position);
      if (r.position == 0) tooltip_for_last_item("The front: the executor pops this one next.");
      ImGui::TableNextColumn();
      ImGui::PushID(i);
      task_link(view, r.entry.task, sel, true);
      ImGui::PopID();
      if (r.duplicate) {
        ImGui::SameLine();
        text_colored(kAccent, "dup " + std::to_string(r.occurrence));
        tooltip_for_last_item(
            "The same task is in the queue more than once: it was woken again before "
            "the executor popped it. Each entry means one more poll.");
      }
      ImGui::TableNextColumn();
      if (r.entry.pushed_by == 0) {
        text_dim("spawner");
        tooltip_for_last_item(fold::help(fold::Concept::Spawner));
      } else {
        ImGui::Text("waker %u", r.entry.pushed_by);
        tooltip_for_last_item(
            "A waker's wake() re-sent the task (ArcWake::wake_by_ref sends a clone of the Arc).");
      }
      ImGui::TableNextColumn();
      text_dim(fold::format_duration(view.now_ns > r.entry.t ? view.now_ns - r.entry.t : 0));
    }
  }
  ImGui::EndTable();
}

} // namespace

void draw_run_queue(const FrameView& view, Selection& sel, bool* p_open) {
  if (!begin_panel(title::kRunQueue, p_open)) {
    ImGui::End();
    return;
  }
  draw_run_queue_body(view, sel);
  ImGui::End();
}

void draw_run_queue_body(const FrameView& view, Selection& sel) {
  const fold::QueueView& q = view.state.queue;
  concept_label("Run queue", fold::Concept::RunQueue);
  ImGui::SameLine();
  text_dim("front first");
  ImGui::SameLine();
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + ImGui::GetStyle().ItemSpacing.x);
  ImGui::Text("pushes %llu  pops %llu  max %llu", (unsigned long long)q.pushes,
              (unsigned long long)q.pops, (unsigned long long)q.max_length);
  gauge(q);
  if (q.closed) text_dim("Channel closed: every sender is gone.");
  // Red while the queue is still full; once it has room again, a plain
  // count (runtime time may stand still, so no timer decides this).
  const bool full = q.capacity > 0 && q.entries.size() >= q.capacity;
  if (q.try_send_refused > 0 && full)
    text_colored(kWarnText, "Queue full: the last spawn was refused (" +
                                std::to_string(q.try_send_refused) + " refused so far).");
  else if (q.try_send_refused > 0)
    text_dim(std::to_string(q.try_send_refused) + " spawn" + (q.try_send_refused == 1 ? "" : "s") +
             " refused while the queue was full.");
  blocked_senders(view, sel);
  entries_table(view, sel);
}

} // namespace pollscope::gui
