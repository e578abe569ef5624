// Event log: every event of the runtime on screen, newest at the bottom.
// Virtualised with ImGuiListClipper (only visible rows are formatted), so a
// million events scroll smoothly; filtered by kind and by task through the
// fold's incremental filter; follows the newest event until the user scrolls up.
#include "gui/layout.hpp"
#include "gui/panels.hpp"
#include "gui/widgets.hpp"

#include "fold/describe.hpp"
#include "fold/view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <string>

namespace pollscope::gui {
namespace {

// Colour by the part of the runtime an event is about (the schema's sections).
ImVec4 kind_color(EventKind k) {
  switch (k) {
  case EventKind::TaskSpawned:
  case EventKind::TaskCompleted:
  case EventKind::TaskDropped: return color_of(fold::TaskState::Done);
  case EventKind::QueuePush:
  case EventKind::QueuePop:
  case EventKind::SendBlocked:
  case EventKind::SendUnblocked:
  case EventKind::TrySendFull: return color_of(fold::TaskState::Queued);
  case EventKind::PollBegin:
  case EventKind::PollEnd: return color_of(fold::TaskState::Polling);
  case EventKind::WakerCreated:
  case EventKind::WakerCloned:
  case EventKind::WakerWoken:
  case EventKind::WakerDropped:
  case EventKind::WakerStored:
  case EventKind::WakerRemoved: return kAccent;
  case EventKind::TimerCreated:
  case EventKind::TimerThreadStarted:
  case EventKind::TimerThreadWaiting:
  case EventKind::TimerFired:
  case EventKind::TimerThreadExited:
  case EventKind::TimerThreadFailed: return color_of(fold::TaskState::Pending);
  case EventKind::Output: return ImVec4(1, 1, 1, 1);
  default: return kDimText;
  }
}

void kind_filter_popup(EventLogState& st) {
  int on = 0;
  for (int k = 0; k < static_cast<int>(EventKind::Count); ++k)
    on += st.filter.kinds.contains(EventKind(k));
  char label[48];
  std::snprintf(label, sizeof label, "Kinds %d/%d", on, static_cast<int>(EventKind::Count));
  if (ImGui::Button(label)) ImGui::OpenPopup("kinds");
  tooltip_for_last_item("Show only some kinds of events.");
  // Wide enough for two columns of the longest kind names ("timer_thread_waiting").
  ImGui::SetNextWindowSizeConstraints(ImVec2(ImGui::GetFontSize() * 26.0f, 0.0f),
                                      ImVec2(FLT_MAX, FLT_MAX));
  if (!ImGui::BeginPopup("kinds")) return;
  if (ImGui::SmallButton("all")) st.filter.kinds = fold::EventKindSet::all();
  ImGui::SameLine();
  if (ImGui::SmallButton("none")) st.filter.kinds = fold::EventKindSet::none();
  ImGui::SameLine();
  if (ImGui::SmallButton("the book's flow")) {
    st.filter.kinds = fold::EventKindSet::none();
    for (EventKind k : {EventKind::TaskSpawned, EventKind::QueuePush, EventKind::QueuePop,
                        EventKind::PollEnd, EventKind::WakerStored, EventKind::TimerFired,
                        EventKind::WakerWoken, EventKind::TaskCompleted, EventKind::Output})
      st.filter.kinds.set(k, true);
  }
  ImGui::Separator();
  ImGui::Columns(2, nullptr, false);
  for (int k = 0; k < static_cast<int>(EventKind::Count); ++k) {
    bool v = st.filter.kinds.contains(EventKind(k));
    const std::string name(to_string(EventKind(k)));
    ImGui::PushStyleColor(ImGuiCol_Text, kind_color(EventKind(k)));
    if (ImGui::Checkbox(name.c_str(), &v)) st.filter.kinds.set(EventKind(k), v);
    ImGui::PopStyleColor();
    ImGui::NextColumn();
  }
  ImGui::Columns(1);
  ImGui::EndPopup();
}

void toolbar(const FrameView& view, EventLogState& st, const Selection& sel, std::size_t shown) {
  kind_filter_popup(st);
  ImGui::SameLine();
  ImGui::TextUnformatted("Task");
  ImGui::SameLine();
  int task = static_cast<int>(st.filter.task);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
  if (ImGui::InputInt("##task", &task, 1, 10))
    st.filter.task = static_cast<TaskId>(task < 0 ? 0 : task);
  tooltip_for_last_item(
      "Show only the events about this task (0: every task), including its timers' and "
      "wakers' events.");
  ImGui::SameLine();
  ImGui::BeginDisabled(sel.task == 0 || sel.task == st.filter.task);
  if (ImGui::SmallButton("selected")) st.filter.task = sel.task;
  ImGui::EndDisabled();
  tooltip_for_last_item("Filter by the task selected in any panel.");
  ImGui::SameLine();
  ImGui::BeginDisabled(st.filter == fold::EventFilter{});
  if (ImGui::SmallButton("clear")) st.filter = {};
  ImGui::EndDisabled();

  const std::size_t total = view.events.count - view.events.runtime_begin;
  ImGui::Text("%zu of %zu events", shown, total);
  if (view.events.runtime_begin > 0) {
    ImGui::SameLine();
    ImGui::TextDisabled("(+%zu before the last reset)", view.events.runtime_begin);
  }
  ImGui::SameLine();
  if (st.follow) {
    text_dim("following the newest");
  } else {
    if (ImGui::SmallButton("paused: jump to newest")) st.follow = true;
    tooltip_for_last_item("Auto-scroll pauses while you read older events; this resumes it.");
  }
}

void row(const FrameView& view, std::size_t index, const Event& e, Selection& sel,
         EventLogState& st, bool marked) {
  ImGui::TableNextRow();
  if (marked) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, u32(with_alpha(kWarnText, 0.35f)));
  ImGui::TableNextColumn();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%zu", index);
  ImGui::PushID(static_cast<int>(index));
  if (ImGui::Selectable(buf, e.task != 0 && e.task == sel.task,
                        ImGuiSelectableFlags_SpanAllColumns |
                            ImGuiSelectableFlags_AllowItemOverlap)) {
    // A click goes to that moment in the history (just after this event),
    // and selects the event's task.
    st.seek_request = view.events.runtime_begin + index + 1;
    if (e.task != 0) sel.task = sel.task == e.task ? 0 : e.task;
  }
  ImGui::PopID();
  ImGui::TableNextColumn();
  // The display time (record/display_time.hpp): never earlier than the row
  // above it; the stored event keeps its raw time.
  const std::uint64_t t0 = view.state.started_t;
  const std::uint64_t t = view.events.store->display_time(view.events.runtime_begin + index);
  ImGui::TextDisabled("%.6f", double(t > t0 ? t - t0 : 0) / 1e9);
  ImGui::TableNextColumn();
  const std::string what = fold::describe(e, view.strings, &view.state);
  text_colored(kind_color(e.kind), what);
  // The column is narrower than most lines at 1280 px: hovering shows it all.
  if (ImGui::IsItemHovered() && ImGui::CalcTextSize(what.c_str()).x > ImGui::GetColumnWidth())
    ImGui::SetTooltip("%s", what.c_str());
  ImGui::TableNextColumn();
  text_colored(kind_color(e.kind), to_string(e.kind));
  ImGui::TableNextColumn();
  text_dim(to_string(e.lane));
}

// The row of the event to seek to (st.seek, then cleared), or SIZE_MAX.
std::size_t seek_row_of(const FrameView& view, EventLogState& st, std::span<const Event> events) {
  if (st.seek == SIZE_MAX) return SIZE_MAX;
  const std::size_t target = st.seek;
  st.seek = SIZE_MAX;
  if (target < view.events.runtime_begin || target - view.events.runtime_begin >= events.size())
    return SIZE_MAX; // not in this runtime (any more)
  const std::size_t index = target - view.events.runtime_begin;
  st.marked = target;
  if (!st.filtering) return index;
  const auto& rows = st.filtered.rows();
  auto it = std::lower_bound(rows.begin(), rows.end(), index);
  if (it != rows.end() && *it == index) return static_cast<std::size_t>(it - rows.begin());
  st.filter = {};
  st.filtering = false;
  return index;
}

} // namespace

void draw_event_log(const FrameView& view, EventLogState& st, Selection& sel, bool* p_open) {
  if (!begin_panel(title::kEventLog, p_open)) {
    ImGui::End();
    return;
  }
  const std::span<const Event> events = view.events.current_runtime();
  if (view.events.runtime_begin != st.runtime_begin) { // a reset: row indices restart
    st.filtered = fold::FilteredEvents{};
    st.runtime_begin = view.events.runtime_begin;
  }
  st.filtering = !(st.filter == fold::EventFilter{});
  // Unfiltered, the rows are the events themselves: no index to keep.
  if (st.filtering) st.filtered.update(events, st.filter);
  // A seek (the Lints panel) to an event the filter hides clears the filter.
  const std::size_t seek_row = seek_row_of(view, st, events);
  const std::size_t count = st.filtering ? st.filtered.rows().size() : events.size();
  toolbar(view, st, sel, count);

  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_ScrollX | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit |
                                ImGuiTableFlags_Hideable;
  if (ImGui::BeginTable("events", 5, flags)) {
    const float em = ImGui::GetFontSize();
    ImGui::TableSetupScrollFreeze(0, 1);
    // What happened comes first after the time: in a narrow window it is the
    // column worth seeing. Kind and thread are there for those who want them.
    ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, em * 3.0f);
    ImGui::TableSetupColumn("time (s)", ImGuiTableColumnFlags_WidthFixed, em * 4.4f);
    ImGui::TableSetupColumn("what happened", ImGuiTableColumnFlags_WidthFixed, em * 30.0f);
    ImGui::TableSetupColumn(
        "kind", ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_DefaultHide, em * 8.5f);
    ImGui::TableSetupColumn(
        "thread", ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_DefaultHide, em * 3.8f);
    headers_row_with_help({"The event's place in this runtime's log.",
                           "When it happened: seconds on the runtime clock since this runtime "
                           "started (virtual time under the virtual clock).",
                           "The event in words. Click a row to go to that moment in the "
                           "history (every panel shows it) and select its task everywhere.",
                           "The event's kind, as in the schema and the --events file.",
                           "Which thread wrote it: the executor, a timer thread, the GUI "
                           "(control) or another (external). Right-click a header to show or "
                           "hide columns."});
    if (seek_row != SIZE_MAX) {
      // Rows are one text line plus the cell padding: centre the row.
      const float row_h = ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y;
      ImGui::SetScrollY(
          std::max(0.0f, static_cast<float>(seek_row) * row_h - ImGui::GetWindowHeight() * 0.5f));
      st.follow = false;
    }
    const std::size_t marked =
        st.marked >= view.events.runtime_begin ? st.marked - view.events.runtime_begin : SIZE_MAX;
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(count));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const std::size_t index =
            st.filtering ? st.filtered.rows()[static_cast<std::size_t>(i)] : std::size_t(i);
        row(view, index, events[index], sel, st, index == marked);
      }
    }
    // Follow the newest event. Our own scrolling only ever moves down, so the
    // view moving up means the user scrolled: that pauses following, and
    // reaching the bottom again (wheel, scrollbar, the button) resumes it. A
    // reset shrinks the rows and moves the view up too: not the user.
    const float y = ImGui::GetScrollY();
    if (seek_row != SIZE_MAX) {
      // The seek's scroll lands next frame: no following until then.
    } else if (st.follow && y < st.last_scroll_y - 0.5f && y < ImGui::GetScrollMaxY() - 0.5f)
      st.follow = false;
    else if (!st.follow && y >= ImGui::GetScrollMaxY())
      st.follow = true;
    if (st.follow) ImGui::SetScrollHereY(1.0f);
    st.last_scroll_y = y;
    st.last_rows = count;
    ImGui::EndTable();
  }
  ImGui::End();
}

} // namespace pollscope::gui
