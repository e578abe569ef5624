// The Timeline's spans in progress (gui/timeline_open.hpp), on the book's
// hello-world run for real: stepped into the 2 s timer wait, the timer's wait
// is open with its deadline; inside the first poll, that poll is open; and
// the panel draws them at those moments.
#include "gui_test_support.hpp"

#include "gui/app.hpp"
#include "gui/panels.hpp"
#include "gui/timeline_open.hpp"
#include "record/cursor.hpp"

#include <imgui.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <vector>

namespace pollscope::gui {
namespace {

using fold::SpanKind;

// Hello-world in step mode on the virtual clock, pressed forward (S) until
// its timer thread has logged its wait. Bounded: the worker carries out each
// step before `sync` returns; the timer thread's events arrive on their own.
struct SteppedHelloWorld {
  test::BareImGui imgui;
  std::optional<App> app;
  SteppedHelloWorld() {
    CliOptions cli; // hello-world, paused in step mode
    cli.clock = "virtual";
    app.emplace(cli);
    ImGuiIO& io = ImGui::GetIO();
    for (int press = 0; press < 12 && find(EventKind::TimerThreadWaiting) == SIZE_MAX; ++press) {
      io.KeysDown['S'] = true;
      imgui.frame([&] { app->draw(); });
      io.KeysDown['S'] = false;
      imgui.frame([&] { app->draw(); });
      for (int i = 0; i < 100'000 && find(EventKind::TimerThreadWaiting) == SIZE_MAX; ++i) {
        app->controller().sync();
        app->pump().flush();
        if (app->pump().latest().state.executor.total_polls == 0) break; // not polled yet
      }
    }
  }
  [[nodiscard]] record::EventsView events() { return app->pump().latest().events; }
  // The index of the first event of `kind`, SIZE_MAX if none.
  std::size_t find(EventKind kind) {
    const auto all = events().all();
    const auto it =
        std::find_if(all.begin(), all.end(), [&](const Event& e) { return e.kind == kind; });
    return it == all.end() ? SIZE_MAX : static_cast<std::size_t>(it - all.begin());
  }
  // The open spans just after event i, from the fold at that moment.
  std::vector<OpenSpan> open_after(std::size_t i, fold::FoldState& state) {
    const record::EventsView all = events();
    record::Cursor cursor(app->pump().store(), app->pump().checkpoints());
    state = cursor.seek(i + 1, all.count);
    record::EventsView at = all;
    at.count = i + 1;
    std::vector<OpenSpan> out;
    open_spans(state, at, out);
    return out;
  }
};

const OpenSpan* of_kind(const std::vector<OpenSpan>& spans, SpanKind kind) {
  const auto it =
      std::find_if(spans.begin(), spans.end(), [&](const OpenSpan& s) { return s.kind == kind; });
  return it == spans.end() ? nullptr : &*it;
}

TEST_CASE("hello-world stepped into the timer's wait has the wait open, up to its 2 s deadline") {
  SteppedHelloWorld hw;
  const std::size_t waiting = hw.find(EventKind::TimerThreadWaiting);
  const std::size_t poll_end = hw.find(EventKind::PollEnd);
  REQUIRE(waiting != SIZE_MAX);
  REQUIRE(poll_end != SIZE_MAX);
  const Event& e = hw.events().all()[waiting];
  // The timer thread logs its wait while the poll that made it may still run
  // (the two threads race): look just after both.
  fold::FoldState state;
  const std::vector<OpenSpan> open = hw.open_after(std::max(waiting, poll_end), state);
  const OpenSpan* wait = of_kind(open, SpanKind::TimerWaiting);
  REQUIRE(wait != nullptr);
  CHECK(wait->begin_event == waiting);
  CHECK(wait->timer == e.timer);
  CHECK(wait->task == 1);
  CHECK(wait->thread == e.thread); // on the timer thread's own lane
  const fold::TimerView* t = state.timers.find(e.timer);
  REQUIRE(t != nullptr);
  CHECK(wait->deadline_ns == t->deadline_ns);
  CHECK(t->deadline_ns - t->created_t == 2'000'000'000ull); // the book's 2 s
  // The poll that made the timer has ended; the executor, in step mode with
  // no step owed, waits for the next Step from the end of that poll on.
  CHECK(of_kind(open, SpanKind::Poll) == nullptr);
  const OpenSpan* step = of_kind(open, SpanKind::StepWait);
  REQUIRE(step != nullptr);
  CHECK(step->begin_event == poll_end);
  CHECK(step->thread == hw.events().all()[poll_end].thread); // the executor's lane
}

TEST_CASE("a cursor inside hello-world's first poll has that poll open, and after it no poll") {
  SteppedHelloWorld hw;
  const std::size_t begin = hw.find(EventKind::PollBegin);
  const std::size_t end = hw.find(EventKind::PollEnd);
  REQUIRE(begin != SIZE_MAX);
  REQUIRE(end != SIZE_MAX);
  REQUIRE(begin < end);
  fold::FoldState state;
  for (std::size_t i = begin; i < end; ++i) { // every moment inside the poll
    CAPTURE(i);
    const std::vector<OpenSpan> open = hw.open_after(i, state);
    const OpenSpan* poll = of_kind(open, SpanKind::Poll);
    REQUIRE(poll != nullptr);
    CHECK(poll->begin_event == begin);
    CHECK(poll->task == 1);
    CHECK(poll->thread == hw.events().all()[begin].thread);
  }
  CHECK(of_kind(hw.open_after(end, state), SpanKind::Poll) == nullptr);
  // Before the poll, in step mode with no step owed, the executor waits for one.
  const std::vector<OpenSpan> before = hw.open_after(begin - 1, state);
  CHECK(of_kind(before, SpanKind::Poll) == nullptr);
}

TEST_CASE("the timeline draws the spans in progress at a cursor inside the poll and in the wait") {
  SteppedHelloWorld hw;
  const record::EventsView all = hw.events();
  const fold::FoldState live = hw.app->pump().latest().state;
  const StringTable& strings = hw.app->controller().strings();
  const FrameView whole{live, all, strings, live.log.last_t, 1};
  for (const EventKind at : {EventKind::PollBegin, EventKind::TimerThreadWaiting}) {
    const std::size_t i = hw.find(at);
    REQUIRE(i != SIZE_MAX);
    fold::FoldState state;
    REQUIRE_FALSE(hw.open_after(i, state).empty());
    record::EventsView ev = all;
    ev.count = i + 1;
    const FrameView view{state, ev, strings, state.log.last_t, 2};
    TimelineState tl;
    Selection sel;
    bool open = true;
    for (int frame = 0; frame < 3; ++frame)
      hw.imgui.frame(
          [&] { draw_timeline(view, whole, hw.app->pump().timeline(), tl, sel, &open); });
    CHECK(open);
  }
}

} // namespace
} // namespace pollscope::gui
