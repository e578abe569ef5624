// Controls: drive the executor (run, pause, step, speed, slow motion), spawn
// timer tasks, pick a scenario, reset. Every button is a non-blocking command;
// its outcome shows as a status line, and a full queue is said in words.
#include "gui/commands.hpp"
#include "gui/layout.hpp"
#include "gui/panels.hpp"
#include "gui/theme.hpp"
#include "gui/widgets.hpp"

#include "fold/view.hpp"
#include "runtime/controller.hpp"
#include "runtime/scenarios.hpp"

#include <imgui.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace pollscope::gui {
namespace {

ImVec4 item_rect() {
  const ImVec2 p = ImGui::GetItemRectMin(), s = ImGui::GetItemRectSize();
  return ImVec4(p.x, p.y, s.x, s.y);
}

// Keeps a number field within what the command accepts: clamped when the
// user leaves the field or uses its +/- buttons, never while typing.
void clamp_field(bool changed, int& value, int lo, int hi) {
  if (ImGui::IsItemDeactivatedAfterEdit() || (changed && !ImGui::IsItemActive()))
    value = std::clamp(value, lo, hi);
}

// Whether a button with this label fits whole in what is left of the line
// after the last item (the caller then places it on that line).
bool button_fits(const char* label) {
  const ImGuiStyle& s = ImGui::GetStyle();
  const float need = ImGui::CalcTextSize(label).x + 2 * s.FramePadding.x + s.ItemSpacing.x;
  return ImGui::GetContentRegionAvail().x - ImGui::GetItemRectSize().x - need >= 0.0f;
}

// With a recording open the buttons are disabled; hovering one says why
// (a disabled item's own tooltip never shows).
void why_disabled(const ControlsState& st) {
  if (st.no_runtime && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("%s Open a scenario (File menu) to run one.", kNoRuntime);
}

void section(const char* label) {
  ImGui::Spacing();
  ImGui::PushFont(bold_font());
  ImGui::TextUnformatted(label);
  ImGui::PopFont();
}

void executor_section(const FrameView& view, Controller& c, ControlsState& st) {
  const fold::ExecutorView& ex = view.state.executor;
  section("Executor");
  ImGui::SameLine();
  concept_label("(?)", fold::Concept::Executor);
  ImGui::SameLine();
  text_colored(kAccent, to_string(ex.mode));
  tooltip_for_last_item("The executor's mode: run, pause, step or throttle.");
  ImGui::SameLine();
  one_line(color_of(ex.activity), fold::to_string(ex.activity));
  tooltip_for_last_item(fold::describe(ex.activity));

  const float w = (ImGui::GetContentRegionAvail().x - 3 * ImGui::GetStyle().ItemSpacing.x) / 4;
  if (ImGui::Button("Run", ImVec2(w, 0))) cmd_run(c, st);
  why_disabled(st);
  st.rects.run = item_rect();
  tooltip_for_last_item(
      "Poll tasks as fast as they arrive (or at the speed limit below).  Key: Space");
  ImGui::SameLine();
  if (ImGui::Button("Pause", ImVec2(w, 0))) cmd_pause(c, st);
  why_disabled(st);
  st.rects.pause = item_rect();
  tooltip_for_last_item(
      "Stop polling. Timer threads keep running and may wake tasks onto the queue.  Key: Space");
  ImGui::SameLine();
  if (ImGui::Button("Step", ImVec2(w, 0))) cmd_step(c, st);
  why_disabled(st);
  st.rects.step = item_rect();
  tooltip_for_last_item(
      "In step mode: show the next of the book's nine steps; once the view has shown "
      "everything that happened, poll the executor once and show what that poll did, one book "
      "step a press. In run or pause: poll once.  Key: S");
  ImGui::SameLine();
  if (ImGui::Button("Poll", ImVec2(w, 0))) cmd_poll_once(c, st);
  why_disabled(st);
  tooltip_for_last_item(
      "Poll once, whatever the view shows: pop the front of the run queue and call poll() "
      "once. If the queue is empty, the poll waits for the next task.  Key: P");

  // While running, a new limit (or none) applies at once.
  const bool running = ex.mode == ExecutorMode::Throttle || ex.mode == ExecutorMode::Run;
  if (ImGui::Checkbox("Limit speed", &st.limit_speed) && running) cmd_run(c, st);
  tooltip_for_last_item(
      "Run at most this many polls per second, to watch a busy runtime at a readable pace.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  ImGui::BeginDisabled(!st.limit_speed); // the limit applies only when ticked
  // AlwaysClamp: a value typed with Ctrl+click stays in range, so the slider
  // never shows a number the runtime refused (a typed 0x scale was ignored).
  if (ImGui::SliderFloat("##pps", &st.polls_per_second, 0.5f, 200.0f, "%.1f polls/s",
                         ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp) &&
      st.limit_speed && running)
    cmd_run(c, st);
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Speed limit for Run, in polls per second (tick Limit speed to use it).");

  ImGui::TextUnformatted("Time scale");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  if (ImGui::SliderFloat("##timescale", &st.time_scale, 0.05f, 4.0f, "%.2fx",
                         ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp))
    c.set_time_scale(st.time_scale);
  tooltip_for_last_item(
      "Slow motion for the runtime clock: 0.25x makes a 2 s timer take 8 real seconds. "
      "Only timers feel it; polling speed is set above.");
}

void spawn_section(Controller& c, ControlsState& st) {
  section("Spawn");
  ImGui::SameLine();
  concept_label("(?)", fold::Concept::Spawner);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  clamp_field(ImGui::InputInt("ms##duration", &st.duration_ms, 100, 1000), st.duration_ms, 0,
              kMaxDurationMs);
  tooltip_for_last_item(
      "How long the new task's TimerFuture waits before its thread fires and wakes the task.");
  // Beside the field when its whole label fits there, else on a line of its own.
  if (button_fits("Spawn timer")) ImGui::SameLine();
  if (ImGui::Button("Spawn timer", ImVec2(-1, 0))) cmd_spawn_timer(c, st);
  why_disabled(st);
  st.rects.spawn_timer = item_rect();
  tooltip_for_last_item(
      "Spawn a task that awaits a TimerFuture of this duration, then prints that it is done. "
      "Never blocks: a full queue is reported instead.  Key: T");

  // Three fields and their words share the row: the fields get what the
  // words leave, so "3000 ms" is never cut off in a narrow panel.
  const float sp = ImGui::GetStyle().ItemSpacing.x;
  const float words = ImGui::CalcTextSize("tasks,").x + ImGui::CalcTextSize("to").x +
                      ImGui::CalcTextSize("ms").x + 5 * sp;
  const float field = std::clamp((ImGui::GetContentRegionAvail().x - words) / 3,
                                 ImGui::GetFontSize() * 2.2f, ImGui::GetFontSize() * 4.5f);
  ImGui::SetNextItemWidth(field);
  clamp_field(ImGui::InputInt("##count", &st.spawn_count, 0), st.spawn_count, 1, kMaxSpawnCount);
  ImGui::SameLine();
  ImGui::TextUnformatted("tasks,");
  // In a narrow panel the range goes on a line of its own, with room for
  // "3000 ms" in each field.
  const float narrow = ImGui::GetFontSize() * 3.2f;
  if (field >= narrow) ImGui::SameLine();
  const float range_field =
      field >= narrow ? field
                      : std::min(ImGui::GetFontSize() * 4.5f,
                                 (ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("to").x -
                                  ImGui::CalcTextSize("ms").x - 3 * sp) /
                                     2);
  ImGui::SetNextItemWidth(range_field);
  clamp_field(ImGui::InputInt("##min", &st.min_ms, 0), st.min_ms, 0, kMaxDurationMs);
  ImGui::SameLine();
  ImGui::TextUnformatted("to");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(range_field);
  clamp_field(ImGui::InputInt("ms##max", &st.max_ms, 0), st.max_ms, 0, kMaxDurationMs);
  tooltip_for_last_item("Each task's timer gets a random duration in this range.");
  if (ImGui::Button("Spawn N timers", ImVec2(-1, 0))) cmd_spawn_timers(c, st);
  why_disabled(st);
  tooltip_for_last_item(
      "Spawn that many timer tasks with random durations: one thread per timer, as in the book.");
}

// Wrapped lines in a box of fixed height: what does not fit is cut, and the
// whole shows on hover (with `more`, if given). Nothing around it moves.
void fixed_lines(const std::vector<std::pair<ImVec4, std::string>>& lines, float height,
                 std::string_view more = {}) {
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(p, ImVec2(p.x + width, p.y + height), true);
  float y = p.y;
  std::string all;
  for (const auto& [color, text] : lines) {
    dl->AddText(nullptr, 0, ImVec2(p.x, y), u32(color), text.data(), text.data() + text.size(),
                width);
    y += ImGui::CalcTextSize(text.c_str(), nullptr, false, width).y;
    all += (all.empty() ? "" : "\n") + text;
  }
  dl->PopClipRect();
  ImGui::Dummy(ImVec2(width, height));
  if (!all.empty() && ImGui::IsItemHovered() && (y > p.y + height + 0.5f || !more.empty())) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
    text(all);
    if (!more.empty()) text_dim(more);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

void scenario_section(Controller& c, ControlsState& st) {
  section("Scenario");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  const std::string current(scenario_name(st.scenario).empty() ? "empty"
                                                               : scenario_name(st.scenario));
  if (ImGui::BeginCombo("##scenario", current.c_str())) {
    for (int i = 0; i < scenario_choices(); ++i) {
      const std::string name(scenario_name(i).empty() ? "empty" : scenario_name(i));
      if (ImGui::Selectable(name.c_str(), i == st.scenario)) st.scenario = i;
      tooltip_for_last_item(scenario_summary(i));
    }
    ImGui::EndCombo();
  }
  tooltip_for_last_item(scenario_summary(st.scenario));
  // What the scenario is, on the first screen: two lines at most.
  fixed_lines({{kDimText, std::string(scenario_summary(st.scenario))}},
              ImGui::GetTextLineHeight() * 2.0f);
  // The picked scenario's explanation: what it does, and what to watch for.
  // Not for hello-world: the line above and the first-launch hint say it all,
  // and the default layout must fit 1280x800 without a scrollbar.
  const Scenario* s = find_scenario(scenario_name(st.scenario));
  if (s != nullptr && s->name != "hello-world" && !s->explanation.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", s->explanation.c_str());
    ImGui::PopStyleColor();
  }
  const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
  if (ImGui::Button("Load (reset)", ImVec2(w, 0))) cmd_reset(c, st);
  why_disabled(st);
  tooltip_for_last_item("Start a fresh runtime with this scenario, paused in step mode.");
  ImGui::SameLine();
  if (ImGui::Button("Add its tasks", ImVec2(w, 0))) cmd_add_scenario(c, st);
  why_disabled(st);
  tooltip_for_last_item(
      "Spawn this scenario's tasks into the running runtime, next to what is there.");
}

// One policy's picker: the names from runtime/policy.hpp, the one the
// running runtime uses marked, and "applies at Reset" while they differ.
template <typename Policy, std::size_t N>
void policy_combo(const char* id, const char* label, const std::array<std::string_view, N>& names,
                  Policy running, Policy& picked, const char* help) {
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9.0f);
  const std::string preview(names[static_cast<std::size_t>(picked)]);
  if (ImGui::BeginCombo(id, preview.c_str())) {
    for (std::size_t i = 0; i < N; ++i) {
      const auto p = static_cast<Policy>(i);
      std::string item(names[i]);
      if (p == running) item += "  (running)";
      if (ImGui::Selectable(item.c_str(), p == picked)) picked = p;
    }
    ImGui::EndCombo();
  }
  tooltip_for_last_item(help);
  ImGui::SameLine();
  if (picked != running) {
    one_line(kAccent, "applies at Reset");
    tooltip_for_last_item("Pending: the runtime runs " + std::string(names[std::size_t(running)]) +
                          "; Reset starts one with " + preview + ".");
  } else {
    one_line(ImGui::GetStyleColorVec4(ImGuiCol_Text), label);
  }
}

// The policies the running runtime uses (from its RuntimeStarted event, via
// the fold) and the ones the next Reset will use.
void policy_section(const FrameView& view, ControlsState& st) {
  section("Policy");
  ImGui::SameLine();
  const std::string running = std::string(to_string(view.state.queue_policy)) + " / " +
                              std::string(to_string(view.state.timer_policy));
  text_colored(kAccent, running);
  tooltip_for_last_item("The policies this runtime runs under (its start event says so).");
  // Compare mode, at the end of the header line (a line more would give the
  // panel a scrollbar at 1280x800), right-aligned when it fits.
  const float compare_w = ImGui::CalcTextSize("A/B").x + ImGui::GetStyle().FramePadding.x * 2;
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < compare_w) ImGui::NewLine();
  ImGui::SetCursorPosX(
      std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - compare_w));
  if (ImGui::SmallButton("A/B")) st.compare_asked = true;
  tooltip_for_last_item("Compare policies side by side: the picked scenario under the policies "
                        "below (A) and under others (B, picked there), with a metrics table. "
                        "Also View > Compare policies.");
  policy_combo("##queue_policy", "queue policy", kQueuePolicyNames, view.state.queue_policy,
               st.queue_policy,
               "Where a woken task goes. book: every wake queues it, even when it is already "
               "queued (duplicates). notified: a state word's notified bit, so a wake on a queued "
               "task changes nothing. local: notified, plus an executor-local queue for wakes "
               "made on the executor thread. Takes effect at the next Reset.");
  policy_combo("##timer_policy", "timer policy", kTimerPolicyNames, view.state.timer_policy,
               st.timer_policy,
               "Who sleeps until a timer's deadline. thread-per-timer: the book's one OS thread "
               "per TimerFuture. timer-thread: one driver thread for every timer. Takes effect "
               "at the next Reset.");
}

void runtime_section(const FrameView& view, Controller& c, ControlsState& st) {
  section("Runtime");
  // The queue as the runtime has it: entries / the capacity it started with.
  const fold::QueueView& q = view.state.queue;
  char overlay[64];
  std::snprintf(overlay, sizeof overlay, "%zu / %llu", q.entries.size(),
                (unsigned long long)q.capacity);
  ImGui::SameLine();
  ImGui::ProgressBar(q.capacity > 0 ? std::min(1.0f, float(q.entries.size()) / float(q.capacity))
                                    : 0.0f,
                     ImVec2(-1, 0), overlay);
  tooltip_for_last_item("Entries in the run queue / the capacity this runtime was started with.");

  // No +/- buttons: the room beside the field says whether it is in use.
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 4.5f);
  clamp_field(ImGui::InputInt("##capacity", &st.capacity, 0), st.capacity, 1, kMaxCapacity);
  if (st.capacity < 1) st.capacity = 1;
  tooltip_for_last_item(
      "The run queue's bound (the book's sync_channel(10000)). Takes effect at the next Reset.");
  // An edited capacity that waits for Reset says so where the field's label
  // is: the field alone would suggest the runtime already uses it.
  ImGui::SameLine();
  const bool pending = q.capacity > 0 && static_cast<std::uint64_t>(st.capacity) != q.capacity;
  if (pending) {
    one_line(kAccent, "applies at Reset");
    tooltip_for_last_item("Pending: the runtime's queue holds " + std::to_string(q.capacity) +
                          " (the gauge above); Reset starts one that holds " +
                          std::to_string(st.capacity) + ".");
  } else {
    one_line(ImGui::GetStyleColorVec4(ImGuiCol_Text), "queue capacity");
  }
  if (ImGui::Button("Reset", ImVec2(-1, 0))) cmd_reset(c, st);
  why_disabled(st);
  st.rects.reset = item_rect();
  tooltip_for_last_item(
      "Tear down every task and timer thread and start a fresh runtime with the picked "
      "scenario, capacity and policies, paused in step mode.  Key: R");
}

// The messages under the sections, in a footer of fixed height: a message
// coming or going never scrolls the panel or moves a button. What does not
// fit shows whole on hover.
void messages(const FrameView& view, const ControlsState& st, float height) {
  std::vector<std::pair<ImVec4, std::string>> lines;
  const double age = ImGui::GetTime() - st.status_time;
  // Errors stay; confirmations fade after a few seconds so they never look stale.
  if (!st.status.empty() && (st.status_is_error || age <= 6.0))
    lines.emplace_back(
        st.status_is_error ? kWarnText : with_alpha(kGoodText, age > 5.0 ? float(6.0 - age) : 1.0f),
        st.status);
  const fold::QueueView& q = view.state.queue;
  const bool full = q.capacity > 0 && q.entries.size() >= q.capacity;
  if (full || q.try_send_refused > 0) {
    // Whatever asked (Spawn, Reset with a scenario, Add its tasks): a refusal
    // is never silent, and the count comes from the events, not from the
    // button that was pressed.
    std::string text = full ? "The run queue is full." : "";
    if (q.try_send_refused > 0)
      text += (full ? " " : "") + std::to_string(q.try_send_refused) +
              (q.try_send_refused == 1 ? " spawn was" : " spawns were") +
              " refused in this runtime.";
    lines.emplace_back(kWarnText, text);
  }
  if (lines.empty() && view.state.executor.total_polls == 0 && view.state.tasks.size() <= 1)
    lines.emplace_back(kAccent,
                       "Start here: press Step and watch the diagram. Hover (?) for help.");

  fixed_lines(lines, height,
              full || q.try_send_refused > 0
                  ? "The GUI spawns with try_send, which gives up on a full queue instead of "
                    "blocking the window (the book's send would block). Run the executor to "
                    "drain the queue, or Reset with a larger capacity."
                  : "");
}

} // namespace

void draw_controls(const FrameView& view, Controller& controller, ControlsState& st, bool* p_open) {
  if (!begin_panel(title::kControls, p_open,
                   ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
    ImGui::End();
    return;
  }
  // The sections scroll (only in a small window); the messages' footer stays.
  const float footer = ImGui::GetTextLineHeight() * 2.0f + ImGui::GetStyle().ItemSpacing.y * 2.0f;
  ImGui::BeginChild("##controls_body", ImVec2(0, -footer), false);
  // A recording has no runtime to command: the panel shows what it would
  // do, disabled (the commands refuse too, see gui/commands.hpp).
  if (st.no_runtime) {
    ImGui::TextColored(kAccent, "%s", kNoRuntime);
    tooltip_for_last_item("A recording shows a run that is over: scrub it with the history bar. "
                          "To run one, open a scenario (File menu).");
  }
  ImGui::BeginDisabled(st.no_runtime);
  executor_section(view, controller, st);
  ImGui::Separator();
  spawn_section(controller, st);
  ImGui::Separator();
  scenario_section(controller, st);
  ImGui::Separator();
  policy_section(view, st);
  ImGui::Separator();
  runtime_section(view, controller, st);
  ImGui::EndDisabled();
  ImGui::EndChild();
  ImGui::Separator();
  messages(view, st, ImGui::GetTextLineHeight() * 2.0f);
  st.rects.valid = true;
  ImGui::End();
}

} // namespace pollscope::gui
