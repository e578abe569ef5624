#include "gui/app.hpp"

#include "gui/commands.hpp"
#include "gui/history.hpp"
#include "gui/history_bar.hpp"
#include "gui/layout.hpp"
#include "gui/widgets.hpp"

#include "fold/describe.hpp"
#include "runtime/scenarios.hpp"

#include <imgui.h>

#include <algorithm>
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

App::App(const CliOptions& cli, record::EventsFile* events)
    : controller_(std::make_unique<Controller>(controller_options(cli))), events_(events) {
  record::FoldPump::EventSink sink;
  if (events && events->is_open())
    sink = [events, strings = &controller_->strings()](std::span<const Event> batch) {
      events->write(batch, *strings);
    };
  pump_ = std::make_unique<record::FoldPump>(controller_->log(), std::move(sink));
  cursor_ = std::make_unique<record::Cursor>(pump_->store(), pump_->checkpoints());
  controls_.capacity = static_cast<int>(cli.capacity);
  controls_.time_scale = static_cast<float>(cli.time_scale);
  controls_.scenario = scenario_index(cli.scenario);
  controls_.spawn_count = static_cast<int>(cli.count);
  controls_.seed = cli.seed;
}

App::~App() {
  cursor_.reset(); // reads the pump's store
  pump_.reset();   // stop consuming before the log it drains is destroyed
  controller_.reset();
}

void App::draw() {
  const record::Snapshot& snap = pump_->latest();
  // The live picture: what commands act on (and the Controls panel shows).
  const FrameView live{snap.state, snap.events, controller_->strings(), controller_->now_ns(),
                       snap.serial};
  // Where the history bar stands: a row clicked in the event log or a key
  // moves it; the log then scrolls to the moment shown.
  const std::size_t count = snap.events.count;
  if (event_log_.seek_request != SIZE_MAX) {
    history_go(history_, event_log_.seek_request, count);
    event_log_.seek_request = SIZE_MAX;
    event_log_.follow = true;
  }
  if (handle_history_keys(history_, *pump_, count)) event_log_.follow = true;
  apply_steps(live);
  // Every panel draws the moment at the cursor: the fold's state there and
  // the store up to there. Live, that is the newest snapshot itself.
  const std::size_t pos = history_position(history_, count);
  const bool past = pos < count;
  const fold::FoldState& state = past ? cursor_->seek(pos, count) : snap.state;
  const EventsView events =
      past ? EventsView{&pump_->store(), pos, pump_->runtime_begin_at(pos)} : snap.events;
  const std::uint64_t view_key = past ? pos : snap.serial;
  if (view_key != last_view_key_ || past != last_view_past_) {
    last_view_key_ = view_key;
    last_view_past_ = past;
    ++view_serial_;
  }
  // Lints too are a function of the state at the cursor.
  lints_.update(state, view_serial_);
  const FrameView view{state,        events, controller_->strings(),
                       past ? state.log.last_t : controller_->now_ns(),
                       view_serial_, &lints_.lints};
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

  handle_shortcuts(*controller_, live, controls_);
  draw_menu_bar(live);
  if (open_.diagram) draw_diagram(view, diagram_, selection_, &open_.diagram);
  if (open_.controls) draw_controls(live, *controller_, controls_, &open_.controls);
  if (open_.run_queue) draw_run_queue(view, selection_, &open_.run_queue);
  if (open_.timers) draw_timers(view, timers_, selection_, &open_.timers);
  if (open_.wakers) draw_wakers(view, wakers_, selection_, &open_.wakers);
  if (open_.tasks) draw_tasks(view, tasks_, selection_, &open_.tasks);
  if (open_.event_log) draw_event_log(view, event_log_, selection_, &open_.event_log);
  if (open_.output) draw_output(view, output_, &open_.output);
  if (open_.lints)
    draw_lints(view, lints_, selection_, event_log_, *controller_, controls_, &open_.lints);
  if (open_.metrics) ImGui::ShowMetricsWindow(&open_.metrics);
  draw_open_scenario();

  if (show_keys_) {
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing,
                            ImVec2(0.5f, 0.5f));
    if (ImGui::Begin("Keyboard shortcuts", &show_keys_, ImGuiWindowFlags_AlwaysAutoResize)) {
      if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg)) {
        const char* rows[][2] = {
            {keys::kRunPause, "Run / Pause the executor"},
            {keys::kStep, "Step: in step mode, the next book step; it polls once the view has "
                          "shown everything (hold to repeat)"},
            {keys::kPollOnce, "Poll once: the executor polls one task"},
            {keys::kEventBackForward, "History: one event back / forward"},
            {keys::kBookStepBackForward, "History: one book step back / forward"},
            {keys::kStartLive, "History: the start of the run / live"},
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

void App::draw_open_scenario() {
  constexpr const char* kTitle = "Open scenario";
  if (open_scenario_) {
    open_scenario_ = false;
    scenario_error_.clear();
    ImGui::OpenPopup(kTitle);
  }
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing,
                          ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(kTitle, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  text_dim("A scenario file (JSON; see the README). Its tasks replace the runtime's.");
  // Focus the path field on opening and again after a refused file (Enter
  // leaves the field), so typing edits the path instead of reaching the keys.
  if (ImGui::IsWindowAppearing() || scenario_refocus_) ImGui::SetKeyboardFocusHere();
  scenario_refocus_ = false;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 36);
  const bool entered = ImGui::InputText("##path", scenario_path_, sizeof scenario_path_,
                                        ImGuiInputTextFlags_EnterReturnsTrue);
  if (!scenario_error_.empty()) {
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 36);
    ImGui::TextColored(kWarnText, "%s", scenario_error_.c_str());
    ImGui::PopTextWrapPos();
  }
  if (ImGui::Button("Open") || entered) {
    // A bad file is untrusted input: its message (file, line, field) stays
    // in the popup; nothing else changes.
    const ScenarioLoad load = load_scenario_file(scenario_path_);
    if (load.scenario == nullptr) {
      scenario_error_ = load.error;
      scenario_refocus_ = true;
    } else {
      controls_.scenario = scenario_index(load.scenario->name);
      if (load.scenario->capacity) controls_.capacity = static_cast<int>(*load.scenario->capacity);
      cmd_reset(*controller_, controls_);
      ImGui::CloseCurrentPopup();
    }
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGuiKey_Escape)) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

void App::apply_steps(const FrameView& live) {
  const std::size_t count = live.events.count;
  // A poll asked for by an earlier press: show its first book step once the
  // pump has it (or stay put until then).
  // The first events after the press (the StepRequested) can arrive before
  // the poll's own: wait for a book step, or for the poll to be over (a poll
  // that took no new book step, e.g. a yield) before letting go.
  if (history_.await_step_after != SIZE_MAX && count > history_.await_step_after) {
    const auto& ex = live.state.executor;
    const bool poll_over = ex.steps_owed == 0 && ex.current_task == 0;
    if (book_step_ahead(pump_->store(), pump_->checkpoints(), history_.await_step_after, count)) {
      const std::size_t at =
          next_book_step(pump_->store(), pump_->checkpoints(), history_.await_step_after, count);
      history_go(history_, at, count + 1); // pinned there, even at the end
      history_.await_step_after = SIZE_MAX;
      event_log_.follow = true;
    } else if (poll_over) {
      history_go(history_, count, count + 1);
      history_.await_step_after = SIZE_MAX;
      event_log_.follow = true;
    }
  }
  for (; controls_.steps_asked > 0; --controls_.steps_asked) {
    if (live.state.executor.mode != ExecutorMode::Step) {
      cmd_poll_once(*controller_, controls_); // run / pause: Step is one poll
      continue;
    }
    if (history_.await_step_after != SIZE_MAX) continue; // the last poll is not in yet
    const std::size_t pos = history_position(history_, count);
    if (book_step_ahead(pump_->store(), pump_->checkpoints(), pos, count)) {
      history_go(history_, next_book_step(pump_->store(), pump_->checkpoints(), pos, count),
                 count + 1);
      event_log_.follow = true;
    } else {
      // The view has shown every book step (what follows the last one, a
      // PollEnd(Pending) or a timer thread starting to wait, is none): poll,
      // then show what the poll did one book step at a time.
      cmd_poll_once(*controller_, controls_);
      history_go(history_, count, count + 1);
      history_.await_step_after = count;
    }
  }
}

bool App::animating() const noexcept {
  const double now = ImGui::GetTime();
  // 1.5 s after a change covers chips gliding and the wake arrow fading.
  return timers_live_ || now - last_change_time_ < 1.5 || now - controls_.status_time < 6.5;
}

void App::draw_menu_bar(const FrameView& view) {
  if (!ImGui::BeginMainMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Open scenario...")) open_scenario_ = true;
    ImGui::EndMenu();
  }
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
  // Right-aligned status: the executor at a glance, and the log's size (live).
  const fold::ExecutorView& ex = view.state.executor;
  char status[160];
  std::snprintf(status, sizeof status, "%s  |  %s  |  %zu events",
                std::string(to_string(ex.mode)).c_str(),
                std::string(fold::to_string(ex.activity)).c_str(), view.events.count);
  const float w = ImGui::CalcTextSize(status).x + ImGui::GetStyle().ItemSpacing.x * 2;
  // The bar keeps one width whatever the status says, so it never jitters
  // under the mouse: room for the longest status line.
  const float reserve =
      ImGui::CalcTextSize("throttle  |  blocked on a full queue  |  10000000 events").x +
      ImGui::GetStyle().ItemSpacing.x * 2;
  if (draw_history_bar(history_, *pump_, view.events.count, std::max(w, reserve)))
    event_log_.follow = true;
  ImGui::SetCursorPosX(ImGui::GetWindowWidth() - w);
  text_dim(status);
  ImGui::EndMainMenuBar();
}

} // namespace pollscope::gui
