// Tasks: one row per task — id, name, state, polls, wakes, busy / idle /
// queued time, and the await it is suspended at. Sortable by any column,
// filtered by text and by state, virtualised for tens of thousands of rows.
#include "gui/layout.hpp"
#include "gui/panels.hpp"
#include "gui/widgets.hpp"

#include "fold/describe.hpp"
#include "fold/view.hpp"

#include <imgui.h>

#include <cstdio>
#include <string>

namespace pollscope::gui {
namespace {

using fold::TaskColumn;
using fold::TaskState;

struct Column {
  const char* name;
  TaskColumn sort; // the fold's sort key
  float width;     // in font sizes; 0 = stretch
  const char* help;
};
// The last column (suspended at) has no sort key of its own: it reuses Id and
// is marked NoSort.
constexpr Column kColumns[] = {
    {"id", TaskColumn::Id, 2.4f, "The task's id, in spawn order."},
    // Fixed and wide enough for "hello-world" or "timer-10000": a stretched
    // name lost to the fixed columns at 1280 px wide.
    {"name", TaskColumn::Name, 6.6f, "The name it was spawned with."},
    {"state", TaskColumn::State, 4.2f,
     "Where the task is in its life: spawned, queued, polling, pending, done, dropped (its last "
     "reference is gone and the future destroyed)."},
    {"polls", TaskColumn::Polls, 3.2f, "How many times the executor called poll() on its future."},
    {"wakes", TaskColumn::Wakes, 3.4f, "How many times one of its wakers was woken."},
    {"busy", TaskColumn::Busy, 4.2f, "Time spent inside poll()."},
    {"idle", TaskColumn::Idle, 4.3f, "Time spent Pending: parked until a waker re-queues it."},
    // "queued", like the state it measures (tokio-console says "scheduled",
    // which did not fit its column).
    {"queued", TaskColumn::Scheduled, 4.4f,
     "Time spent Queued: woken, waiting for the executor to get to it (tokio-console's "
     "\"scheduled\" time)."},
    {"suspended at", TaskColumn::Id, 0,
     "The await the task is parked at (file:line): where its coroutine resumes. Hover a row "
     "for the whole task, this included."},
};
constexpr int kColumnCount = static_cast<int>(sizeof kColumns / sizeof kColumns[0]);

void state_filter(TasksPanelState& st) {
  for (std::size_t i = 0; i < fold::kTaskStateCount; ++i) {
    const auto s = static_cast<TaskState>(i);
    bool on = st.query.states.contains(s);
    ImGui::PushStyleColor(ImGuiCol_CheckMark, color_of(s));
    const std::string label(fold::to_string(s));
    if (ImGui::Checkbox(label.c_str(), &on)) {
      st.query.states.set(s, on);
      st.query_changed = true;
    }
    ImGui::PopStyleColor();
    tooltip_for_last_item(fold::describe(s));
    if (i + 1 < fold::kTaskStateCount) ImGui::SameLine();
  }
}

void update_rows(const FrameView& view, TasksPanelState& st) {
  if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
    if (specs->SpecsCount > 0) {
      const ImGuiTableColumnSortSpecs& s = specs->Specs[0];
      st.query.sort = kColumns[s.ColumnIndex].sort;
      st.query.descending = s.SortDirection == ImGuiSortDirection_Descending;
    }
    specs->SpecsDirty = false;
    st.query_changed = true;
  }
  const std::size_t count = view.state.tasks.size();
  const double now = ImGui::GetTime();
  // Row indices stay valid while tasks are only added, so a big table is
  // re-sorted at most ten times a second; a reset (fewer tasks) or a new
  // query redoes it at once.
  const bool stale = view.serial != st.rows_serial &&
                     (count < 2000 || now - st.rows_time > 0.1 || count < st.rows.size());
  if (!st.query_changed && !stale) return;
  st.rows = fold::task_rows(view.state, view.strings, st.query);
  st.rows_serial = view.serial;
  st.rows_time = now;
  st.query_changed = false;
}

void row(const FrameView& view, const fold::TaskView& t, Selection& sel) {
  char buf[32];
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  std::snprintf(buf, sizeof buf, "%u", t.id);
  if (ImGui::Selectable(buf, sel.task == t.id,
                        ImGuiSelectableFlags_SpanAllColumns |
                            ImGuiSelectableFlags_AllowItemOverlap))
    sel.task = sel.task == t.id ? 0 : t.id;
  if (ImGui::IsItemHovered()) task_tooltip(view, t.id);
  ImGui::TableNextColumn();
  text(t.seen_spawn ? view.strings.get(t.name) : std::string_view("?"));
  ImGui::TableNextColumn();
  text_colored(color_of(t.state), fold::to_string(t.state));
  if (t.failed) {
    ImGui::SameLine();
    text_colored(kWarnText, "threw");
  }
  lint_badge(view, t.id);
  ImGui::TableNextColumn();
  ImGui::Text("%u", t.polls);
  ImGui::TableNextColumn();
  ImGui::Text("%u", t.wakes);
  const fold::TaskTimes times = fold::task_times_at(t, view.now_ns);
  ImGui::TableNextColumn();
  text(fold::format_duration(times.busy_ns));
  ImGui::TableNextColumn();
  text(fold::format_duration(times.idle_ns));
  ImGui::TableNextColumn();
  text(fold::format_duration(times.scheduled_ns));
  ImGui::TableNextColumn();
  if (t.suspended_at != 0) text_dim(view.strings.get(t.suspended_at));
}

void table(const FrameView& view, TasksPanelState& st, Selection& sel) {
  const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg |
                                ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_Reorderable |
                                ImGuiTableFlags_Hideable | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("tasks", kColumnCount, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  const float em = ImGui::GetFontSize();
  for (int c = 0; c < kColumnCount; ++c) {
    ImGuiTableColumnFlags f = kColumns[c].width > 0 ? ImGuiTableColumnFlags_WidthFixed
                                                    : ImGuiTableColumnFlags_WidthStretch;
    if (c == 0) f |= ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_NoHide;
    if (c == kColumnCount - 1) f |= ImGuiTableColumnFlags_NoSort;
    const float w = kColumns[c].width > 0 ? kColumns[c].width * em : 7.0f * em;
    ImGui::TableSetupColumn(kColumns[c].name, f, w);
  }
  // Our own header row, so each header can explain its column on hover.
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  for (int c = 0; c < kColumnCount; ++c) {
    ImGui::TableSetColumnIndex(c);
    ImGui::TableHeader(kColumns[c].name);
    tooltip_for_last_item(kColumns[c].help);
  }
  update_rows(view, st);

  const auto items = view.state.tasks.items();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(st.rows.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const std::uint32_t index = st.rows[static_cast<std::size_t>(i)];
      if (index >= items.size()) continue; // a reset shrank the table since the rows were made
      row(view, items[index], sel);
    }
  }
  ImGui::EndTable();
}

} // namespace

void draw_tasks(const FrameView& view, TasksPanelState& st, Selection& sel, bool* p_open) {
  if (!begin_panel(title::kTasks, p_open)) {
    ImGui::End();
    return;
  }
  concept_label("Tasks", fold::Concept::Task);
  ImGui::SameLine();
  ImGui::Text("%zu (%zu shown, %llu live)", view.state.tasks.size(), st.rows.size(),
              (unsigned long long)view.state.counters.live_tasks);
  forgotten_note(view.state.counters.forgotten_tasks, "tasks");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  if (ImGui::InputTextWithHint("##filter", "filter: name, id or file:line", st.text,
                               sizeof st.text)) {
    st.query.text = st.text;
    st.query_changed = true;
  }
  state_filter(st);
  table(view, st, sel);
  ImGui::End();
}

} // namespace pollscope::gui
