// Compare mode: two runtimes side by side, driven together, each drawn from
// its own pump; entering and leaving it in the app; the metrics table's rows;
// the peak-RSS measurement off the UI thread.
#include "compare_test_support.hpp"
#include "gui_test_support.hpp"

#include "fold/metrics.hpp"
#include "fold/view.hpp"
#include "gui/app.hpp"
#include "gui/compare_metrics.hpp"
#include "gui/compare_mode.hpp"
#include "gui/compare_panel.hpp"
#include "gui/compare_rss.hpp"
#include "runtime/controller.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

namespace pollscope::gui {
namespace {

using test::BareImGui;
using test::kBook;
using test::kNotified;
using test::settle;
using test::setup_for;
using test::wait_for_polls;

// Every task of the side's runtime has finished (and there was one).
bool finished(const fold::FoldState& state) {
  const auto tasks = state.tasks.items();
  return !tasks.empty() && std::all_of(tasks.begin(), tasks.end(), [](const fold::TaskView& t) {
    return t.state == fold::TaskState::Done || t.state == fold::TaskState::Dropped;
  });
}

bool wait_until_finished(CompareMode& m) {
  for (int i = 0; i < 100'000; ++i) {
    settle(m);
    if (finished(m.side(0).pump->latest().state) && finished(m.side(1).pump->latest().state))
      return true;
  }
  return false;
}

std::vector<std::string> output_of(CompareSide& side) {
  std::vector<std::string> lines;
  for (const fold::OutputLine& l : side.pump->latest().state.output)
    lines.emplace_back(side.controller->strings().get(l.text));
  return lines;
}

const MetricRow& row(const std::vector<MetricRow>& rows, const std::string& name) {
  const auto it =
      std::find_if(rows.begin(), rows.end(), [&](const MetricRow& r) { return r.name == name; });
  REQUIRE(it != rows.end());
  return *it;
}

TEST_CASE("--compare opens the app in compare mode, and leaving it shows the single view again") {
  BareImGui imgui;
  CliOptions cli;
  cli.scenario = "double-wake";
  cli.clock = "virtual";
  cli.compare = true;
  cli.compare_queue_policy = QueuePolicy::Notified;
  App app(cli);
  REQUIRE(app.compare() != nullptr);
  CHECK(app.compare()->side(0).policies == kBook);
  CHECK(app.compare()->side(1).policies == kNotified);
  // The lesson names what the two sets differ in.
  CHECK(compare_lesson(app.compare()->setup()).find("notified") != std::string::npos);
  for (int frame = 0; frame < 3; ++frame) imgui.frame([&] { app.draw(); });
  CHECK(app.control_rects().valid); // the compare bar's buttons, for --print-ready
  app.leave_compare();
  CHECK(app.compare() == nullptr);
  for (int frame = 0; frame < 2; ++frame) imgui.frame([&] { app.draw(); });
  // The single view's runtime was there all along, with the same scenario.
  app.controller().sync();
  app.pump().flush();
  CHECK(app.pump().latest().state.tasks.size() == 1);
}

TEST_CASE("the Controls' Compare button enters compare mode with the picked policies as A and "
          "the other queue policy as B") {
  BareImGui imgui;
  CliOptions cli; // hello-world, book / thread-per-timer
  App app(cli);
  CHECK(app.compare() == nullptr);
  app.enter_compare();
  REQUIRE(app.compare() != nullptr);
  CHECK(app.compare()->setup().run.scenario == "hello-world");
  CHECK(app.compare()->side(0).policies == kBook);
  CHECK(app.compare()->side(1).policies == kNotified);
  imgui.frame([&] { app.draw(); });
  app.leave_compare();
  CHECK(app.compare() == nullptr);
}

TEST_CASE(
    "leaving compare mode during its Reset draws the single view at once, and the comparison is "
    "torn down behind it") {
  BareImGui imgui;
  CliOptions cli;
  cli.scenario = "double-wake";
  cli.clock = "virtual";
  cli.compare = true;
  App app(cli);
  REQUIRE(app.compare() != nullptr);
  imgui.frame([&] { app.draw(); });
  app.compare()->reset();
  app.leave_compare();
  CHECK(app.compare() == nullptr);
  imgui.frame([&] { app.draw(); }); // ~App joins the teardown
}

TEST_CASE("a lesson's compare section sets both sides' policies and the text above them") {
  ScenarioCompare lesson;
  lesson.a_timer = TimerPolicy::ThreadPerTimer;
  lesson.b_timer = TimerPolicy::TimerThread;
  lesson.lesson = "Watch the threads.";
  const CompareSetup s = compare_setup(lesson, ControllerOptions{});
  CHECK(s.a == SidePolicies{QueuePolicy::Book, TimerPolicy::ThreadPerTimer});
  CHECK(s.b == SidePolicies{QueuePolicy::Book, TimerPolicy::TimerThread});
  CHECK(compare_lesson(s) == "Watch the threads.");
  // Without a lesson, the default text says what differs: here the timers.
  CompareSetup plain = s;
  plain.lesson.clear();
  CHECK(compare_lesson(plain).find("timer-thread") != std::string::npos);
  CHECK(compare_lesson(plain).find("notified bit") == std::string::npos);
}

TEST_CASE("both sides run double-wake to completion on the virtual clock, and the book polls the "
          "duplicate entry once more") {
  CompareMode mode(setup_for("double-wake", kBook, kNotified, ExecutorMode::Run), false);
  REQUIRE(wait_until_finished(mode));
  for (std::size_t i = 0; i < CompareMode::sides(); ++i) {
    const std::vector<std::string> out = output_of(mode.side(i));
    CHECK(std::find(out.begin(), out.end(), "timer done") != out.end());
  }
  const std::uint64_t a = mode.side(0).pump->latest().state.executor.total_polls;
  const std::uint64_t b = mode.side(1).pump->latest().state.executor.total_polls;
  CHECK(a == b + 1); // the second entry's poll, which finds nothing to do
  CHECK(mode.side(0).pump->latest().state.queue_policy == QueuePolicy::Book);
  CHECK(mode.side(1).pump->latest().state.queue_policy == QueuePolicy::Notified);
}

TEST_CASE("after one step of double-wake, side A's queue holds the task twice (a dup badge) and "
          "side B's once") {
  BareImGui imgui;
  CompareMode mode(setup_for("double-wake", kBook, kNotified), false);
  mode.step(); // one poll on each side: the task wakes two clones of its waker
  REQUIRE(wait_for_polls(mode, 1));
  CompareViewState st;
  ControlRects rects;
  imgui.frame([&] { draw_compare(mode, st, rects); });
  // What each side's run queue is drawn from: its own pump's snapshot.
  const std::vector<fold::QueueRow> a = fold::queue_rows(mode.side(0).pump->latest().state.queue);
  const std::vector<fold::QueueRow> b = fold::queue_rows(mode.side(1).pump->latest().state.queue);
  REQUIRE(a.size() == 2);
  CHECK(a[0].entry.task == a[1].entry.task);
  CHECK_FALSE(a[0].duplicate);
  CHECK(a[1].duplicate);
  CHECK(a[1].occurrence == 2); // "dup 2"
  REQUIRE(b.size() == 1);
  CHECK_FALSE(b[0].duplicate);
  // The metrics table's row says so too: one duplicate entry on A, none on B.
  CHECK(fold::run_metrics(mode.side(0).pump->latest().state, nullptr, 0).duplicate_entries == 1);
  CHECK(fold::run_metrics(mode.side(1).pump->latest().state, nullptr, 0).duplicate_entries == 0);
  // Each side's lints are its own: the double wake fired on the book side
  // only (both woke the task from its own poll: a self-wake on both).
  auto double_wake = [](const FrameView& v) {
    REQUIRE(v.lints != nullptr);
    return std::any_of(v.lints->begin(), v.lints->end(),
                       [](const fold::Lint& l) { return l.kind == fold::LintKind::DoubleWake; });
  };
  CHECK(double_wake(mode.side(0).frame()));
  CHECK_FALSE(double_wake(mode.side(1).frame()));
  CHECK(rects.valid);
}

TEST_CASE("Reset starts both sides again, with the policies picked for the next run") {
  CompareMode mode(setup_for("double-wake", kBook, kNotified, ExecutorMode::Run), false);
  REQUIRE(wait_until_finished(mode));
  mode.pending.b.timer = TimerPolicy::TimerThread;
  mode.reset(); // on a thread of its own
  mode.wait_for_reset();
  CHECK_FALSE(mode.resetting());
  settle(mode);
  for (std::size_t i = 0; i < CompareMode::sides(); ++i) {
    const fold::FoldState& s = mode.side(i).pump->latest().state;
    CHECK(s.executor.total_polls == 0);
    CHECK(s.executor.mode == ExecutorMode::Step);
    CHECK(s.tasks.size() == 1); // the scenario's task, spawned again
    CHECK(s.output.empty());
  }
  CHECK(mode.side(1).policies.timer == TimerPolicy::TimerThread);
  CHECK(mode.side(1).pump->latest().state.timer_policy == TimerPolicy::TimerThread);
  CHECK(mode.side(0).pump->latest().state.timer_policy == TimerPolicy::ThreadPerTimer);
  // Both run again to completion after the reset.
  mode.run();
  REQUIRE(wait_until_finished(mode));
}

TEST_CASE("in the app, Space runs both sides and R resets both") {
  BareImGui imgui;
  CliOptions cli;
  cli.scenario = "double-wake";
  cli.clock = "virtual";
  cli.compare = true;
  cli.compare_queue_policy = QueuePolicy::Notified;
  App app(cli);
  REQUIRE(app.compare() != nullptr);
  CompareMode& mode = *app.compare();
  ImGuiIO& io = ImGui::GetIO();
  auto tap = [&](int key) {
    io.KeysDown[key] = true;
    imgui.frame([&] { app.draw(); });
    io.KeysDown[key] = false;
    imgui.frame([&] { app.draw(); });
  };
  imgui.frame([&] { app.draw(); });
  tap(32); // Space
  REQUIRE(wait_until_finished(mode));
  tap('R');
  mode.wait_for_reset();
  settle(mode);
  for (std::size_t i = 0; i < CompareMode::sides(); ++i)
    CHECK(mode.side(i).pump->latest().state.executor.total_polls == 0);
}

TEST_CASE("the metrics table highlights the rows where A and B differ, and explains every row") {
  fold::RunMetrics a, b;
  a.polls = 4;
  b.polls = 3;
  a.duplicate_entries = 1;
  a.peak_timer_threads = b.peak_timer_threads = 1;
  a.wall_ns = b.wall_ns = 1'000'000'000;
  a.timer_lateness = {1, 2000, 3000};
  RssCell ra{RssCell::State::Measured, 2048, {}};
  RssCell rb{RssCell::State::Failed, 0, "the child exited with status 2"};
  const std::vector<MetricRow> rows = metric_rows(a, b, ra, rb);
  for (const char* name :
       {"polls", "duplicate entries", "peak timer threads", "peak RSS", "wall time",
        "run time (its clock)", "timer lateness p50", "timer lateness p99", "scheduled delay p50",
        "scheduled delay p99", "wakes into the channel", "wakes into the local queue"}) {
    CAPTURE(name);
    CHECK_FALSE(row(rows, name).help.empty());
  }
  CHECK(row(rows, "polls").differ);
  CHECK(row(rows, "polls").change == "x0.75");
  CHECK(row(rows, "duplicate entries").differ);
  CHECK(row(rows, "duplicate entries").b == "0");
  CHECK(row(rows, "duplicate entries").change == "-1");
  CHECK_FALSE(row(rows, "peak timer threads").differ);
  fold::RunMetrics many = a;
  many.peak_timer_threads = 5000;
  CHECK(row(metric_rows(many, b, ra, rb), "peak timer threads").change == "x0.0002");
  CHECK(row(rows, "peak timer threads").change == "same");
  CHECK_FALSE(row(rows, "wall time").differ);
  CHECK(row(rows, "timer lateness p50").differ); // A has a value, B none
  CHECK(row(rows, "timer lateness p50").b == "-");
  CHECK_FALSE(row(rows, "scheduled delay p50").differ); // neither has one
  CHECK(row(rows, "peak RSS").a == "2.0 MiB");
  CHECK(row(rows, "peak RSS").b_note == "the child exited with status 2"); // on hover
  CHECK_FALSE(row(rows, "peak RSS").differ);
  // Wall time is the children's (measured with peak RSS); run time the window's own runs'.
  CHECK(row(rows, "wall time").a == "-");
  const RssCell ra_timed{RssCell::State::Measured, 2048, {}, 900'000'000};
  const RssCell rb_timed{RssCell::State::Measured, 1024, {}, 300'000'000};
  CHECK(row(metric_rows(a, b, ra_timed, rb_timed), "wall time").differ);
  // Short runs: 3 ms against 1 ms is start-up noise, not a difference
  // (past 20% and 10 ms only).
  const RssCell ra_short{RssCell::State::Measured, 2048, {}, 3'000'000};
  const RssCell rb_short{RssCell::State::Measured, 2048, {}, 1'000'000};
  CHECK_FALSE(row(metric_rows(a, b, ra_short, rb_short), "wall time").differ);
  const RssCell rb_close{RssCell::State::Measured, 2048, {}, 800'000'000};
  CHECK_FALSE(row(metric_rows(a, b, ra_timed, rb_close), "wall time").differ);
  // Peak RSS differs only past 5%: two runs of one program differ by a few pages.
  const RssCell near{RssCell::State::Measured, 2100, {}, 1};
  CHECK_FALSE(row(metric_rows(a, b, ra_timed, near), "peak RSS").differ);
  CHECK(row(metric_rows(a, b, ra_timed, rb_timed), "peak RSS").differ);
  CHECK_FALSE(row(rows, "run time (its clock)").differ);
  fold::RunMetrics local = b;
  local.channel_wakes = 1;
  local.local_wakes = 20;
  a.channel_wakes = 21;
  const std::vector<MetricRow> wakes = metric_rows(a, local, ra, rb);
  CHECK(row(wakes, "wakes into the channel").differ);
  CHECK(row(wakes, "wakes into the local queue").b == "20");
}

TEST_CASE("a side's child command line runs the same scenario, clock, count and seed with that "
          "side's policies") {
  CompareSetup s =
      setup_for("random-timers", kBook, SidePolicies{QueuePolicy::Book, TimerPolicy::TimerThread});
  s.run.params.count = 10000;
  s.run.params.seed = 42;
  const std::vector<std::string> args = side_child_args(s, s.b);
  auto after = [&](const std::string& flag) {
    const auto it = std::find(args.begin(), args.end(), flag);
    REQUIRE(it != args.end());
    REQUIRE(it + 1 != args.end());
    return *(it + 1);
  };
  CHECK(std::find(args.begin(), args.end(), "--headless") != args.end());
  CHECK(after("--scenario") == "random-timers");
  CHECK(after("--clock") == "virtual");
  CHECK(after("--count") == "10000");
  CHECK(after("--seed") == "42");
  CHECK(after("--queue-policy") == "book");
  CHECK(after("--timer-policy") == "timer-thread");
  CHECK(after("--metrics-json") == "-");
}

TEST_CASE("a peak-RSS measurement runs off the UI thread: a child that fails gives an error and "
          "cancel leaves it idle") {
  PeakRssMeasurement m;
  CHECK(m.status() == PeakRssMeasurement::Status::Idle);
  m.start("/bin/false", {});
  m.wait();
  REQUIRE(m.status() == PeakRssMeasurement::Status::Done);
  CHECK_FALSE(m.result().metrics.has_value()); // /bin/false prints no metrics
  CHECK_FALSE(m.result().error.empty());
  m.start("/bin/false", {});
  m.cancel();
  CHECK(m.status() == PeakRssMeasurement::Status::Idle);
}

TEST_CASE("compare mode draws two sides of 2,000 queued timer tasks each") {
  BareImGui imgui;
  CompareSetup s =
      setup_for("random-timers", kBook, SidePolicies{QueuePolicy::Book, TimerPolicy::TimerThread});
  s.run.params.count = 2000;
  CompareMode mode(s, false);
  settle(mode);
  CompareViewState st;
  ControlRects rects;
  for (int frame = 0; frame < 3; ++frame) imgui.frame([&] { draw_compare(mode, st, rects); });
  for (std::size_t i = 0; i < CompareMode::sides(); ++i)
    CHECK(mode.side(i).pump->latest().state.queue.entries.size() == 2000);
  const std::vector<MetricRow> rows =
      compare_metric_rows(mode, mode.side(0).frame(), mode.side(1).frame());
  CHECK(row(rows, "peak RSS").a == "not measured");
}

} // namespace
} // namespace pollscope::gui
