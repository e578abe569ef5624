// The panels: one free function per window, one file per panel, each taking
// `bool* p_open` and returning early when the window is collapsed.
//
// Every panel draws from a FrameView, the fold's state as of one snapshot.
// None of them reads a live runtime object; the controls panel sends commands
// to the Controller, which answers only through events.
//
// Per-panel view state (filters, scroll, cached rows) lives in one struct per
// panel, owned by the App; `PanelsOpen` says which windows are shown.
#pragma once

#include "fold/lints.hpp"
#include "fold/state.hpp"
#include "fold/timeline.hpp"
#include "fold/view.hpp"
#include "gui/timeline_lanes.hpp"
#include "gui/timeline_view.hpp"
#include "record/event_store.hpp"
#include "runtime/string_table.hpp"

#include <imgui.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pollscope {
class Controller;
}

namespace pollscope::gui {

using record::EventStore;
using record::EventsView;

// Which windows are shown (the View menu toggles them).
struct PanelsOpen {
  bool diagram = true;
  bool controls = true;
  bool run_queue = true;
  bool tasks = true;
  bool wakers = true;
  bool timers = true;
  bool event_log = true;
  bool output = true;
  bool lints = true;
  bool metrics = false; // Dear ImGui's own Metrics window, for the curious
  // Closed at first: opened, they cover the bottom row (View menu).
  bool timeline = false;
  bool histograms = false;
};

// What every panel draws from, for one frame.
struct FrameView {
  const fold::FoldState& state;
  EventsView events;
  const StringTable& strings;
  std::uint64_t now_ns = 0; // the runtime clock now: progress bars, times in progress
  std::uint64_t serial = 0; // the snapshot's serial: changes whenever the state does
  // This frame's lints for the user's thresholds (App evaluates them once per
  // snapshot); null: none evaluated, e.g. in a test that draws one panel.
  const std::vector<fold::Lint>* lints = nullptr;
};

// Clicking a task anywhere selects it everywhere (rows, chips, the log filter).
struct Selection {
  TaskId task = 0;
};

// --- per-panel view state ------------------------------------------------------

struct DiagramState {
  // Where each visible task chip is drawn now; chips glide toward their
  // target slot so a task visibly moves from the queue to the executor.
  // Key: task id, plus (n - 1) << 32 for its n-th entry in the queue.
  struct Chip {
    ImVec2 pos;
    std::uint64_t frame = 0; // last frame it was placed
  };
  std::unordered_map<std::uint64_t, Chip> chips;
  std::uint64_t frame = 0;
  // Only view things: which wake (FoldState::wake.event) the arrow last
  // showed, and when on screen it first did, so it can fade out. The wake
  // itself, the book steps and the narration are the fold's.
  std::uint64_t wake_event = UINT64_MAX;
  double wake_time = -1e9; // ImGui time
};

struct TasksPanelState {
  fold::TaskQuery query;
  char text[128] = {};
  std::vector<std::uint32_t> rows; // cached task_rows
  std::uint64_t rows_serial = 0;
  double rows_time = -1;
  bool query_changed = true;
};

struct WakersPanelState {
  bool show_dropped = false;
  std::vector<std::uint32_t> rows;
  std::uint64_t rows_serial = 0;
};

struct TimersPanelState {
  bool show_exited = false; // finished threads would push the running ones out of view
  // The delivery gate (virtual clock): the user's setting, applied by a
  // reset, and this frame's requests, which the App hands to the controller.
  bool hold_due = false;
  bool hold_changed = false;
  std::vector<TimerId> deliver; // release these held wakes, in this order
  bool deliver_all = false;     // release every held wake, deadline order
};

struct EventLogState {
  fold::EventFilter filter;
  fold::FilteredEvents filtered;
  std::size_t runtime_begin = SIZE_MAX; // the filtered rows are for this runtime
  bool follow = true;                   // auto-scroll: pinned to the newest event
  bool filtering = false;               // any filter active (else rows are the events themselves)
  std::size_t last_rows = 0;
  float last_scroll_y = 0;
  // A clicked row asks the history to show the moment after that event
  // (a store index + 1); SIZE_MAX: no request. The App applies it.
  std::size_t seek_request = SIZE_MAX;
  // Scroll to this event (its index in the store) on the next frame and mark
  // it: the Lints panel's "seek". SIZE_MAX: none.
  std::size_t seek = SIZE_MAX;
  std::size_t marked = SIZE_MAX;
};

// Where the history bar stands: live (the newest snapshot), or a moment of
// the past, `index` = how many events of the store the panels show.
struct HistoryState {
  bool live = true;
  std::size_t index = 0;
  ImVec4 bar_rect{}; // x, y, w, h of the bar, for --print-ready
  // After a Step polled at live: the view waits at this position and goes to
  // the first book step the poll brings (not to the newest event).
  std::size_t await_step_after = SIZE_MAX;
};

struct OutputPanelState {
  bool follow = true;
};

struct LintsPanelState {
  fold::LintThresholds thresholds; // the user's, edited in the panel
  // evaluate(state, thresholds), redone when either changes.
  std::vector<fold::Lint> lints;
  std::uint64_t serial = 0;
  fold::LintThresholds evaluated_with;
  // Re-evaluates if the snapshot or the thresholds changed.
  void update(const fold::FoldState& state, std::uint64_t snapshot_serial);
};

// One row's level-of-detail answer, kept while the view and the events it
// was asked for stay the same: a still view (a paused run, a recording)
// costs no model query at all, and a moving one one query a row.
struct TimelineRowCache {
  std::uint32_t lane = 0;  // fold::LaneId, or the fold::Counter for a counter
  std::uint32_t track = 0; // 0, 1; kCounterTrackKey for a counter
  std::uint64_t t0 = 0, t1 = 0, upto = 0;
  double pixels = 0;
  std::vector<fold::LodItem> items;
  std::vector<fold::CounterItem> counter_items;
  std::uint64_t used = 0; // the frame it was last used in
};
inline constexpr std::uint32_t kCounterTrackKey = 0xFFFF;

struct TimelineState {
  // Times on screen are ns after `origin`, the timeline's axis time
  // (fold/timeline.hpp) of the first event of the runtime on screen.
  TimeWindow window;
  std::uint64_t origin = 0;
  bool user_moved = false; // false: the view fits the run every frame (and follows it live)
  std::size_t runtime_begin = SIZE_MAX; // the runtime the view was fitted to
  LaneLayout lanes;
  std::size_t lanes_built = SIZE_MAX; // the lane count the layout was built from
  // A click on the time axis asks the history to show that moment (a store
  // position); SIZE_MAX: no request. The App applies it, as the event log's.
  std::size_t seek_request = SIZE_MAX;
  // The last such click: the position it asked for and the axis time clicked,
  // where the cursor line stays while the history shows that position.
  std::size_t clicked_pos = SIZE_MAX;
  std::uint64_t clicked_t = 0;
  // The mouse is over the timeline: W/S/A/D are its keys this frame (S zooms
  // out instead of stepping: the App skips its Step key then).
  bool has_keys = false;
  bool dragging = false; // the left button went down on the plot
  float drag_px = 0;     // how far the mouse moved since: a click moves less than a few px
  // Spans outlined on the timeline: a histogram bar's polls or timers
  // (HistogramsPanel), sorted by begin time; `what` names them.
  std::vector<fold::SpanRef> highlight;
  std::vector<std::uint64_t> highlight_t; // begin_t of each, for finding those in view
  std::string highlight_what;
  // The rows of the last frames, by (lane << 32 | track): a timer driver's
  // lane has a track per row, thousands of them.
  std::unordered_map<std::uint64_t, TimelineRowCache> cache;
  std::uint64_t frame = 0;
  std::vector<std::uint32_t> arrows; // scratch, kept to reuse its memory
  // The lanes of several rows (fold::Timeline::row_count: the timer driver
  // of --timer-policy timer-thread), found when the layout was built, and
  // the sub-rows they are drawn as (sub_rows_shown of their most rows).
  std::vector<std::uint32_t> multi_row_lanes;
  std::uint32_t sub_rows = 1;
};

struct HistogramsState {
  bool log_scale = false; // bar heights on a log scale (rare slow polls stay visible)
  // The bar clicked last (its samples are TimelineState::highlight).
  int metric = -1; // fold::Metric, -1: none; 3: poll duration of the selected task
  std::size_t bucket = 0;
  std::size_t selected = 0; // samples in it
};

// Screen rectangles (ImGui coordinates) of the main controls, for the
// --print-ready line the end-to-end test clicks through.
struct ControlRects {
  ImVec4 spawn_timer, step, run, pause, reset; // x, y, w, h
  bool valid = false;
};

struct ControlsState {
  // A recording is open: no runtime behind the view. Every command refuses
  // (gui/commands.hpp) and the Controls panel draws its buttons disabled.
  bool no_runtime = false;
  int steps_asked = 0; // Step presses the App has not applied yet (cmd_step)
  int duration_ms = 2000;
  int spawn_count = 10;
  int min_ms = 200;
  int max_ms = 3000;
  std::uint64_t seed = 1;
  int scenario = 0; // index into scenarios()
  bool limit_speed = false;
  float polls_per_second = 2.0f;
  float time_scale = 1.0f;
  int capacity = 10000;
  QueuePolicy queue_policy = QueuePolicy::Book;           // applied at Reset
  TimerPolicy timer_policy = TimerPolicy::ThreadPerTimer; // applied at Reset
  bool compare_asked = false; // "Compare..." pressed: the App enters compare mode
  // The last command's outcome, shown under the buttons.
  std::string status;
  bool status_is_error = false;
  double status_time = -1e9;
  ControlRects rects;
};

// --- the panels ----------------------------------------------------------------

void draw_diagram(const FrameView& view, DiagramState& st, Selection& sel, bool* p_open);
void draw_run_queue(const FrameView& view, Selection& sel, bool* p_open);
// The run queue panel's contents, into the current window (compare mode
// draws one per side): counts, gauge, blocked senders, entries with "dup N".
void draw_run_queue_body(const FrameView& view, Selection& sel);
void draw_tasks(const FrameView& view, TasksPanelState& st, Selection& sel, bool* p_open);
void draw_wakers(const FrameView& view, WakersPanelState& st, Selection& sel, bool* p_open);
void draw_timers(const FrameView& view, TimersPanelState& st, Selection& sel, bool* p_open);
void draw_event_log(const FrameView& view, EventLogState& st, Selection& sel, bool* p_open);
void draw_output(const FrameView& view, OutputPanelState& st, bool* p_open);
void draw_controls(const FrameView& view, Controller& controller, ControlsState& st, bool* p_open);
// The lints; clicking one selects its task and seeks the event log to where
// it fired; the deadlock's Reset button resets through the controls' command.
void draw_lints(const FrameView& view, LintsPanelState& st, Selection& sel, EventLogState& log,
                Controller& controller, ControlsState& controls, bool* p_open);
// Every thread on one time axis, from the timeline model `tl`: `whole` is
// the record up to live, drawn whole; `view` the moment at the history cursor,
// drawn as a vertical line. Clicking seeks (TimelineState::seek_request) and
// selects the task of the poll clicked.
void draw_timeline(const FrameView& view, const FrameView& whole, const fold::Timeline& tl,
                   TimelineState& st, Selection& sel, bool* p_open);
// Poll duration (all polls, the selected task's), scheduled delay and timer
// lateness at the history cursor, with p50/p90/p99. Clicking a bar outlines
// its polls or timers on the timeline (`timeline.highlight`).
void draw_histograms(const FrameView& view, const fold::Timeline& tl, HistogramsState& st,
                     TimelineState& timeline, Selection& sel, bool* p_open);
// The lints as a compact list into the current window: each one's title and
// message (compare mode, one list per side). Hover a title for what it means.
void draw_lints_compact(const FrameView& view, Selection& sel);
// A small red "!" badge after the last item when the task has lints (hover
// lists them). Returns whether it drew one.
bool lint_badge(const FrameView& view, TaskId task);

} // namespace pollscope::gui
