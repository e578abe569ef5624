// Timer threads: one row per TimerFuture — its id, the thread serving it, the
// task awaiting it, the duration, a progress bar to its deadline, its state,
// and the waker its shared state holds. The live thread count is the cost
// model: one OS thread per timer under thread-per-timer (the book), one
// driver thread for all under timer-thread.
//
// The delivery gate (virtual clock): a timer whose deadline came while its
// wake is held shows "due, not delivered" and a Deliver button; releasing
// them one at a time picks the order the tasks are queued in. Keys: 1-9
// deliver timer 1-9 (the id column: the numbers `--deliver 3,1,2` takes, and
// they never shift as timers are delivered or exit), D all in deadline order.
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

std::string thread_name(const FrameView& view, const fold::TimerView& t) {
  if (t.thread == 0 || t.thread >= view.state.threads.size()) return "-";
  return std::string(view.strings.get(view.state.threads[t.thread].name));
}

void table(const FrameView& view, const std::vector<fold::TimerRow>& rows, Selection& sel,
           TimersPanelState& st) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable |
                                ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("timers", 7, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  // Weighted so "#1 timer-1", "574 ms" and the "waker" header fit the
  // default 370 px column.
  ImGui::TableSetupColumn("id", ImGuiTableColumnFlags_WidthStretch, 0.45f);
  ImGui::TableSetupColumn("thread", ImGuiTableColumnFlags_WidthStretch, 1.1f);
  ImGui::TableSetupColumn("task", ImGuiTableColumnFlags_WidthStretch, 1.55f);
  ImGui::TableSetupColumn("duration", ImGuiTableColumnFlags_WidthStretch, 1.25f);
  ImGui::TableSetupColumn("deadline", ImGuiTableColumnFlags_WidthStretch, 1.45f);
  ImGui::TableSetupColumn("state", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("waker", ImGuiTableColumnFlags_WidthStretch, 0.85f);
  headers_row_with_help(
      {"The timer's id.",
       "The thread serving it: its own (thread-per-timer) or the one timer driver "
       "(timer-thread).",
       "The task awaiting this TimerFuture.", "How long the thread sleeps before it fires.",
       "Progress to the deadline and the time left, on the runtime clock (slowed by the time "
       "scale).",
       "waiting: the thread sleeps; due, not delivered: the deadline came and the delivery "
       "gate holds the wake; fired: completed = true and the waker was woken; exited: the "
       "thread ended (or the driver is done with it).",
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
      text(thread_name(view, t));
      ImGui::TableNextColumn();
      task_link(view, t.task, sel, true);
      ImGui::TableNextColumn();
      text(fold::format_duration(t.duration_ns));
      ImGui::TableNextColumn();
      progress_cell(t, r);
      ImGui::TableNextColumn();
      if (t.due_held) {
        // The key first: the column is narrow.
        const std::string label =
            t.id <= 9 ? "[" + std::to_string(t.id) + "] deliver" : std::string("deliver");
        if (ImGui::SmallButton(label.c_str())) st.deliver.push_back(t.id);
        tooltip_for_last_item(t.id <= 9 ? "Due, not delivered: the delivery gate holds this "
                                          "timer's wake. Deliver it now (key: its id): its task "
                                          "is queued next."
                                        : "Due, not delivered: the delivery gate holds this "
                                          "timer's wake. Deliver it now: its task is queued next.");
      } else {
        text_colored(color_of(t.state),
                     t.cancelled ? std::string_view("cancelled") : fold::to_string(t.state));
        tooltip_for_last_item(fold::describe(t.state));
      }
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

// Keys 1-9 deliver the held wake of the timer with that id; D delivers them
// all. Only while no text field has the keyboard and no modifier is down;
// D only while this panel has focus (over the Timeline, D pans). Like every
// command they act on the live runtime, whatever moment the panels show (a
// fresh runtime in step mode opens on its first book step): the controller
// delivers a timer only if its wake is held there.
void delivery_keys(TimersPanelState& st) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || io.KeyCtrl || io.KeyAlt || io.KeySuper || io.KeyShift) return;
  for (TimerId id = 1; id <= 9; ++id)
    if (ImGui::IsKeyPressed(static_cast<unsigned char>('0' + id), false)) st.deliver.push_back(id);
  if (ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows) &&
      ImGui::IsKeyPressed(static_cast<unsigned char>('D'), false))
    st.deliver_all = true;
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
  tooltip_for_last_item("OS threads serving timers right now: the book's TimerFuture spawns one "
                        "per timer; the timer-thread policy's one driver serves them all.");
  ImGui::SameLine();
  ImGui::Checkbox("show exited", &st.show_exited);
  // On its own line: the default column is narrow.
  if (ImGui::Checkbox("hold due wakes", &st.hold_due)) st.hold_changed = true;
  tooltip_for_last_item("The delivery gate (virtual clock): a timer whose deadline comes does "
                        "not wake its task until you deliver it, so you choose the order: click "
                        "a due timer's deliver, or press its id (keys 1-9); D delivers them all "
                        "in deadline order. Applied by a reset.");
  if (const auto held = view.state.counters.held_timers; held > 0) {
    ImGui::TextColored(kAccent, "%llu due, not delivered", (unsigned long long)held);
    tooltip_for_last_item("Deliver them one at a time in any order: a row's deliver button, or "
                          "the timer's id as a key (1-9). Each delivered wake queues its task.");
    ImGui::SameLine();
    if (ImGui::SmallButton("deliver all")) st.deliver_all = true;
    tooltip_for_last_item("Deliver every held wake in deadline order (key D, with this panel "
                          "focused).");
  }
  if (st.hold_due) delivery_keys(st);
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
    table(view, rows, sel, st);
  }
  ImGui::End();
}

} // namespace pollscope::gui
