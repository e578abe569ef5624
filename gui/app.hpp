// App: the running runtime (a Controller), the fold pump that watches it, and
// the state of every panel. Or, with a recording open, the recording: a pump
// in file mode holds its events, the history bar walks them as it walks a
// live run's, and there is no runtime behind them (the Controller is a shut
// down one that every command refuses to touch: ControlsState::no_runtime). `draw()` is one frame
// of the whole UI; it is the same code in the desktop app, the screenshot mode and the headless
// tests.
//
// Threading: everything here is for the UI thread, except what FoldPump runs
// on its own thread (see record/fold_pump.hpp).
#pragma once

#include "cli/cli.hpp"
#include "cli/replay.hpp"
#include "gui/panels.hpp"
#include "gui/progress_job.hpp"
#include "record/cursor.hpp"
#include "record/events_file.hpp"
#include "record/fold_pump.hpp"
#include "runtime/controller.hpp"

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <thread>

namespace pollscope::gui {

class CompareMode;
struct CompareSetup;
struct CompareViewState;

// The controller options the command line asks for.
[[nodiscard]] ControllerOptions controller_options(const CliOptions& cli);

class App {
public:
  // Starts the runtime as `cli` says (scenario, clock, capacity, mode). If
  // `events` is open, every event is written to it (--events), and if
  // `record` is, streamed to it (--record), on the pump thread; both must
  // outlive the App, and get the first runtime's events only (opening a
  // recording ends that runtime). With `recording` (--open), no runtime
  // starts: the App shows that recording.
  explicit App(const CliOptions& cli, record::EventsFile* events = nullptr,
               LiveRecording* record = nullptr,
               std::unique_ptr<LoadedRecording> recording = nullptr);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // One frame of UI: call between ImGui::NewFrame() and ImGui::Render().
  void draw();

  // Whether the picture is changing (new events lately, timers counting
  // down, a status line fading): the loop then draws at full rate.
  [[nodiscard]] bool animating() const noexcept;

  [[nodiscard]] Controller& controller() noexcept { return *controller_; }
  [[nodiscard]] record::FoldPump& pump() noexcept { return *pump_; }
  [[nodiscard]] const ControlRects& control_rects() const noexcept { return controls_.rects; }
  [[nodiscard]] const HistoryState& history() const noexcept { return history_; }
  [[nodiscard]] PanelsOpen& panels() noexcept { return open_; }

  // "pollscope", or "run.pscope - pollscope" while a recording is open.
  [[nodiscard]] std::string window_title() const;
  [[nodiscard]] bool showing_recording() const noexcept { return recording_ != nullptr; }

  // File menu commands (also for tests). Open loads `path` and shows it in
  // place of what was on screen; on error nothing changes. Save writes
  // every event the App holds (temporary file, then renamed into place);
  // Export writes them as a Chrome trace. Errors come back as messages.
  RecordingStatus open_recording(const std::string& path);
  RecordingStatus save_recording_to(const std::string& path);
  RecordingStatus export_trace_to(const std::string& path);

  // The same three as the File popups run them: on a thread of their own (a
  // ProgressJob) behind a progress popup with Cancel, while frames keep
  // drawing. The outcome lands in a later frame: a note in the menu bar, the
  // recording on screen, or the popup again with the error. A cancelled open
  // leaves the view as it was; a cancelled save or export leaves no file and
  // an old one untouched. One piece of work at a time.
  void start_open_recording(const std::string& path);
  void start_save_recording(const std::string& path);
  void start_export_trace(const std::string& path);
  // Compare mode's File menu: one side's own store (every event its runtime
  // logged since compare mode began, up to the count its last frame showed),
  // its header naming that side's scenario, clock and policies. The same
  // writers and the same background job as the single view's Save and
  // Export; leaving compare mode cancels the job (it reads the side's store).
  RecordingStatus save_compare_side_to(std::size_t side, const std::string& path);
  void start_save_compare_side(std::size_t side, const std::string& path);
  void start_export_compare_side(std::size_t side, const std::string& path);
  // Which side the File popup's Save / Export writes in compare mode (0: A, 1: B).
  [[nodiscard]] std::size_t file_side() const noexcept { return file_side_; }
  [[nodiscard]] bool file_work_running() const noexcept { return job_.running(); }
  void cancel_file_work() noexcept { job_.cancel(); }
  // The message the File popup shows (a refused file), empty if none.
  [[nodiscard]] const std::string& file_error() const noexcept { return file_error_; }

  // Compare mode (gui/compare_mode.hpp): two runtimes side by side in place
  // of the single view, which stays as it was behind them. The App starts in
  // it for --compare or a lesson scenario. Without a setup: the picked
  // scenario and policies against the B that differs most plainly.
  void enter_compare(const CompareSetup& setup);
  void enter_compare();
  void leave_compare(); // both runtimes and their measurements stop
  [[nodiscard]] CompareMode* compare() noexcept { return compare_.get(); }
  // Compare mode's peak RSS, measured in a child of this binary: the desktop
  // app turns it on; tests (whose binary is not pollscope) leave it off.
  void measure_peak_rss(bool on);

  // At quit, before the runtime is shut down: every event so far goes to the
  // --record file, and nothing after (the teardown is not part of the run:
  // the file opens on what the window last showed).
  void end_live_recording();

private:
  void draw_menu_bar(const FrameView& view);
  // The File menu's popups: a path field, the outcome, the file's error.
  enum class FileAction {
    None,
    OpenScenario,
    OpenRecording,
    SaveRecording,
    ExportTrace
  };
  void draw_file_popup();
  void file_popup_accept(); // the popup's button (or Enter)
  // `pump`: one already built in file mode over `recording`'s events (by an
  // open job); none: built here.
  void show_recording(std::unique_ptr<LoadedRecording> recording,
                      std::unique_ptr<record::FoldPump> pump = nullptr);
  [[nodiscard]] RecordingHeader save_header() const;
  // What a Save or Export writes: the events (published, never written
  // again), the strings they name and the header.
  struct FileSource {
    std::span<const Event> events;
    const StringTable* strings = nullptr;
    RecordingHeader header;
    std::string what; // "" for the single view, "side A" in compare mode
  };
  [[nodiscard]] FileSource single_source() const;
  [[nodiscard]] FileSource compare_source(std::size_t side) const;
  void start_save(const std::string& path, FileSource source);
  void start_export(const std::string& path, FileSource source);
  void ask_compare_file(FileAction action, std::size_t side); // opens the File popup for a side
  void compare_file_popup_side();                             // the popup's A / B choice
  void finish_file_work();                           // the job's outcome, once it has finished
  void start_live(const ControllerOptions& options); // a scenario opened over a recording
  void reset_view_state();
  void note(std::string text, bool warning); // a line in the menu bar for a few seconds
  [[nodiscard]] const StringTable& strings() const noexcept;
  // Step presses (ControlsState::steps_asked): in step mode each moves the
  // view one book step, and polls only when the view already shows live.
  void apply_steps(const FrameView& live);
  void apply_timer_requests(); // the Timer threads panel's deliveries and gate setting
  void open_on_first_step(const FrameView& live); // step mode: a new runtime shows step 1
  void draw_compare_frame(); // compare mode's frame instead of the single view's

  // Declaration order is destruction order reversed: the pump (which reads
  // the controller's log) stops before the controller goes away.
  std::unique_ptr<Controller> controller_;
  std::unique_ptr<record::FoldPump> pump_;
  std::unique_ptr<record::Cursor> cursor_;     // the history bar's moment (UI thread)
  const record::EventsFile* events_ = nullptr; // --events, to show a failed write
  LiveRecording* record_ = nullptr;            // --record, streamed by the pump's sink
  std::unique_ptr<LoadedRecording> recording_; // open: shown instead of a runtime
  std::unique_ptr<CompareMode> compare_;       // set: compare mode is on screen
  std::unique_ptr<CompareViewState> compare_view_;
  bool measure_rss_ = false;
  // A comparison left: torn down on this thread (its runtimes may join
  // thousands of timer threads), joined by the next leave and by ~App.
  std::thread retiring_;
  CliOptions cli_;        // what started the app (a saved header)
  std::size_t count_ = 0; // this frame's published event count

  PanelsOpen open_;
  Selection selection_;
  DiagramState diagram_;
  TasksPanelState tasks_;
  WakersPanelState wakers_;
  TimersPanelState timers_;
  EventLogState event_log_;
  OutputPanelState output_;
  LintsPanelState lints_;
  ControlsState controls_;
  TimelineState timeline_;
  HistogramsState histograms_;
  HistoryState history_;
  // The executor's mode the last frame saw (view state: a change to Run
  // sends the history bar to live, see apply_steps).
  ExecutorMode mode_seen_ = ExecutorMode::Step;
  std::size_t opened_runtime_ = SIZE_MAX; // runtime_begin open_on_first_step last handled
  bool show_keys_ = false;
  FileAction file_asked_ = FileAction::None; // chosen this frame: open its popup
  FileAction file_popup_ = FileAction::None; // the popup shown
  char path_[1024] = {};                     // the popup's path field
  bool path_refocus_ = false;                // give the path field the keyboard next frame
  std::string file_error_;                   // the last refused file's message, in the popup
  std::string confirm_replace_;              // Save: the existing file the user was warned of
  std::string note_;                         // the menu bar's note (saved, exported, opened)
  bool note_warning_ = false;
  double note_time_ = -1e9;
  std::uint64_t view_serial_ = 1;   // FrameView::serial: changes with what the panels show
  std::uint64_t last_view_key_ = 0; // the cursor position, or the snapshot serial live
  bool last_view_past_ = false;
  std::uint64_t last_serial_ = 0;
  std::size_t last_runtime_begin_ = 0; // to notice a reset (see draw)
  double last_change_time_ = -1e9;     // ImGui time the snapshot last changed
  bool timers_live_ = false;

  // File work in the background (see start_open_recording). The job reads the
  // pump's store and the strings: ~App joins it before anything else goes.
  struct OpenedRecording {
    std::unique_ptr<LoadedRecording> recording;
    std::unique_ptr<record::FoldPump> pump;
  };
  ProgressJob job_;
  FileAction job_action_ = FileAction::None;
  std::string job_path_;
  std::size_t job_events_ = 0;              // what a save or export writes
  bool job_replaces_ = false;               // the File popup's destination existed
  std::shared_ptr<OpenedRecording> opened_; // filled by an open job's thread
  std::string reopen_error_;                // the popup reopens with this error
  std::size_t file_side_ = 0;               // compare mode: the side Save / Export writes
  bool job_compare_ = false;                // the job reads a compare side's store
  std::string job_what_;                    // FileSource::what of the job's source
  std::string prefilled_;                   // the path the popup proposed (compare mode)
};

} // namespace pollscope::gui
