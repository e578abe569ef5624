// The timer driver's lane (--timer-policy timer-thread), drawn from the
// timeline model's rows: random-timers with 2,500 timers (past the 2,048
// finished timers at which the fold forgets the oldest) run for real on the
// virtual clock, then the model's rows checked against the log and the
// Timeline panel drawn headless over them. Every timer's wait is on a row of
// the driver's lane (the first timers' too, long after the fold has
// forgotten them), no two spans of a row overlap, every row is drawn with
// every wait in it, and each wake arrow leaves the row holding its timer.
#include "gui_test_support.hpp"

#include "common/scenario_events.hpp"
#include "fold/timeline.hpp"
#include "gui/panels.hpp"
#include "gui/timeline_lanes.hpp"

#include <imgui.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace pollscope::gui {
namespace {

constexpr unsigned kTimers = 2500;

// One run of random-timers on one timer thread, folded, stored and indexed
// as the app does it.
struct DriverRun {
  StringTable strings;
  std::vector<Event> events;
  test::FoldedLog log;
  fold::Timeline tl;
  fold::LaneId driver = fold::kNoIndex;

  DriverRun() {
    events = pollscope::test::scenario_events("random-timers", QueuePolicy::Book,
                                              TimerPolicy::TimerThread,
                                              {.count = kTimers, .seed = 5, .strings = &strings});
    log.apply(events);
    for (const Event& e : events) tl.append(e);
    for (fold::LaneId id = 0; id < tl.lane_count(n()); ++id)
      if (tl.lane(id).kind == Lane::Timer && tl.lane(id).timer == 0) {
        CHECK(driver == fold::kNoIndex); // one driver
        driver = id;
      }
    REQUIRE(driver != fold::kNoIndex);
  }
  [[nodiscard]] std::uint64_t n() const { return events.size(); }
  [[nodiscard]] FrameView view() const {
    return FrameView{log.fold.state(), log.view(), strings, log.fold.state().log.last_t, 1};
  }
};

// Built once: the run takes a while under the sanitizers.
const DriverRun& the_run() {
  static const std::unique_ptr<DriverRun> run = std::make_unique<DriverRun>();
  return *run;
}

struct Wait {
  std::size_t row = 0;
  std::size_t index = 0; // in the row's track
  fold::Span span;
};

// Every TimerWaiting span of the driver's lane, by timer.
std::map<TimerId, Wait> waits_by_timer(const DriverRun& r) {
  std::map<TimerId, Wait> out;
  for (std::size_t row = 0; row < r.tl.row_count(r.driver, r.n()); ++row) {
    const std::size_t track = fold::Timeline::row_track(row);
    for (std::size_t i = 0; i < r.tl.span_count(r.driver, track, r.n()); ++i) {
      const fold::Span s = r.tl.span(r.driver, track, i);
      if (s.kind != fold::SpanKind::TimerWaiting) continue;
      CHECK(out.emplace(s.timer, Wait{row, i, s}).second); // one wait per timer
    }
  }
  return out;
}

TEST_CASE("random-timers 2,500 on one timer thread: every timer's wait lies on a row of the "
          "driver's lane, the first timers' too once the fold has forgotten them, and no two "
          "spans of a row overlap") {
  const DriverRun& r = the_run();
  // The fold keeps only the newest finished timers: timer 1 is gone from it.
  const fold::FoldState& state = r.log.fold.state();
  CHECK(state.counters.forgotten_timers > 0);
  CHECK(std::none_of(state.timers.items().begin(), state.timers.items().end(),
                     [](const fold::TimerView& t) { return t.id == 1; }));

  const std::size_t rows = r.tl.row_count(r.driver, r.n());
  CHECK(rows > 1);
  for (std::size_t row = 0; row < rows; ++row) {
    CAPTURE(row);
    const std::size_t track = fold::Timeline::row_track(row);
    for (std::size_t i = 1; i < r.tl.span_count(r.driver, track, r.n()); ++i) {
      CAPTURE(i);
      CHECK(r.tl.span(r.driver, track, i - 1).end_t <= r.tl.span(r.driver, track, i).begin_t);
    }
  }
  std::map<TimerId, TaskId> task_of; // from TimerCreated
  for (const Event& e : r.events)
    if (e.kind == EventKind::TimerCreated) task_of[e.timer] = e.task;
  REQUIRE(task_of.size() == kTimers);
  const std::map<TimerId, Wait> waits = waits_by_timer(r);
  CHECK(waits.size() == kTimers);
  for (const auto& [timer, task] : task_of) {
    CAPTURE(timer);
    const auto it = waits.find(timer);
    REQUIRE(it != waits.end());
    CHECK(it->second.span.task == task);
    CHECK(!it->second.span.cancelled);
  }
}

TEST_CASE("the row a timer held, asked for a span still open at the cursor, is the row its wait "
          "closes on") {
  const DriverRun& r = the_run();
  for (const auto& [timer, w] : waits_by_timer(r)) {
    CAPTURE(timer);
    // As the panel asks it: at the event that opened the wait, the run up
    // to just after it (the wait still open there).
    CHECK(r.tl.timer_row(r.driver, timer, w.span.begin_event, w.span.begin_event + 1) == w.row);
    CHECK(r.tl.timer_row(r.driver, timer, w.span.begin_event, r.n()) == w.row);
  }
  CHECK(!r.tl.timer_row(r.driver, kTimers + 1, r.n() - 1, r.n()).has_value());
}

TEST_CASE("each wake arrow from the driver leaves the row holding the wait of the timer that "
          "woke its task") {
  const DriverRun& r = the_run();
  const std::map<TimerId, Wait> waits = waits_by_timer(r);
  std::size_t wakes = 0;
  for (std::size_t k = 0; k < r.tl.arrow_count(r.n()); ++k) {
    const fold::Arrow a = r.tl.arrow(k);
    if (a.kind != fold::ArrowKind::Wake || a.from_thread != r.driver + 1) continue;
    CAPTURE(k);
    ++wakes;
    // The timer that woke it: the driver's last TimerFired before the wake.
    TimerId timer = 0;
    for (std::uint64_t i = a.from_event; i-- > 0 && timer == 0;)
      if (r.events[i].thread == a.from_thread && r.events[i].kind == EventKind::TimerFired)
        timer = r.events[i].timer;
    REQUIRE(timer != 0);
    const Wait& w = waits.at(timer);
    CHECK(fold::Timeline::track_row(a.from_track) == w.row);
    CHECK(w.span.task == a.task);
    // On that row the fire follows the wait, and the wake lies inside it.
    const std::size_t track = fold::Timeline::row_track(w.row);
    REQUIRE(w.index + 1 < r.tl.span_count(r.driver, track, r.n()));
    const fold::Span fired = r.tl.span(r.driver, track, w.index + 1);
    CHECK(fired.kind == fold::SpanKind::TimerFired);
    CHECK(fired.begin_event <= a.from_event);
    CHECK(a.from_event <= fired.end_event);
    CHECK(fired.begin_event <= a.push_event);
    CHECK(a.push_event <= fired.end_event);
  }
  CHECK(wakes == kTimers);
}

TEST_CASE("the panel draws the driver's lane as sub-rows, every row of the model's with every "
          "wait in it") {
  const DriverRun& r = the_run();
  test::BareImGui imgui;
  const FrameView view = r.view();
  TimelineState st;
  Selection sel;
  bool open = true;
  for (int frame = 0; frame < 3; ++frame)
    imgui.frame([&] {
      // Tall enough for every lane: the driver's is 48 sub-rows.
      ImGui::SetNextWindowPos(ImVec2(0, 0));
      ImGui::SetNextWindowSize(ImVec2(1200, 780));
      draw_timeline(view, view, r.tl, st, sel, &open);
    });
  CHECK(st.multi_row_lanes == std::vector<std::uint32_t>{r.driver});
  const std::size_t rows = r.tl.row_count(r.driver, r.n());
  CHECK(st.sub_rows == sub_rows_shown(rows));
  CHECK(st.sub_rows == kMaxSubRows); // 2,500 waits at once: more rows than sub-rows
  // Fitted to the whole run, each row was asked of the model this frame, and
  // its items (a span of its own, or the spans of a pixel column merged)
  // cover every span of the row.
  for (std::size_t row = 0; row < rows; ++row) {
    CAPTURE(row);
    const std::size_t track = fold::Timeline::row_track(row);
    const auto it = st.cache.find(std::uint64_t{r.driver} << 32 | track);
    REQUIRE(it != st.cache.end());
    CHECK(it->second.used == st.frame);
    std::vector<bool> covered(r.tl.span_count(r.driver, track, r.n()));
    for (const fold::LodItem& item : it->second.items)
      for (std::uint32_t i = item.first; i < item.first + item.count; ++i) covered.at(i) = true;
    CHECK(std::count(covered.begin(), covered.end(), false) == 0);
  }
}

TEST_CASE("sub-rows: as many as rows up to 48, each row on its own band inside the lane's row, "
          "rows past 48 sharing") {
  CHECK(sub_rows_shown(0) == 1);
  CHECK(sub_rows_shown(1) == 1);
  CHECK(sub_rows_shown(7) == 7);
  CHECK(sub_rows_shown(5000) == kMaxSubRows);
  const float top = 100, h = 244;
  float last = top;
  for (std::size_t row = 0; row < kMaxSubRows; ++row) {
    const SubRowBand b = sub_row_band(row, kMaxSubRows, top, h);
    CHECK(b.y0 >= last);
    CHECK(b.y1 > b.y0);
    CHECK(b.y1 <= top + h - 2);
    last = b.y1;
  }
  const SubRowBand a = sub_row_band(3, kMaxSubRows, top, h);
  const SubRowBand b = sub_row_band(3 + kMaxSubRows, kMaxSubRows, top, h);
  CHECK(a.y0 == b.y0);
  CHECK(a.y1 == b.y1);
}

} // namespace
} // namespace pollscope::gui
