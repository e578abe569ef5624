#include "gui/app.hpp"

#include "gui/commands.hpp"
#include "gui/layout.hpp"
#include "gui/widgets.hpp"

#include "fold/describe.hpp"

#include <imgui.h>

#include <cstdio>

namespace pollscope::gui {

ControllerOptions controller_options(const CliOptions& cli) {
  ControllerOptions o;
  o.queue_capacity = cli.capacity;
  o.clock = cli.clock == "virtual" ? ClockKind::Virtual : ClockKind::Real;
  o.time_scale = cli.time_scale;
  o.scenario = cli.scenario;
  o.initial_mode = cli.mode == "run"     ? ExecutorMode::Run
                   : cli.mode == "pause" ? ExecutorMode::Pause
                                         : ExecutorMode::Step;
  return o;
}

App::App(const CliOptions& cli, EventsFile* events)
    : controller_(std::make_unique<Controller>(controller_options(cli))), events_(events) {
  FoldPump::EventSink sink;
  if (events && events->is_open())
    sink = [events, strings = &controller_->strings()](std::span<const Event> batch) {
      events->write(batch, *strings);
    };
  pump_ = std::make_unique<FoldPump>(controller_->log(), std::move(sink));
  controls_.capacity = static_cast<int>(cli.capacity);
  controls_.time_scale = static_cast<float>(cli.time_scale);
  controls_.scenario = scenario_index(cli.scenario);
  controls_.spawn_count = static_cast<int>(cli.count);
  controls_.seed = cli.seed;
}

App::~App() {
  pump_.reset(); // stop consuming before the log it drains is destroyed
  controller_.reset();
}

void App::draw() {
  const Snapshot& snap = pump_->latest();
  lints_.update(snap.state, snap.serial);
  const FrameView view{snap.state,  snap.events,  controller_->strings(), controller_->now_ns(),
                       snap.serial, &lints_.lints};
  if (snap.serial != last_serial_) {
    last_serial_ = snap.serial;
    last_change_time_ = ImGui::GetTime();
  }
  timers_live_ = snap.state.counters.live_timer_threads > 0;
  if (snap.events.runtime_begin != last_runtime_begin_) {
    // A reset or a loaded scenario: the selected task (and the event log's
    // task filter) named a task of the old runtime. Text filters stay: the
    // user typed them and can see them.
    last_runtime_begin_ = snap.events.runtime_begin;
    selection_.task = 0;
    event_log_.filter.task = 0;
  }

  handle_shortcuts(*controller_, view, controls_);
  draw_menu_bar(view);
  if (open_.diagram) draw_diagram(view, diagram_, selection_, &open_.diagram);
  if (open_.controls) draw_controls(view, *controller_, controls_, &open_.controls);
  if (open_.run_queue) draw_run_queue(view, selection_, &open_.run_queue);
  if (open_.timers) draw_timers(view, timers_, selection_, &open_.timers);
  if (open_.wakers) draw_wakers(view, wakers_, selection_, &open_.wakers);
  if (open_.tasks) draw_tasks(view, tasks_, selection_, &open_.tasks);
  if (open_.event_log) draw_event_log(view, event_log_, selection_, &open_.event_log);
  if (open_.output) draw_output(view, output_, &open_.output);
  if (open_.lints)
    draw_lints(view, lints_, selection_, event_log_, *controller_, controls_, &open_.lints);
  if (open_.metrics) ImGui::ShowMetricsWindow(&open_.metrics);

  if (show_keys_) {
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing,
                            ImVec2(0.5f, 0.5f));
    if (ImGui::Begin("Keyboard shortcuts", &show_keys_, ImGuiWindowFlags_AlwaysAutoResize)) {
      if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg)) {
        const char* rows[][2] = {{keys::kRunPause, "Run / Pause the executor"},
                                 {keys::kStep, "Step: poll exactly one task (hold to repeat)"},
                                 {keys::kSpawn, "Spawn a timer task of the Controls' duration"},
                                 {keys::kReset, "Reset: a fresh runtime with the picked scenario"},
                                 {"Ctrl+Q", "Quit"}};
        for (const auto& r : rows) {
          ImGui::TableNextRow();
          ImGui::TableNextColumn();
          ImGui::TextColored(kAccent, "%s", r[0]);
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(r[1]);
        }
        ImGui::EndTable();
      }
      text_dim("Keys are ignored while a text field has the keyboard.");
    }
    ImGui::End();
  }
  end_layout_frame();
}

bool App::animating() const noexcept {
  const double now = ImGui::GetTime();
  // 1.5 s after a change covers chips gliding and the wake arrow fading.
  return timers_live_ || now - last_change_time_ < 1.5 || now - controls_.status_time < 6.5;
}

void App::draw_menu_bar(const FrameView& view) {
  if (!ImGui::BeginMainMenuBar()) return;
  if (ImGui::BeginMenu("View")) {
    ImGui::MenuItem(title::kDiagram, nullptr, &open_.diagram);
    ImGui::MenuItem(title::kControls, nullptr, &open_.controls);
    ImGui::MenuItem(title::kRunQueue, nullptr, &open_.run_queue);
    ImGui::MenuItem(title::kTimers, nullptr, &open_.timers);
    ImGui::MenuItem(title::kWakers, nullptr, &open_.wakers);
    ImGui::MenuItem(title::kTasks, nullptr, &open_.tasks);
    ImGui::MenuItem(title::kEventLog, nullptr, &open_.event_log);
    ImGui::MenuItem(title::kOutput, nullptr, &open_.output);
    ImGui::MenuItem(title::kLints, nullptr, &open_.lints);
    ImGui::Separator();
    if (ImGui::MenuItem("Show every panel")) open_ = PanelsOpen{};
    if (ImGui::MenuItem("Reset layout")) request_layout_reset();
    ImGui::MenuItem("Dear ImGui metrics", nullptr, &open_.metrics);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    ImGui::MenuItem("Keyboard shortcuts", nullptr, &show_keys_);
    ImGui::Separator();
    text_dim("Hover any underlined word or (?) to have it explained.");
    text_dim("pollscope: the Rust async book's executor, rebuilt in C++20.");
    ImGui::EndMenu();
  }
  // A failed --events write must not go unnoticed while the user works on.
  if (events_ != nullptr && events_->failed()) {
    ImGui::TextColored(kWarnText, "--events file incomplete");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", events_->error().c_str());
  }
  // Right-aligned status: the executor at a glance, and the log's size.
  const fold::ExecutorView& ex = view.state.executor;
  char status[160];
  std::snprintf(status, sizeof status, "%s  |  %s  |  %zu events",
                std::string(to_string(ex.mode)).c_str(),
                std::string(fold::to_string(ex.activity)).c_str(), view.events.count);
  const float w = ImGui::CalcTextSize(status).x + ImGui::GetStyle().ItemSpacing.x * 2;
  ImGui::SetCursorPosX(ImGui::GetWindowWidth() - w);
  text_dim(status);
  ImGui::EndMainMenuBar();
}

} // namespace pollscope::gui
