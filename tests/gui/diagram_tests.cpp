// The diagram's own view state: which of the book's nine steps a task has
// taken, and how the fold's flow steps map onto the book's numbering.
#include "gui_test_support.hpp"

#include "gui/diagram_parts.hpp"

#include <doctest/doctest.h>

namespace pollscope::gui {
namespace {

using test::FoldedLog;
using test::LogBuilder;

std::uint16_t steps_of(const DiagramState& st, TaskId id) {
  return id < st.book_steps.size() ? st.book_steps[id] : 0;
}

TEST_CASE("the book's test walks a task through all nine steps, in order") {
  StringTable strings;
  LogBuilder b(strings);
  FoldedLog log;
  DiagramState st;
  auto after = [&](auto&& step) {
    const std::size_t from = b.events.size();
    step();
    log.apply({b.events.begin() + static_cast<std::ptrdiff_t>(from), b.events.end()});
    const FrameView view{log.fold.state(), log.view(), strings, 0, 0};
    diagram::update_book_steps(st, view);
    return steps_of(st, 1);
  };
  CHECK(after([&] { b.start(10); }) == 0);
  CHECK(after([&] { b.spawn(1); }) == 0b11);          // 1 created, 2 queued
  CHECK(after([&] { b.poll_pending(1); }) == 0b1111); // 3 polled Pending, 4 waker kept
  CHECK(after([&] { b.fire(1); }) == 0b11111111); // 5 elapsed, 6 wake, 7 ArcWake, 8 queued again
  CHECK(after([&] { b.poll_ready(1); }) == 0b111111111); // 9 Ready
  CHECK(diagram::book_step(log.fold.state().flow.step) == 9);
}

TEST_CASE("book steps are per task and forgotten at a reset") {
  StringTable strings;
  LogBuilder b(strings);
  b.start(10);
  b.spawn(1);
  b.spawn(2);
  b.poll_pending(1);
  FoldedLog log;
  log.apply(b.events);
  DiagramState st;
  diagram::update_book_steps(st, FrameView{log.fold.state(), log.view(), strings, 0, 0});
  CHECK(steps_of(st, 1) == 0b1111);
  CHECK(steps_of(st, 2) == 0b11);
  // The same store seen from a later runtime (runtime_begin moved): a fresh start.
  EventsView later = log.view();
  later.runtime_begin = later.count;
  diagram::update_book_steps(st, FrameView{log.fold.state(), later, strings, 0, 0});
  CHECK(steps_of(st, 1) == 0);
}

TEST_CASE("every flow step of the fold maps to the book step it belongs to") {
  using fold::FlowStep;
  CHECK(diagram::book_step(FlowStep::Spawned) == 1);
  CHECK(diagram::book_step(FlowStep::Queued) == 2);
  CHECK(diagram::book_step(FlowStep::PolledPending) == 3);
  CHECK(diagram::book_step(FlowStep::WakerStored) == 4);
  CHECK(diagram::book_step(FlowStep::TimerFired) == 5);
  CHECK(diagram::book_step(FlowStep::WakerTaken) == 6);
  CHECK(diagram::book_step(FlowStep::Woken) == 7);
  CHECK(diagram::book_step(FlowStep::QueuedAgain) == 8);
  CHECK(diagram::book_step(FlowStep::PolledReady) == 9);
  CHECK(diagram::book_step(FlowStep::None) == 0);
  CHECK(diagram::book_step(FlowStep::SpawnRefused) == 0); // not one of the book's steps
  // A blocked send is step 2 from the spawner, step 8 from a waker.
  CHECK(diagram::book_step(fold::FlowView{FlowStep::SendBlocked, 1, 0, 0, 0}) == 2);
  CHECK(diagram::book_step(fold::FlowView{FlowStep::SendBlocked, 1, 0, 5, 0}) == 8);
  for (int s = 1; s <= diagram::kBookSteps; ++s) {
    CHECK(!diagram::book_step_text(s).empty());
    CHECK(!diagram::book_step_detail(s).empty());
  }
}

} // namespace
} // namespace pollscope::gui
