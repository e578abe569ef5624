// The event log follows the newest event until the user scrolls up. A reset
// shrinks the rows, and Dear ImGui clamps the scroll position one frame later:
// that drop must not read as the user scrolling (whether it did depended on
// how the pump's snapshots fell between frames, so after fast key presses the
// log paused in one run and kept following in another).
#include "gui_test_support.hpp"

#include <doctest/doctest.h>

namespace pollscope::gui {
namespace {

TEST_CASE("the event log keeps following across a reset, and pauses when the user scrolls up") {
  test::BareImGui imgui;
  StringTable strings;
  test::FoldedLog log;
  EventLogState st;
  Selection sel;
  bool open = true;
  auto add = [&](EventKind k) {
    Event e;
    e.kind = k;
    e.t = 1;
    log.fold.apply(e);
    log.store.push(e);
  };
  add(EventKind::RuntimeStarted);
  for (int i = 0; i < 300; ++i) add(EventKind::ExecutorWaiting);
  std::size_t begin = 0;
  auto frame = [&] {
    const FrameView view{log.fold.state(), EventsView{&log.store, log.store.writer_size(), begin},
                         strings, 0, 0};
    imgui.frame([&] { draw_event_log(view, st, sel, &open); });
  };
  for (int f = 0; f < 5; ++f) frame();
  CHECK(st.follow);
  // A reset: the new runtime's rows arrive over the next frames, more of them
  // in the second frame than in the first.
  begin = log.store.writer_size();
  add(EventKind::RuntimeReset);
  for (int i = 0; i < 40; ++i) add(EventKind::ExecutorWaiting);
  frame();
  CHECK(st.follow);
  for (int i = 0; i < 5; ++i) add(EventKind::ExecutorWaiting);
  frame();
  CHECK(st.follow); // Dear ImGui clamps the scroll to the shorter rows only now
  frame();
  CHECK(st.follow);
  for (int i = 0; i < 300; ++i) add(EventKind::ExecutorWaiting);
  for (int f = 0; f < 3; ++f) frame();
  CHECK(st.follow);
  // The user scrolls up with the wheel over the log (bottom right at 1280x800).
  ImGui::GetIO().MousePos = ImVec2(1100, 700);
  frame();
  ImGui::GetIO().MouseWheel = 3.0f;
  frame();
  ImGui::GetIO().MouseWheel = 0.0f;
  frame();
  frame();
  CHECK_FALSE(st.follow);
}

} // namespace
} // namespace pollscope::gui
