// Compare mode (issue #14 §2): the same scenario under two policy sets, A
// and B, side by side. Each side is a runtime of its own (a Controller) with
// its own fold pump (and so its own event store, checkpoints and timeline);
// both run the same scenario with the same clock, time scale, capacity,
// count and seed, and Run, Pause, Step and Reset drive both. Peak RSS is
// measured per side in a child process (gui/compare_rss.hpp).
//
// Every view of a side is a function of that side's pump snapshot (its fold
// state and event store) and its timeline, as the single view's panels are
// of the App's: CompareMode holds the runtimes and the user's pending
// choices, no model fact of its own. gui/compare_panel.cpp draws it.
//
// Threading: everything here is for the UI thread, except what each side's
// FoldPump runs on its own thread (record/fold_pump.hpp), each Controller's
// worker (runtime/controller.hpp), each PeakRssMeasurement's worker, and
// Reset's thread. Tearing a runtime down joins every timer thread it has (a
// second for 7,000 of them), so reset() hands both Controller::reset calls
// to a thread of its own and returns; the Controller's members may be
// called from any thread, and until that thread has finished (`resetting_`,
// stored with release after both resets, loaded with acquire) the UI sends
// no command and starts no measurement: it only draws the pumps' snapshots,
// which never wait on a reset. The destructor joins it first.
#pragma once

#include "cli/cli.hpp"
#include "gui/compare_rss.hpp"
#include "gui/panels.hpp"
#include "record/cursor.hpp"
#include "record/fold_pump.hpp"
#include "runtime/controller.hpp"
#include "runtime/policy.hpp"

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace pollscope::gui {

// One side's policies.
struct SidePolicies {
  QueuePolicy queue = QueuePolicy::Book;
  TimerPolicy timer = TimerPolicy::ThreadPerTimer;
  bool operator==(const SidePolicies&) const = default;
};
[[nodiscard]] std::string to_string(const SidePolicies& p); // "book / thread-per-timer"

// What a comparison runs: the options both sides share (scenario, clock,
// time scale, capacity, count, seed, the mode they start in; their policy
// fields are ignored) and each side's policies.
struct CompareSetup {
  ControllerOptions run;
  SidePolicies a, b;
  std::string lesson; // a lesson scenario's explanation; "" = compare_lesson's default
};

// What the command line asks for: --compare (A: the --queue-policy /
// --timer-policy ones, B: --compare's), else a lesson scenario's "compare"
// section (its A, its B, its lesson); nullopt for neither.
[[nodiscard]] std::optional<CompareSetup> compare_setup(const CliOptions& cli);
// A lesson scenario opened in the app: its A, B and lesson, over `run`.
[[nodiscard]] CompareSetup compare_setup(const ScenarioCompare& lesson, ControllerOptions run);
// The compare bar's or Controls' choice: `a` against `b` over `run`, with the
// scenario's lesson if it is a lesson about these two policy sets.
[[nodiscard]] CompareSetup compare_setup(ControllerOptions run, SidePolicies a, SidePolicies b);
// The text above the two sides: the setup's lesson, or one that says what
// the two policy sets differ in and what to watch for.
[[nodiscard]] std::string compare_lesson(const CompareSetup& setup);
// The child's command line for one side's peak RSS (without the program):
// --headless, the shared run options, the side's policies, --metrics-json -.
[[nodiscard]] std::vector<std::string> side_child_args(const CompareSetup& setup,
                                                       const SidePolicies& side);

// One side: its runtime, its pump, its measurement, and view state only.
struct CompareSide {
  SidePolicies policies; // the ones its runtime runs (applied at start and Reset)
  // Declaration order is destruction order reversed: the measurement stops,
  // then the pump (which drains the controller's log), then the runtime.
  std::unique_ptr<Controller> controller;
  std::unique_ptr<record::FoldPump> pump;
  // UI thread, over the pump's store (gone before it): the shared history
  // cursor's moment on this side, and its ordering lookups
  // (gui/compare_history.hpp), kept apart so neither undoes the other's seeks.
  std::unique_ptr<record::Cursor> cursor, order;
  PeakRssMeasurement rss;
  // View state: the selected task, the lints evaluated for the moment shown.
  Selection selection;
  LintsPanelState lints;
  std::size_t count = 0; // the published count of the last snapshot taken (what Save writes)

  // The side's picture this frame, live: the pump's newest snapshot (call
  // once a frame: it takes a new one), with its lints.
  [[nodiscard]] FrameView frame();
  // The picture at store position `pos` of `snap` (taken this frame):
  // the cursor's fold state there, or the snapshot itself at its count.
  [[nodiscard]] FrameView view(const record::Snapshot& snap, std::size_t pos);

private:
  std::uint64_t view_serial_ = 1;   // FrameView::serial: changes with what is shown
  std::uint64_t last_view_key_ = 0; // the position in the past, the snapshot's serial live
  bool last_past_ = false;
};

class CompareMode {
public:
  // Starts both runtimes. With `measure_rss`, each side's peak RSS is
  // measured in a child of `exe` ("" = this process's binary) from the first
  // frame on, and again after every Reset; without, the row says so.
  CompareMode(CompareSetup setup, bool measure_rss, std::string exe = {});
  ~CompareMode(); // cancels the measurements, then stops each pump before its runtime
  CompareMode(const CompareMode&) = delete;
  CompareMode& operator=(const CompareMode&) = delete;

  [[nodiscard]] const CompareSetup& setup() const noexcept { return setup_; }
  [[nodiscard]] CompareSide& side(std::size_t i) noexcept { return *sides_[i]; } // 0: A, 1: B
  [[nodiscard]] static constexpr std::size_t sides() noexcept { return 2; }
  [[nodiscard]] bool measuring_rss() const noexcept { return measure_rss_; }
  // Turns the measurements on (from the next frame) or off (cancelling them).
  void measure_rss(bool on);

  // The user's choices for the next Reset (the compare bar's pickers).
  CompareSetup pending;

  // Both sides at once; never block. Ignored while a reset runs.
  void run();
  void pause();
  void step(); // one poll on each side
  void set_time_scale(double scale);
  // Fresh runtimes for `pending`: both torn down and started again, paused
  // in step mode, on Reset's thread (see the contract); measurements still
  // running are cancelled, and start again once it has finished.
  void reset();
  [[nodiscard]] bool resetting() const noexcept;
  void wait_for_reset(); // blocks until Reset's thread has finished (tests)

  // Once a frame, before drawing: starts the measurements of this run if
  // they have not started yet.
  void start_measurements();

private:
  void start_side(CompareSide& side, const SidePolicies& policies);

  CompareSetup setup_;
  bool measure_rss_ = false;
  std::string exe_;
  bool measured_ = false; // this run's measurements were started
  std::array<std::unique_ptr<CompareSide>, 2> sides_;
  std::atomic<bool> resetting_{false};
  std::thread resetter_; // last: joined before the sides go
};

} // namespace pollscope::gui
