// Compare mode's shared history cursor and its File menu: both sides walked
// back and forth together (merged by time, poll by poll, ties A first), drawn
// at the cursor; Step in the past; each side saved as a recording of its own.
#include "common/scratch_dir.hpp"
#include "compare_test_support.hpp"
#include "gui_test_support.hpp"

#include "fold/lints.hpp"
#include "fold/view.hpp"
#include "gui/app.hpp"
#include "gui/compare_history.hpp"
#include "gui/compare_mode.hpp"
#include "gui/compare_panel.hpp"
#include "record/cursor.hpp"
#include "record/fold_pump.hpp"
#include "record/recording_file.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace pollscope::gui {
namespace {

using test::BareImGui;
using test::kBook;
using test::kNotified;
using test::setup_for;
using test::wait_for_polls;

// The GLFW backend's key codes, as the app's key map has them.
constexpr int kLeft = 263, kRight = 262, kHome = 268, kEnd = 269;

void map_history_keys() {
  ImGuiIO& io = ImGui::GetIO();
  io.KeyMap[ImGuiKey_LeftArrow] = kLeft;
  io.KeyMap[ImGuiKey_RightArrow] = kRight;
  io.KeyMap[ImGuiKey_Home] = kHome;
  io.KeyMap[ImGuiKey_End] = kEnd;
}

// Compare mode drawn on its own, as the App draws it, with keys to press.
struct Drawn {
  BareImGui& imgui;
  CompareMode& mode;
  CompareViewState st;
  ControlRects rects;

  void frame() {
    imgui.frame([&] { draw_compare(mode, st, rects); });
  }
  void tap(int key, bool shift = false) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeyShift = shift;
    io.KeysDown[key] = true;
    frame();
    io.KeysDown[key] = false;
    io.KeyShift = false;
    frame();
  }
  // Where side i's view stands: its store position (its count when live).
  [[nodiscard]] std::size_t at(std::size_t i) const {
    return st.history.live ? mode.side(i).count : st.history.at[i];
  }
};

// A side's fold state at a store position, by a cursor of the test's own.
struct StateAt {
  record::Cursor cursor;
  std::size_t count;
  StateAt(CompareSide& side)
      : cursor(side.pump->store(), side.pump->checkpoints()), count(side.count) {}
  const fold::FoldState& operator()(std::size_t pos) { return cursor.seek(pos, count); }
};

bool has_duplicate(const fold::FoldState& s) {
  const std::vector<fold::QueueRow> rows = fold::queue_rows(s.queue);
  return std::any_of(rows.begin(), rows.end(), [](const fold::QueueRow& r) { return r.duplicate; });
}

// What the side's panel drew this frame: its lints are evaluated on the
// state it was given.
bool drew_double_wake(const CompareSide& side) {
  return std::any_of(side.lints.lints.begin(), side.lints.lints.end(),
                     [](const fold::Lint& l) { return l.kind == fold::LintKind::DoubleWake; });
}

// Three steps of double-wake, book against notified, drawn once at live.
void three_steps(CompareMode& mode, Drawn& d) {
  for (std::uint64_t k = 1; k <= 3; ++k) {
    mode.step();
    REQUIRE(wait_for_polls(mode, k));
  }
  d.frame();
  REQUIRE(d.st.history.live);
}

TEST_CASE("after three steps of double-wake, the shared cursor moved back shows side A's queue "
          "without the duplicate entry it shows later, with both sides at the same poll") {
  BareImGui imgui;
  map_history_keys();
  CompareMode mode(setup_for("double-wake", kBook, kNotified), false);
  Drawn d{imgui, mode, {}, {}};
  three_steps(mode, d);
  StateAt a(mode.side(0)), b(mode.side(1));

  d.tap(kHome);
  REQUIRE_FALSE(d.st.history.live);
  CHECK(a(d.at(0)).executor.total_polls == 0);
  CHECK(b(d.at(1)).executor.total_polls == 0);
  CHECK_FALSE(has_duplicate(a(d.at(0))));
  CHECK_FALSE(drew_double_wake(mode.side(0)));

  // Forward one event at a time: the two sides take their polls in turn
  // (A's k-th, then B's k-th), and A's queue gets its duplicate in poll 1.
  bool seen_dup = false;
  std::size_t steps = 0;
  while (!d.st.history.live && steps++ < 500) {
    const std::uint64_t pa = a(d.at(0)).executor.total_polls;
    const std::uint64_t pb = b(d.at(1)).executor.total_polls;
    CAPTURE(steps);
    CHECK(pa >= pb);
    CHECK(pa <= pb + 1);
    CHECK_FALSE(has_duplicate(b(d.at(1)))); // the notified bit: never a duplicate on B
    if (!seen_dup && has_duplicate(a(d.at(0)))) {
      seen_dup = true;
      CHECK(pa == 1);
      CHECK(pb <= 1);
      CHECK(drew_double_wake(mode.side(0))); // A's panel drew this moment
      CHECK_FALSE(drew_double_wake(mode.side(1)));
      // One event back: the second push undone, on A only.
      const std::size_t b_before = d.at(1);
      d.tap(kLeft);
      CHECK_FALSE(has_duplicate(a(d.at(0))));
      CHECK_FALSE(drew_double_wake(mode.side(0)));
      CHECK(d.at(1) == b_before);
      d.tap(kRight);
      CHECK(has_duplicate(a(d.at(0))));
    }
    d.tap(kRight);
  }
  CHECK(seen_dup);
  CHECK(d.st.history.live); // walking forward ends at live
  CHECK(d.at(0) == mode.side(0).pump->store().writer_size());

  // Back from live: End and Home are the ends, and End follows live again.
  d.tap(kLeft);
  CHECK_FALSE(d.st.history.live);
  d.tap(kEnd);
  CHECK(d.st.history.live);
}

TEST_CASE("the shared bar's positions, Shift+arrows and Step in the past agree with the "
          "event-by-event order") {
  BareImGui imgui;
  map_history_keys();
  CompareMode mode(setup_for("double-wake", kBook, kNotified), false);
  Drawn d{imgui, mode, {}, {}};
  three_steps(mode, d);
  StateAt a(mode.side(0)), b(mode.side(1));
  auto advances = [&] { return a(d.at(0)).book.advances + b(d.at(1)).book.advances; };

  // Every position one event at a time, and those that end in a book step.
  d.tap(kHome);
  std::vector<std::array<std::size_t, 2>> all{{d.at(0), d.at(1)}};
  std::vector<std::array<std::size_t, 2>> book_steps;
  std::uint64_t last = advances();
  for (int i = 0; i < 500 && !d.st.history.live; ++i) {
    d.tap(kRight);
    all.push_back({d.at(0), d.at(1)});
    if (advances() != last) book_steps.push_back(all.back());
    last = advances();
  }
  REQUIRE(d.st.history.live);
  REQUIRE(book_steps.size() >= 4);

  // The bar's axis: position k of the walk is index k, both ways.
  record::Cursor ka(mode.side(0).pump->store(), mode.side(0).pump->checkpoints());
  record::Cursor kb(mode.side(1).pump->store(), mode.side(1).pump->checkpoints());
  CompareTimeline line({&mode.side(0).pump->store(), &mode.side(0).pump->checkpoints(),
                        mode.side(0).pump->runtime_begin_at(all.back()[0]), all.back()[0], &ka},
                       {&mode.side(1).pump->store(), &mode.side(1).pump->checkpoints(),
                        mode.side(1).pump->runtime_begin_at(all.back()[1]), all.back()[1], &kb});
  REQUIRE(line.total() == all.size() - 1);
  for (std::size_t k = 0; k < all.size(); ++k) {
    CAPTURE(k);
    CHECK(line.index(all[k]) == k);
    CHECK(line.at_index(k) == all[k]);
  }

  // Shift+Right from the start lands on each book step in turn, then live.
  d.tap(kHome);
  for (const auto& want : book_steps) {
    d.tap(kRight, true);
    if (d.st.history.live) break; // the last book step may be the newest event
    CHECK(std::array<std::size_t, 2>{d.at(0), d.at(1)} == want);
  }
  // Shift+Left from live: the same ones backwards, then the start.
  d.tap(kEnd);
  for (auto it = book_steps.rbegin(); it != book_steps.rend(); ++it) {
    if (*it == all.back()) continue; // live itself is not "before" live
    d.tap(kLeft, true);
    CHECK(std::array<std::size_t, 2>{d.at(0), d.at(1)} == *it);
  }
  d.tap(kLeft, true);
  CHECK(std::array<std::size_t, 2>{d.at(0), d.at(1)} == all.front());

  // Step in the past shows the next book step and polls nothing (as the
  // single view does); Step at live polls both.
  const std::uint64_t polls = mode.side(0).pump->latest().state.executor.total_polls;
  d.tap('S');
  CHECK_FALSE(d.st.history.live);
  CHECK(std::array<std::size_t, 2>{d.at(0), d.at(1)} == book_steps.front());
  test::settle(mode);
  CHECK(mode.side(0).pump->latest().state.executor.total_polls == polls);
}

TEST_CASE("a Reset of the comparison sends the shared cursor back to live") {
  BareImGui imgui;
  map_history_keys();
  CompareMode mode(setup_for("double-wake", kBook, kNotified), false);
  Drawn d{imgui, mode, {}, {}};
  three_steps(mode, d);
  d.tap(kHome);
  REQUIRE_FALSE(d.st.history.live);
  mode.reset();
  mode.wait_for_reset();
  test::settle(mode);
  d.frame();
  CHECK(d.st.history.live);
  // Home now is the new runtime's start, not the old one's.
  d.tap(kHome);
  CHECK(d.at(0) > mode.side(0).pump->runtime_begin_at(mode.side(0).count));
}

// Two recorded runs side by side, as the shared cursor sees them (file-mode
// pumps: the same store and checkpoints a live pump keeps).
struct TwoRuns {
  record::FoldPump a, b;
  record::Cursor ka, kb;
  TwoRuns(const std::vector<Event>& x, const std::vector<Event>& y)
      : a(std::span<const Event>(x)),
        b(std::span<const Event>(y)),
        ka(a.store(), a.checkpoints()),
        kb(b.store(), b.checkpoints()) {}
  CompareTimeline line() {
    const record::Snapshot& sa = a.latest();
    const record::Snapshot& sb = b.latest();
    return CompareTimeline(
        {&a.store(), &a.checkpoints(), sa.events.runtime_begin, sa.events.count, &ka},
        {&b.store(), &b.checkpoints(), sb.events.runtime_begin, sb.events.count, &kb});
  }
};

std::vector<Event> hello_run(StringTable& strings) {
  test::LogBuilder log(strings);
  log.start(16);
  log.spawn(1);
  log.poll_pending(1);
  log.fire(1);
  log.poll_ready(1);
  return log.events;
}

// The sides, from the start, one event at a time: 0 for an A event, 1 for B.
std::vector<int> walk(CompareTimeline& line) {
  std::vector<int> sides;
  for (CompareTimeline::Position p = line.home(); p != line.live();) {
    const CompareTimeline::Position q = line.next(p);
    sides.push_back(q[0] != p[0] ? 0 : 1);
    p = q;
  }
  return sides;
}

TEST_CASE("the shared cursor orders the two sides' events by time since each side's own start, "
          "and takes A's first when they tie") {
  StringTable strings;
  const std::vector<Event> a = hello_run(strings);
  // B started 10 ms later on its clock, and each of its events after the
  // start comes 0.5 us after A's: relative to its start, A's k-th event,
  // then B's k-th, then A's k+1-th.
  std::vector<Event> b = a;
  for (std::size_t k = 0; k < b.size(); ++k) b[k].t += 10'000'000 + (k > 0 ? 500 : 0);
  TwoRuns later(a, b);
  CompareTimeline line = later.line();
  REQUIRE(line.total() == 2 * (a.size() - 1)); // home includes each side's opening event
  std::vector<int> expected;
  for (std::size_t k = 1; k < a.size(); ++k) expected.insert(expected.end(), {0, 1});
  CHECK(walk(line) == expected);
  CHECK(line.seconds(line.live()) == doctest::Approx(double(b.back().t - b.front().t) / 1e9));

  // The same run on both sides: every event ties, and A's goes first.
  TwoRuns same(a, a);
  CompareTimeline tied = same.line();
  CHECK(walk(tied) == expected);
  // Back from live undoes B's last event first.
  const CompareTimeline::Position back = tied.previous(tied.live());
  CHECK(back[0] == tied.live()[0]);
  CHECK(back[1] == tied.live()[1] - 1);
}

// --- the File menu ---------------------------------------------------------------

CliOptions lesson() {
  CliOptions cli;
  cli.scenario = "lesson-double-wake";
  cli.clock = "virtual";
  return cli;
}

bool same_events(std::span<const Event> x, std::span<const Event> y) {
  return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](const Event& p, const Event& q) {
    return p.t == q.t && p.kind == q.kind && p.task == q.task && p.waker == q.waker &&
           p.timer == q.timer && p.lane == q.lane && p.flags == q.flags && p.thread == q.thread;
  });
}

TEST_CASE("saving side A writes a recording whose header names A's policies and whose events are "
          "A's store, and side B's names B's") {
  BareImGui imgui;
  pollscope::test::Scratch scratch;
  App app(lesson());
  REQUIRE(app.compare() != nullptr);
  CompareMode& mode = *app.compare();
  mode.step();
  REQUIRE(wait_for_polls(mode, 1));
  imgui.frame([&] { app.draw(); });
  const std::string path_a = scratch / "a.pscope", path_b = scratch / "b.pscope";
  REQUIRE(app.save_compare_side_to(0, path_a).ok());
  REQUIRE(app.save_compare_side_to(1, path_b).ok());

  LoadedRecording ra, rb;
  REQUIRE(load_whole_recording(path_a, ra).ok());
  REQUIRE(load_whole_recording(path_b, rb).ok());
  CHECK(ra.info.header.queue_policy == QueuePolicy::Book);
  CHECK(rb.info.header.queue_policy == QueuePolicy::Notified);
  CHECK(ra.scenario() == "lesson-double-wake");
  CHECK(ra.clock_name() == "virtual");
  const CompareSide& a = mode.side(0);
  REQUIRE(a.count > 0);
  CHECK(same_events(ra.events, a.pump->store().first(a.count)));
  CHECK(same_events(rb.events, mode.side(1).pump->store().first(mode.side(1).count)));
  CHECK(ra.events.size() != rb.events.size()); // A logged its second push; B did not
}

TEST_CASE("in compare mode, Ctrl+S opens the save popup for a side instead of saving the single "
          "view's runtime, and the popup's save writes that side in the background") {
  BareImGui imgui;
  pollscope::test::Scratch scratch;
  App app(lesson());
  REQUIRE(app.compare() != nullptr);
  imgui.frame([&] { app.draw(); });
  ImGuiIO& io = ImGui::GetIO();
  bool open = false;
  io.KeyCtrl = true;
  io.KeysDown['S'] = true;
  imgui.frame([&] { app.draw(); });
  io.KeysDown['S'] = false;
  io.KeyCtrl = false;
  imgui.frame([&] {
    app.draw();
    open = ImGui::IsPopupOpen("Save recording");
  });
  CHECK(open);
  CHECK(app.file_side() == 0);
  CHECK_FALSE(app.file_work_running()); // nothing written without the user's OK

  // What the popup's Save button starts: side A's store, off the UI thread.
  const std::string path = scratch / "side-a.pscope";
  app.start_save_compare_side(0, path);
  for (int i = 0; i < 100'000 && app.file_work_running(); ++i) imgui.frame([&] { app.draw(); });
  REQUIRE_FALSE(app.file_work_running());
  LoadedRecording r;
  REQUIRE(load_whole_recording(path, r).ok());
  CHECK(r.info.header.queue_policy == QueuePolicy::Book);
  CHECK(r.events.size() == app.compare()->side(0).count);
}

TEST_CASE("leaving compare mode while a side is being saved stops the save first") {
  BareImGui imgui;
  pollscope::test::Scratch scratch;
  App app(lesson());
  REQUIRE(app.compare() != nullptr);
  app.compare()->step();
  REQUIRE(wait_for_polls(*app.compare(), 1));
  imgui.frame([&] { app.draw(); });
  app.start_save_compare_side(1, scratch / "b.pscope");
  app.leave_compare(); // the job read B's store: it is over before the store goes
  CHECK_FALSE(app.file_work_running());
  CHECK(app.compare() == nullptr);
  imgui.frame([&] { app.draw(); });
}

} // namespace
} // namespace pollscope::gui
