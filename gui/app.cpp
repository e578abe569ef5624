// The App: one frame of pollscope, from the pump's snapshot (or the history
// cursor's state) to every panel, plus what the user's clicks ask of the
// controller, the history and the recordings.
//
// Sections:
//   1. setup: options, a live runtime or a recording, the window title
//   2. recordings: open, save, export (synchronous, for tests);
//   2b. the same as background work behind the progress popup
//   3. the frame: draw() — the history cursor, the state at it, every panel
//   4. the File popup
//   5. stepping: the first book step of a fresh runtime, one book step per
//      Step press, the delivery gate's requests
//   6. the menu bar
//   7. compare mode: entering, leaving, its frame
#include "gui/app.hpp"

#include "gui/commands.hpp"
#include "gui/compare_mode.hpp"
#include "gui/compare_panel.hpp"
#include "gui/history.hpp"
#include "gui/history_bar.hpp"
#include "gui/layout.hpp"
#include "gui/progress_popup.hpp"
#include "gui/widgets.hpp"

#include "fold/describe.hpp"
#include "record/chrome_trace.hpp"
#include "runtime/scenarios.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>

namespace pollscope::gui {

// --- 1. Setup ---------------------------------------------------------------------

ControllerOptions controller_options(const CliOptions& cli) {
  ControllerOptions o;
  o.queue_capacity = cli.capacity;
  o.queue_policy = cli.queue_policy;
  o.timer_policy = cli.timer_policy;
  o.clock = cli.clock == "virtual" ? ClockKind::Virtual : ClockKind::Real;
  o.time_scale = cli.time_scale;
  o.scenario = cli.scenario;
  o.params.count = cli.count;
  o.params.seed = cli.seed;
  o.initial_mode = cli.mode == "run"     ? ExecutorMode::Run
                   : cli.mode == "pause" ? ExecutorMode::Pause
                                         : ExecutorMode::Step;
  return o;
}

namespace {

// What stands in for a runtime while a recording is open: a Controller shut
// down at once, so that nothing can ever run on it (its commands do nothing
// after shutdown, and the App's refuse before they get there). The panels
// that take a Controller get this one.
std::unique_ptr<Controller> no_runtime() {
  ControllerOptions o;
  o.scenario = "";
  o.initial_mode = ExecutorMode::Pause;
  o.clock = ClockKind::Virtual;
  o.log_capacity = std::size_t{1} << 12; // the few events of its start: never drained
  auto c = std::make_unique<Controller>(o);
  (void)c->shutdown();
  return c;
}

std::string file_name(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

} // namespace

App::App(const CliOptions& cli, record::EventsFile* events, LiveRecording* record,
         std::unique_ptr<LoadedRecording> recording)
    : events_(events), cli_(cli) {
  // --compare, or a lesson scenario: the window opens in compare mode, and
  // the single view's runtime waits in step mode behind it.
  const std::optional<CompareSetup> compare = recording ? std::nullopt : compare_setup(cli);
  if (recording) {
    show_recording(std::move(recording));
  } else {
    ControllerOptions options = controller_options(cli);
    if (compare) options.initial_mode = ExecutorMode::Step;
    controller_ = std::make_unique<Controller>(options);
    record::FoldPump::EventSink sink;
    const bool to_events = events != nullptr && events->is_open();
    const bool to_record = record != nullptr && record->is_open();
    if (to_record) record_ = record;
    if (to_events || to_record)
      sink = [events = to_events ? events : nullptr, record = to_record ? record : nullptr,
              strings = &controller_->strings()](std::span<const Event> batch) {
        if (events) events->write(batch, *strings);
        if (record) record->write(batch, *strings);
      };
    pump_ = std::make_unique<record::FoldPump>(controller_->log(), std::move(sink));
    cursor_ = std::make_unique<record::Cursor>(pump_->store(), pump_->checkpoints());
  }
  controls_.capacity = static_cast<int>(cli.capacity);
  controls_.queue_policy = cli.queue_policy;
  controls_.timer_policy = cli.timer_policy;
  controls_.time_scale = static_cast<float>(cli.time_scale);
  controls_.scenario = scenario_index(cli.scenario);
  controls_.spawn_count = static_cast<int>(cli.count);
  controls_.seed = cli.seed;
  if (compare) enter_compare(*compare);
}

App::~App() {
  job_.cancel(); // it may be reading the store and the strings
  if (job_.running()) (void)job_.take();
  compare_.reset(); // its measurements, pumps and runtimes: its own, in that order
  if (retiring_.joinable()) retiring_.join();
  cursor_.reset(); // reads the pump's store
  pump_.reset();   // stop consuming before the log it drains is destroyed
  controller_.reset();
}

const StringTable& App::strings() const noexcept {
  return recording_ ? *recording_->strings : controller_->strings();
}

std::string App::window_title() const {
  return recording_ ? file_name(recording_->path) + " - pollscope (recording)" : "pollscope";
}

void App::reset_view_state() {
  selection_ = Selection{};
  diagram_ = DiagramState{};
  tasks_ = TasksPanelState{};
  wakers_ = WakersPanelState{};
  timers_ = TimersPanelState{};
  event_log_ = EventLogState{};
  output_ = OutputPanelState{};
  timeline_ = TimelineState{};
  histograms_ = HistogramsState{};
  lints_.lints.clear();
  lints_.serial = 0;
  history_ = HistoryState{};
  opened_runtime_ = SIZE_MAX;
  last_serial_ = 0;
  last_runtime_begin_ = 0;
  last_view_key_ = 0;
  ++view_serial_;
  controls_.steps_asked = 0;
}

void App::show_recording(std::unique_ptr<LoadedRecording> recording,
                         std::unique_ptr<record::FoldPump> pump) {
  // Readers of the old pump first, then the pump (it may be draining a live
  // log), then the runtime.
  cursor_.reset();
  pump_.reset();
  if (controller_ == nullptr || !controls_.no_runtime) {
    if (controller_) (void)controller_->shutdown();
    controller_ = no_runtime();
  }
  recording_ = std::move(recording);
  pump_ = pump ? std::move(pump)
               : std::make_unique<record::FoldPump>(std::span<const Event>(recording_->events));
  cursor_ = std::make_unique<record::Cursor>(pump_->store(), pump_->checkpoints());
  // Save and Export read this many events of the store: this pump's, from now on.
  count_ = pump_->latest().events.count;
  controls_.no_runtime = true;
  reset_view_state();
}

void App::start_live(const ControllerOptions& options) {
  cursor_.reset();
  pump_.reset();
  controller_ = std::make_unique<Controller>(options);
  recording_.reset();
  pump_ = std::make_unique<record::FoldPump>(controller_->log());
  cursor_ = std::make_unique<record::Cursor>(pump_->store(), pump_->checkpoints());
  count_ = 0; // until the first frame takes a snapshot of the new pump
  controls_.no_runtime = false;
  reset_view_state();
}

// --- 2. Recordings -----------------------------------------------------------------

RecordingStatus App::open_recording(const std::string& path) {
  auto rec = std::make_unique<LoadedRecording>();
  const ProgressFn quiet = [](std::uint64_t, std::uint64_t) { return true; }; // no stderr line
  if (RecordingStatus s = load_whole_recording(path, *rec, quiet); !s) return s;
  const std::string notice = rec->info.notice;
  const std::size_t n = rec->events.size();
  show_recording(std::move(rec));
  if (!notice.empty())
    note(notice, true);
  else
    note("Opened " + file_name(path) + ": " + std::to_string(n) + " events.", false);
  return {};
}

void App::end_live_recording() {
  if (record_ == nullptr || recording_) return; // opening a recording ended it already
  pump_->flush(); // everything the runtime logged so far reaches the sink
  record_->stop();
}

namespace {

// The command line's options with a runtime's own in place of them (a reset
// may have changed the scenario or the policies since).
CliOptions with_runtime(CliOptions o, const ControllerOptions& c) {
  o.scenario = c.scenario;
  o.capacity = c.queue_capacity;
  o.clock = c.clock == ClockKind::Virtual ? "virtual" : "real";
  o.time_scale = c.time_scale;
  o.queue_policy = c.queue_policy;
  o.timer_policy = c.timer_policy;
  return o;
}

} // namespace

RecordingHeader App::save_header() const {
  if (recording_) return recording_->info.header; // the run it came from, not this machine
  return live_recording_header(with_runtime(cli_, controller_->options()));
}

App::FileSource App::single_source() const {
  // The events this frame's snapshot published: complete, never written again.
  return FileSource{pump_->store().first(count_), &strings(), save_header(), {}};
}

App::FileSource App::compare_source(std::size_t side) const {
  // The side's runtime as it is now (its policies, after a Reset the
  // scenario picked for it), and the count its last frame showed.
  CompareSide& s = compare_->side(side);
  const ControllerOptions c = s.controller->options();
  CliOptions o = with_runtime(cli_, c);
  o.count = c.params.count;
  o.seed = c.params.seed;
  return FileSource{s.pump->store().first(s.count), &s.controller->strings(),
                    live_recording_header(o), side == 0 ? "side A" : "side B"};
}

RecordingStatus App::save_recording_to(const std::string& path) {
  const FileSource src = single_source();
  return save_recording(path, src.events, *src.strings, src.header);
}

RecordingStatus App::export_trace_to(const std::string& path) {
  const FileSource src = single_source();
  return export_chrome_trace(path, src.events, *src.strings);
}

RecordingStatus App::save_compare_side_to(std::size_t side, const std::string& path) {
  if (!compare_ || side >= CompareMode::sides()) return RecordingStatus{"not in compare mode"};
  const FileSource src = compare_source(side);
  return save_recording(path, src.events, *src.strings, src.header);
}

// --- 2b. File work in the background ----------------------------------------------
//
// The job's thread reads only what stays put until ~App or finish_file_work:
// the store's first `count_` events (published, never written again), the
// string table (safe to read from any thread), and what the work itself
// builds (an OpenedRecording, handed over when the job has finished).

void App::start_open_recording(const std::string& path) {
  if (job_.running()) return;
  job_action_ = FileAction::OpenRecording;
  job_path_ = path;
  opened_ = std::make_shared<OpenedRecording>();
  job_.started_at = ImGui::GetCurrentContext() != nullptr ? ImGui::GetTime() : 0.0;
  job_.start("Opening " + file_name(path), [path, out = opened_](const ProgressFn& progress) {
    auto rec = std::make_unique<LoadedRecording>();
    if (RecordingStatus s = load_whole_recording(path, *rec, progress); !s) return s;
    if (!progress(1, 1)) return RecordingStatus{"opening cancelled", true};
    // The fold of every event and its checkpoints: the history bar's index.
    out->pump = std::make_unique<record::FoldPump>(std::span<const Event>(rec->events));
    out->recording = std::move(rec);
    return RecordingStatus{};
  });
}

void App::start_save_recording(const std::string& path) { start_save(path, single_source()); }

void App::start_export_trace(const std::string& path) { start_export(path, single_source()); }

void App::start_save_compare_side(std::size_t side, const std::string& path) {
  if (compare_ && side < CompareMode::sides()) start_save(path, compare_source(side));
}

void App::start_export_compare_side(std::size_t side, const std::string& path) {
  if (compare_ && side < CompareMode::sides()) start_export(path, compare_source(side));
}

void App::start_save(const std::string& path, FileSource source) {
  if (job_.running()) return;
  job_action_ = FileAction::SaveRecording;
  job_path_ = path;
  job_events_ = source.events.size();
  job_replaces_ = false; // the File popup says otherwise
  job_compare_ = !source.what.empty();
  job_what_ = source.what;
  job_.started_at = ImGui::GetCurrentContext() != nullptr ? ImGui::GetTime() : 0.0;
  job_.start("Saving " + (source.what.empty() ? "" : source.what + " to ") + file_name(path),
             [path, events = source.events, strings = source.strings,
              header = std::move(source.header)](const ProgressFn& progress) {
               return save_recording(path, events, *strings, header, progress);
             });
}

void App::start_export(const std::string& path, FileSource source) {
  if (job_.running()) return;
  job_action_ = FileAction::ExportTrace;
  job_path_ = path;
  job_events_ = source.events.size();
  job_replaces_ = false; // the File popup says otherwise
  job_compare_ = !source.what.empty();
  job_what_ = source.what;
  job_.started_at = ImGui::GetCurrentContext() != nullptr ? ImGui::GetTime() : 0.0;
  job_.start("Exporting " + (source.what.empty() ? "" : source.what + " to ") + file_name(path),
             [path, events = source.events, strings = source.strings](const ProgressFn& progress) {
               return export_chrome_trace(path, events, *strings, nullptr, progress);
             });
}

void App::finish_file_work() {
  if (!job_.running() || !job_.finished()) return;
  const bool cancel_pressed = job_.cancel_requested();
  const RecordingStatus s = job_.take();
  const FileAction action = std::exchange(job_action_, FileAction::None);
  job_compare_ = false;
  std::shared_ptr<OpenedRecording> opened = std::move(opened_);
  const std::string name = file_name(job_path_);
  if (action == FileAction::OpenRecording) {
    // Cancel pressed: the view stays, even if the work had already finished.
    if (s.cancelled || (s.ok() && cancel_pressed))
      return note("Opening " + name + " cancelled: the view is as it was.", false);
    if (!s) {
      reopen_error_ = s.error;
      file_asked_ = FileAction::OpenRecording;
      return;
    }
    const std::string notice = opened->recording->info.notice;
    const std::size_t n = opened->recording->events.size();
    if (compare_) leave_compare(); // a recording opens in the single view
    show_recording(std::move(opened->recording), std::move(opened->pump));
    if (!notice.empty())
      note(notice, true);
    else
      note("Opened " + name + ": " + std::to_string(n) + " events.", false);
    return;
  }
  const bool save = action == FileAction::SaveRecording;
  if (s.cancelled)
    return note(std::string(save ? "Save" : "Export") + " cancelled: nothing was written" +
                    " (an existing " + name + " is as it was).",
                false);
  if (!s) {
    reopen_error_ = s.error;
    file_asked_ = action;
    return;
  }
  const std::string what = std::exchange(job_what_, {});
  note(std::string(save ? "Saved " : "Exported ") + (what.empty() ? "" : what + "'s ") +
           std::to_string(job_events_) + " events to " + job_path_ +
           (std::exchange(job_replaces_, false) ? " (replaced the old file)." : "."),
       false);
}

void App::note(std::string text, bool warning) {
  note_ = std::move(text);
  note_warning_ = warning;
  note_time_ = ImGui::GetCurrentContext() != nullptr ? ImGui::GetTime() : 0.0;
}

// --- 3. The frame ---------------------------------------------------------------

void App::draw() {
  finish_file_work(); // first: an opened recording replaces the pump
  if (compare_) return draw_compare_frame();
  const record::Snapshot& snap = pump_->latest();
  // The live picture: what commands act on (and the Controls panel shows).
  // A recording's "now" is its last event: nothing runs after it.
  const std::uint64_t now = recording_ ? snap.state.log.last_t : controller_->now_ns();
  const FrameView live{snap.state, snap.events, strings(), now, snap.serial};
  // Where the history bar stands: a row clicked in the event log or a key
  // moves it; the log then scrolls to the moment shown.
  const std::size_t count = snap.events.count;
  count_ = count;
  if (event_log_.seek_request != SIZE_MAX) {
    history_go(history_, event_log_.seek_request, count);
    event_log_.seek_request = SIZE_MAX;
    event_log_.follow = true;
  }
  if (timeline_.seek_request != SIZE_MAX) { // a click on the timeline, last frame
    history_go(history_, timeline_.seek_request, count);
    timeline_.seek_request = SIZE_MAX;
    event_log_.follow = true;
  }
  if (handle_history_keys(history_, *pump_, count)) event_log_.follow = true;
  open_on_first_step(live);
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
  const FrameView view{state,        events,       strings(), past ? state.log.last_t : now,
                       view_serial_, &lints_.lints};
  if (snap.serial != last_serial_) {
    last_serial_ = snap.serial;
    last_change_time_ = ImGui::GetTime();
  }
  // A recording's timers never count down: nothing to animate.
  timers_live_ = !recording_ && snap.state.counters.live_timer_threads > 0;
  if (snap.events.runtime_begin != last_runtime_begin_) {
    // A reset or a loaded scenario: the selected task (and the event log's
    // task filter) named a task of the old runtime. Text filters stay: the
    // user typed them and can see them.
    last_runtime_begin_ = snap.events.runtime_begin;
    selection_.task = 0;
    event_log_.filter.task = 0;
  }

  handle_shortcuts(*controller_, live, controls_, !timeline_.has_keys); // S: the timeline's zoom
  const ImGuiIO& io = ImGui::GetIO();
  if (io.KeyCtrl && !job_.running() && !ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId)) {
    if (ImGui::IsKeyPressed(static_cast<unsigned char>('S'), false))
      file_asked_ = FileAction::SaveRecording;
    if (ImGui::IsKeyPressed(static_cast<unsigned char>('O'), false))
      file_asked_ = FileAction::OpenRecording;
  }
  draw_menu_bar(live);
  if (open_.diagram) draw_diagram(view, diagram_, selection_, &open_.diagram);
  if (open_.controls) draw_controls(live, *controller_, controls_, &open_.controls);
  if (std::exchange(controls_.compare_asked, false)) enter_compare(); // from the next frame
  if (open_.run_queue) draw_run_queue(view, selection_, &open_.run_queue);
  if (open_.timers) draw_timers(view, timers_, selection_, &open_.timers);
  apply_timer_requests();
  if (open_.wakers) draw_wakers(view, wakers_, selection_, &open_.wakers);
  if (open_.tasks) draw_tasks(view, tasks_, selection_, &open_.tasks);
  if (open_.event_log) draw_event_log(view, event_log_, selection_, &open_.event_log);
  if (open_.output) draw_output(view, output_, &open_.output);
  if (open_.lints)
    draw_lints(view, lints_, selection_, event_log_, *controller_, controls_, &open_.lints);
  if (open_.timeline)
    draw_timeline(view, live, pump_->timeline(), timeline_, selection_, &open_.timeline);
  if (open_.histograms)
    draw_histograms(view, pump_->timeline(), histograms_, timeline_, selection_, &open_.histograms);
  if (open_.metrics) ImGui::ShowMetricsWindow(&open_.metrics);
  draw_file_popup(); // last: opening a file replaces the pump, the cursor and `snap` with it
  const bool opening = job_action_ == FileAction::OpenRecording;
  draw_progress_popup(job_, opening ? "bytes" : "events",
                      opening ? "preparing the history bar..." : "finishing...", ImGui::GetTime());

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
            {keys::kSaveRecording, "Save recording: every event so far, to a .pscope file"},
            {keys::kOpenRecording, "Open recording: a .pscope file, to scrub through"},
            {keys::kDeliverTimer, "Hold due wakes: deliver the held wake of timer 1-9 (its id)"},
            {keys::kDeliverAll,
             "Hold due wakes: deliver every held wake in deadline order (Timer threads focused)"},
            {"W / S", "Timeline (mouse over it): zoom in / out"},
            {"A / D", "Timeline (mouse over it): pan left / right"},
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

// --- 4. The File popup ------------------------------------------------------------

namespace {

struct FilePopupText {
  const char* title;
  const char* explain;
  const char* button;
};

FilePopupText popup_text(int action) {
  switch (action) {
  case 1:
    return {"Open scenario",
            "A scenario file (JSON; see the README). Its tasks replace the runtime's.", "Open"};
  case 2:
    return {"Open recording",
            "A .pscope recording. It replaces what is on screen; there is no runtime behind it.",
            "Open"};
  case 3:
    return {"Save recording", "Every event so far, to a .pscope file (pollscope FILE opens it).",
            "Save"};
  default:
    return {"Export trace",
            "Every event so far, as a Chrome trace (JSON) for Perfetto, chrome://tracing or "
            "speedscope.",
            "Export"};
  }
}

} // namespace

void App::draw_file_popup() {
  if (file_asked_ != FileAction::None) {
    file_popup_ = file_asked_;
    file_asked_ = FileAction::None;
    file_error_ = std::exchange(reopen_error_, {}); // a background open, save or export failed
    path_refocus_ = !file_error_.empty();
    confirm_replace_.clear();
    ImGui::OpenPopup(popup_text(static_cast<int>(file_popup_)).title);
  }
  if (file_popup_ == FileAction::None) return;
  const FilePopupText text = popup_text(static_cast<int>(file_popup_));
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing,
                          ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(text.title, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    file_popup_ = FileAction::None;
    return;
  }
  if (compare_ &&
      (file_popup_ == FileAction::SaveRecording || file_popup_ == FileAction::ExportTrace))
    compare_file_popup_side();
  else
    text_dim(text.explain);
  // Focus the path field on opening and again after a refused file (Enter
  // leaves the field), so typing edits the path instead of reaching the keys.
  if (ImGui::IsWindowAppearing() || path_refocus_) ImGui::SetKeyboardFocusHere();
  path_refocus_ = false;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 36);
  const bool entered =
      ImGui::InputText("##path", path_, sizeof path_, ImGuiInputTextFlags_EnterReturnsTrue);
  if (!file_error_.empty()) {
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 36);
    ImGui::TextColored(kWarnText, "%s", file_error_.c_str());
    ImGui::PopTextWrapPos();
  }
  if (ImGui::Button(confirm_replace_.empty() ? text.button : "Replace") || entered)
    file_popup_accept();
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
    ImGui::CloseCurrentPopup();
    file_popup_ = FileAction::None;
  }
  ImGui::EndPopup();
}

void App::file_popup_accept() {
  const std::string path = path_;
  auto refuse = [&](std::string why) {
    file_error_ = std::move(why);
    path_refocus_ = true;
  };
  auto done = [&](std::string what) {
    note(std::move(what), false);
    ImGui::CloseCurrentPopup();
    file_popup_ = FileAction::None;
  };
  if (path.empty()) return refuse("Type a file name first.");
  switch (file_popup_) {
  case FileAction::OpenScenario: {
    // A bad file is untrusted input: its message (file, line, field) stays
    // in the popup; nothing else changes.
    const ScenarioLoad load = load_scenario_file(path);
    if (load.scenario == nullptr) return refuse(load.error);
    controls_.scenario = scenario_index(load.scenario->name);
    if (load.scenario->capacity) controls_.capacity = static_cast<int>(*load.scenario->capacity);
    if (load.scenario->queue_policy) controls_.queue_policy = *load.scenario->queue_policy;
    if (load.scenario->timer_policy) controls_.timer_policy = *load.scenario->timer_policy;
    if (recording_) {
      // Leaving a recording: a fresh runtime with the scenario, paused in step mode.
      ControllerOptions o = controller_options(cli_);
      pick_scenario(o, load.scenario->name);
      o.queue_capacity = static_cast<std::size_t>(controls_.capacity);
      o.queue_policy = controls_.queue_policy;
      o.timer_policy = controls_.timer_policy;
      o.initial_mode = ExecutorMode::Step;
      start_live(o);
    } else {
      cmd_reset(*controller_, controls_);
    }
    // A lesson opens in compare mode, on its two policy sets.
    if (load.scenario->compare) {
      ControllerOptions o = controller_->options();
      o.initial_mode = ExecutorMode::Step;
      enter_compare(compare_setup(*load.scenario->compare, o));
    }
    return done("Opened scenario " + load.scenario->name + ".");
  }
  case FileAction::OpenRecording: {
    // Read and folded off the UI thread; a bad file reopens this popup with
    // the loader's message (finish_file_work).
    start_open_recording(path);
    ImGui::CloseCurrentPopup();
    file_popup_ = FileAction::None;
    return;
  }
  case FileAction::SaveRecording:
  case FileAction::ExportTrace: {
    // Nothing the user had is lost silently: an existing file is replaced
    // only after a second, explicit press.
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    if (exists && confirm_replace_ != path) {
      confirm_replace_ = path;
      return refuse(file_name(path) +
                    " exists. Press Replace to overwrite it, or change the name.");
    }
    confirm_replace_.clear();
    // Written off the UI thread; the outcome is a note, or this popup again
    // with the error (finish_file_work). In compare mode, the side picked.
    const bool save = file_popup_ == FileAction::SaveRecording;
    if (compare_)
      save ? start_save_compare_side(file_side_, path)
           : start_export_compare_side(file_side_, path);
    else
      save ? start_save_recording(path) : start_export_trace(path);
    job_replaces_ = exists;
    ImGui::CloseCurrentPopup();
    file_popup_ = FileAction::None;
    return;
  }
  case FileAction::None: break;
  }
}

// --- 5. Stepping -----------------------------------------------------------------

// A fresh runtime in step mode opens on its first book step (the spawn), so
// that Step walks all nine, one a press: the view waits there while the
// runtime has already queued the task (step 2). Once per runtime; not when it
// runs, nor once it has polled.
void App::open_on_first_step(const FrameView& live) {
  const std::size_t begin = live.events.runtime_begin;
  if (recording_ || begin == opened_runtime_ || live.events.count == 0) return;
  const auto& ex = live.state.executor;
  if (ex.mode != ExecutorMode::Step || ex.total_polls > 0 || !history_.live) {
    opened_runtime_ = begin;
    return;
  }
  const std::size_t count = live.events.count;
  if (!book_step_ahead(pump_->store(), pump_->checkpoints(), begin, count)) return; // not yet
  history_go(history_, next_book_step(pump_->store(), pump_->checkpoints(), begin, count),
             count + 1);
  opened_runtime_ = begin;
}

// The Timer threads panel asks; the controller acts (the panel draws only
// from the fold). Delivering never blocks; switching the gate is a reset.
void App::apply_timer_requests() {
  if (!controls_.no_runtime && controller_) {
    for (TimerId id : timers_.deliver) (void)controller_->deliver(id);
    if (timers_.deliver_all) (void)controller_->deliver_all();
    if (timers_.hold_changed) {
      ControllerOptions o = controller_->options();
      o.hold_due_timers = timers_.hold_due;
      o.initial_mode = ExecutorMode::Step;
      controller_->reset(o);
    }
    timers_.hold_due = controller_->options().hold_due_timers;
  }
  timers_.deliver.clear();
  timers_.deliver_all = false;
  timers_.hold_changed = false;
}

void App::apply_steps(const FrameView& live) {
  const std::size_t count = live.events.count;
  // Run (or Run at a limited speed) from step mode: the view follows the run
  // to live. Stepping had pinned it to a book step, and a learner who presses
  // Run expects to watch the run, not a picture held at step 1.
  const ExecutorMode mode = live.state.executor.mode;
  const bool running = mode == ExecutorMode::Run || mode == ExecutorMode::Throttle;
  if (running && mode != mode_seen_) {
    history_.await_step_after = SIZE_MAX;
    history_go(history_, count, count);
    event_log_.follow = true;
  }
  mode_seen_ = mode;
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
  if (compare_) return compare_view_->animating(now);
  // 1.5 s after a change covers chips gliding and the wake arrow fading.
  return timers_live_ || now - last_change_time_ < 1.5 || now - controls_.status_time < 6.5;
}

// --- 6. The menu bar --------------------------------------------------------------

void App::draw_menu_bar(const FrameView& view) {
  if (!ImGui::BeginMainMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    // One piece of file work at a time: it reads the pump these would replace.
    const bool idle = !job_.running();
    if (ImGui::MenuItem("Open scenario...", nullptr, false, idle))
      file_asked_ = FileAction::OpenScenario;
    if (ImGui::MenuItem("Open recording...", keys::kOpenRecording, false, idle))
      file_asked_ = FileAction::OpenRecording;
    ImGui::Separator();
    if (ImGui::MenuItem("Save recording...", keys::kSaveRecording, false, idle))
      file_asked_ = FileAction::SaveRecording;
    if (ImGui::MenuItem("Export trace...", nullptr, false, idle))
      file_asked_ = FileAction::ExportTrace;
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
    ImGui::MenuItem(title::kTimeline, nullptr, &open_.timeline);
    ImGui::MenuItem(title::kHistograms, nullptr, &open_.histograms);
    ImGui::Separator();
    if (ImGui::MenuItem("Compare policies...", nullptr, false, !job_.running())) enter_compare();
    ImGui::Separator();
    if (ImGui::MenuItem("Show every panel")) {
      open_ = PanelsOpen{};
      open_.timeline = open_.histograms = true;
    }
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
  // A truncated recording says so as long as it is open; other notes fade.
  if (recording_ && !recording_->info.notice.empty()) {
    ImGui::TextColored(kWarnText, "recording incomplete");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", recording_->info.notice.c_str());
  }
  if (!note_.empty() && ImGui::GetTime() - note_time_ < 6.0 &&
      !(recording_ && note_ == recording_->info.notice)) {
    ImGui::TextColored(note_warning_ ? kWarnText : kGoodText, "%s", note_.c_str());
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

namespace pollscope::gui {

// --- 7. Compare mode ---------------------------------------------------------------

void App::enter_compare(const CompareSetup& setup) {
  if (job_.running()) return;    // file work reads the single view's pump: finish it first
  if (compare_) leave_compare(); // a comparison already on screen makes way
  // The single view's runtime stops polling while it is out of sight: two
  // runtimes are enough for the cores, and its frames are not drawn.
  if (!controls_.no_runtime && controller_) {
    const ExecutorMode m = controller_->mode();
    if (m == ExecutorMode::Run || m == ExecutorMode::Throttle) {
      cmd_pause(*controller_, controls_);
      note("Compare mode: the single view's runtime is paused.", false);
    }
  }
  compare_ = std::make_unique<CompareMode>(setup, measure_rss_);
  compare_view_ = std::make_unique<CompareViewState>();
}

void App::enter_compare() {
  ControllerOptions o = recording_ ? controller_options(cli_) : controller_->options();
  settle_inputs(controls_);
  o.scenario = std::string(scenario_name(controls_.scenario));
  o.queue_capacity = static_cast<std::size_t>(controls_.capacity);
  o.time_scale = controls_.time_scale;
  o.initial_mode = ExecutorMode::Step;
  o.hold_due_timers = false;
  const SidePolicies a{controls_.queue_policy, controls_.timer_policy};
  // B: the other queue policy first (the duplicates lesson), else the other
  // timer policy; either is changed in compare mode's own pickers.
  SidePolicies b = a;
  if (a.queue == QueuePolicy::Book)
    b.queue = QueuePolicy::Notified;
  else if (a.timer == TimerPolicy::ThreadPerTimer)
    b.timer = TimerPolicy::TimerThread;
  else
    b = SidePolicies{};
  // A lesson scenario's own pair, when the picked A is its A.
  if (const Scenario* s = find_scenario(o.scenario);
      s != nullptr && s->compare && a == SidePolicies{s->compare->a_queue, s->compare->a_timer})
    b = {s->compare->b_queue, s->compare->b_timer};
  enter_compare(compare_setup(o, a, b));
}

void App::leave_compare() {
  // A save or export of a side reads its store and strings: it stops first
  // (a cancelled save leaves no file, and an old one untouched).
  if (job_.running() && job_compare_) {
    job_.cancel();
    const RecordingStatus s = job_.take();
    job_action_ = FileAction::None;
    job_compare_ = false;
    note(s.ok() ? "Saved before leaving compare mode: " + job_path_ + "."
                : "Leaving compare mode cancelled the " + std::exchange(job_what_, {}) +
                      " file: nothing was written.",
         !s.ok());
  }
  // Off the UI thread: the window never waits for thousands of timer
  // threads to be joined. CompareMode's teardown touches no ImGui state.
  if (retiring_.joinable()) retiring_.join();
  retiring_ = std::thread([old = std::move(compare_)]() mutable { old.reset(); });
  compare_view_.reset();
  ++view_serial_; // the single view draws again from its own snapshot
}

void App::measure_peak_rss(bool on) {
  measure_rss_ = on;
  if (compare_) compare_->measure_rss(on);
}

void App::ask_compare_file(FileAction action, std::size_t side) {
  file_side_ = side;
  file_asked_ = action;
}

// The Save / Export popup in compare mode: which side, what it writes, and a
// file name that says which side (until the user types one of their own).
void App::compare_file_popup_side() {
  const bool save = file_popup_ == FileAction::SaveRecording;
  for (std::size_t i = 0; i < CompareMode::sides(); ++i) {
    if (i > 0) ImGui::SameLine(0, ImGui::GetFontSize() * 1.5f);
    const std::string label =
        std::string(i == 0 ? "side A: " : "side B: ") + to_string(compare_->side(i).policies);
    if (ImGui::RadioButton(label.c_str(), file_side_ == i)) file_side_ = i;
  }
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 36);
  text_dim(save ? "Its own events so far (its runtime since compare mode began, the moments "
                  "before the history bar's too), its scenario and policies in the header, to a "
                  ".pscope file. pollscope FILE opens it in the single view."
                : "Its own events so far, as a Chrome trace (JSON) for Perfetto, chrome://tracing "
                  "or speedscope.");
  ImGui::PopTextWrapPos();
  const std::string scenario =
      compare_->setup().run.scenario.empty() ? "compare" : compare_->setup().run.scenario;
  const std::string proposed =
      scenario + (file_side_ == 0 ? "-A" : "-B") + (save ? ".pscope" : "-trace.json");
  if (path_[0] == '\0' || prefilled_ == path_) {
    std::snprintf(path_, sizeof path_, "%s", proposed.c_str());
    prefilled_ = proposed;
  }
}

void App::draw_compare_frame() {
  // Ctrl+S saves a side (the popup picks which; never the single view's
  // runtime, idle behind compare mode); Ctrl+O opens a recording, in the
  // single view.
  const ImGuiIO& io = ImGui::GetIO();
  if (io.KeyCtrl && !job_.running() && !ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId)) {
    if (ImGui::IsKeyPressed(static_cast<unsigned char>('S'), false))
      ask_compare_file(FileAction::SaveRecording, 0); // as the menu says; the popup picks B
    if (ImGui::IsKeyPressed(static_cast<unsigned char>('O'), false))
      file_asked_ = FileAction::OpenRecording;
  }
  if (ImGui::BeginMainMenuBar()) {
    if (ImGui::BeginMenu("File")) {
      // One piece of file work at a time.
      const bool idle = !job_.running();
      if (ImGui::MenuItem("Save side A recording...", keys::kSaveRecording, false, idle))
        ask_compare_file(FileAction::SaveRecording, 0);
      if (ImGui::MenuItem("Save side B recording...", nullptr, false, idle))
        ask_compare_file(FileAction::SaveRecording, 1);
      ImGui::Separator();
      if (ImGui::MenuItem("Export side A trace...", nullptr, false, idle))
        ask_compare_file(FileAction::ExportTrace, 0);
      if (ImGui::MenuItem("Export side B trace...", nullptr, false, idle))
        ask_compare_file(FileAction::ExportTrace, 1);
      ImGui::Separator();
      if (ImGui::MenuItem("Open recording...", keys::kOpenRecording, false, idle))
        file_asked_ = FileAction::OpenRecording;
      tooltip_for_last_item("A .pscope file opens in the single view (compare mode ends).");
      ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
      if (ImGui::MenuItem("Back to single view")) compare_view_->leave = true;
      ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
      text_dim("Compare mode: Space runs or pauses both sides, S steps both, R resets both.");
      text_dim("History (both sides): Left / Right one event, Shift+Left / Right one book step, "
               "Home / End the start / live.");
      text_dim("File: Ctrl+S saves side A or B as a recording (each side's own events).");
      text_dim("Hover a metric's name for what it counts and why the policies differ.");
      ImGui::EndMenu();
    }
    if (!note_.empty() && ImGui::GetTime() - note_time_ < 6.0)
      ImGui::TextColored(note_warning_ ? kWarnText : kGoodText, "%s", note_.c_str());
    ImGui::EndMainMenuBar();
  }
  draw_compare(*compare_, *compare_view_, controls_.rects);
  draw_file_popup();
  const bool opening = job_action_ == FileAction::OpenRecording;
  draw_progress_popup(job_, opening ? "bytes" : "events",
                      opening ? "preparing the history bar..." : "finishing...", ImGui::GetTime());
  if (compare_view_->leave) leave_compare();
}

} // namespace pollscope::gui
