#include "gui/commands.hpp"

#include "fold/describe.hpp"
#include "runtime/controller.hpp"
#include "runtime/scenarios.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <string>

namespace pollscope::gui {
namespace {

void set_status(ControlsState& st, std::string text, bool error) {
  st.status = std::move(text);
  st.status_is_error = error;
  st.status_time = ImGui::GetTime();
}

// `spawned`: how many went in before the queue filled (Spawn N timers).
std::string queue_full_message(const Controller& c, const std::string& what, unsigned spawned) {
  const std::string capacity = std::to_string(c.options().queue_capacity);
  if (spawned > 0)
    return "Spawned " + std::to_string(spawned) + " of " + what +
           "; then the run queue was full (capacity " + capacity + "). Run to drain it.";
  return "The run queue is full (capacity " + capacity +
         "): nothing was spawned. Run the executor to drain it, or Reset with a larger capacity.";
}

void report_spawn(Controller& c, ControlsState& st, SpawnStatus s, const std::string& what,
                  unsigned spawned = 0) {
  switch (s) {
  case SpawnStatus::Spawned: set_status(st, "Spawned " + what + ".", false); break;
  case SpawnStatus::QueueFull: set_status(st, queue_full_message(c, what, spawned), true); break;
  case SpawnStatus::BadArgument:
    set_status(st, "Cannot spawn " + what + ": bad argument.", true);
    break;
  }
}

// True (and says so) when a recording is open: nothing to command.
bool refused(ControlsState& st) {
  if (!st.no_runtime) return false;
  set_status(st, kNoRuntime, false);
  return true;
}

// GLFW's key codes for letters are their upper-case ASCII codes, and Dear
// ImGui 1.86's GLFW backend stores GLFW key codes in io.KeysDown.
bool letter_pressed(char upper) {
  return ImGui::IsKeyPressed(static_cast<unsigned char>(upper), false);
}

} // namespace

void cmd_run(Controller& c, ControlsState& st) {
  if (refused(st)) return;
  if (st.limit_speed) {
    c.set_throttle(st.polls_per_second);
    c.set_mode(ExecutorMode::Throttle);
    set_status(st,
               "Running at up to " + std::to_string(static_cast<int>(st.polls_per_second + 0.5f)) +
                   " polls per second.",
               false);
  } else {
    c.set_mode(ExecutorMode::Run);
    set_status(st, "Running: the executor polls tasks as fast as they arrive.", false);
  }
}

void cmd_pause(Controller& c, ControlsState& st) {
  if (refused(st)) return;
  c.set_mode(ExecutorMode::Pause);
  set_status(st, "Paused: nothing is polled. Timer threads keep counting down.", false);
}

void cmd_toggle_run(Controller& c, const FrameView& view, ControlsState& st) {
  const ExecutorMode m = view.state.executor.mode;
  if (m == ExecutorMode::Run || m == ExecutorMode::Throttle)
    cmd_pause(c, st);
  else
    cmd_run(c, st);
}

void cmd_step(Controller& c, ControlsState& st) {
  if (refused(st)) return;
  (void)c;
  ++st.steps_asked; // the App decides: a book step of the view, or a poll
}

void cmd_poll_once(Controller& c, ControlsState& st) {
  if (refused(st)) return;
  c.step(1);
  set_status(st, "Step: the executor takes one task off the queue and polls it once.", false);
}

void settle_inputs(ControlsState& st) {
  st.duration_ms = std::clamp(st.duration_ms, 0, kMaxDurationMs);
  st.spawn_count = std::clamp(st.spawn_count, 1, kMaxSpawnCount);
  st.min_ms = std::clamp(st.min_ms, 0, kMaxDurationMs);
  st.max_ms = std::clamp(st.max_ms, 0, kMaxDurationMs);
  if (st.min_ms > st.max_ms) std::swap(st.min_ms, st.max_ms);
  st.capacity = std::clamp(st.capacity, 1, kMaxCapacity);
}

void cmd_spawn_timer(Controller& c, ControlsState& st) {
  if (refused(st)) return;
  settle_inputs(st);
  const int ms = st.duration_ms;
  const auto s = c.spawn_timer(std::chrono::milliseconds(ms));
  report_spawn(c, st, s,
               "a task awaiting a " + fold::format_duration(std::uint64_t(ms) * 1'000'000) +
                   " timer");
}

void cmd_spawn_timers(Controller& c, ControlsState& st) {
  if (refused(st)) return;
  settle_inputs(st);
  const auto n = static_cast<unsigned>(st.spawn_count);
  const int lo = st.min_ms;
  const int hi = st.max_ms;
  unsigned spawned = 0;
  const auto s = c.spawn_timers(n, std::chrono::milliseconds(lo), std::chrono::milliseconds(hi),
                                st.seed++, &spawned);
  report_spawn(c, st, s, std::to_string(n) + " timer tasks", spawned);
}

void cmd_reset(Controller& c, ControlsState& st) {
  if (refused(st)) return;
  ControllerOptions o = c.options();
  settle_inputs(st);
  o.queue_capacity = static_cast<std::size_t>(st.capacity);
  o.queue_policy = st.queue_policy;
  o.timer_policy = st.timer_policy;
  pick_scenario(o, scenario_name(st.scenario));
  o.initial_mode = ExecutorMode::Step;
  o.time_scale = st.time_scale;
  c.reset(o);
  set_status(st,
             o.scenario.empty()
                 ? std::string("Reset: a fresh, empty runtime, paused in step mode.")
                 : "Reset: a fresh runtime with " + o.scenario + " loaded, paused in step mode.",
             false);
}

void pick_scenario(ControllerOptions& o, std::string_view name) {
  if (o.scenario == name) return; // the same one again keeps the count the user had
  o.scenario = std::string(name);
  if (const Scenario* s = find_scenario(name); s != nullptr && s->count) o.params.count = *s->count;
}

void cmd_add_scenario(Controller& c, ControlsState& st) {
  if (refused(st)) return;
  const std::string_view name = scenario_name(st.scenario);
  if (name.empty()) return;
  report_spawn(c, st, c.load_scenario(name), "the " + std::string(name) + " scenario's tasks");
}

int scenario_choices() { return static_cast<int>(scenarios().size()) + 1; }

std::string_view scenario_name(int index) {
  const auto all = scenarios();
  return index >= 0 && static_cast<std::size_t>(index) < all.size() ? all[index].name
                                                                    : std::string_view{};
}

std::string_view scenario_summary(int index) {
  const auto all = scenarios();
  if (index >= 0 && static_cast<std::size_t>(index) < all.size()) return all[index].summary;
  return "No tasks at all: spawn your own timers.";
}

int scenario_index(std::string_view name) {
  const auto all = scenarios();
  if (name.empty()) return static_cast<int>(all.size());
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i].name == name) return static_cast<int>(i);
  return 0;
}

void handle_shortcuts(Controller& c, const FrameView& view, ControlsState& st, bool step_key) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || io.KeyCtrl || io.KeyAlt || io.KeySuper) return;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) cmd_toggle_run(c, view, st);
  // Holding the step key repeats it: a quick way to walk many polls.
  // (The arrow keys move the history bar: gui/history_bar.hpp.)
  if (step_key && ImGui::IsKeyPressed(static_cast<unsigned char>('S'), true)) cmd_step(c, st);
  if (ImGui::IsKeyPressed(static_cast<unsigned char>('P'), true)) cmd_poll_once(c, st);
  if (letter_pressed('T')) cmd_spawn_timer(c, st);
  if (letter_pressed('R')) cmd_reset(c, st);
}

} // namespace pollscope::gui
