// The fold's wakers and timer threads: who holds which waker, and when
// each one and each thread is counted in and out.
#include "fold/fold.hpp"
#include "script.hpp"

#include <doctest/doctest.h>

using namespace pollscope;
using namespace pollscope::fold;
using pollscope::fold::test::Script;

namespace {
using pollscope::fold::test::kMs;
using pollscope::fold::test::kSec;
using pollscope::fold::test::task_of;
using pollscope::fold::test::timer_of;
using pollscope::fold::test::waker_of;
} // namespace

TEST_CASE("a timer's stored waker is replaced on each Pending poll") {
  Script s;
  s.started();
  s.timer_created(1, 1, kSec);
  s.waker_cloned(2, 1, 1);
  s.waker_stored(2, 1);
  CHECK(timer_of(s, 1).stored_waker == 2);
  s.waker_cloned(3, 1, 1);
  s.waker_stored(3, 1);
  CHECK(timer_of(s, 1).stored_waker == 3);
  CHECK(waker_of(s, 3).holder == WakerHolder::Timer);
  CHECK(waker_of(s, 2).holder == WakerHolder::None); // replaced, its drop follows
  CHECK(waker_of(s, 1).clones == 2);
  s.waker_dropped(2, 1);
  CHECK(timer_of(s, 1).stored_waker == 3);
  s.waker_dropped(3, 1); // dropping the stored one empties the slot
  CHECK(timer_of(s, 1).stored_waker == 0);
}

TEST_CASE("a consuming wake followed by a drop counts the waker's death once") {
  Script s;
  s.started();
  s.waker_created(1, 1);
  s.waker_cloned(2, 1, 1);
  CHECK(s.state().counters.live_wakers == 2);
  s.woken(2, 1);
  CHECK(s.state().counters.live_wakers == 1);
  s.waker_dropped(2, 1);
  CHECK(s.state().counters.live_wakers == 1);
  CHECK(waker_of(s, 2).dropped_t == 0);
  s.waker_dropped(1, 1);
  CHECK(s.state().counters.live_wakers == 0);
}

TEST_CASE("wakers that are not a task's are held by the user") {
  Script s;
  s.started();
  s.waker_created(1, 0, WakerKind::Manual);
  s.waker_cloned(2, 0, 1);
  CHECK(waker_of(s, 1).holder == WakerHolder::User);
  CHECK(waker_of(s, 1).kind == WakerKind::Manual);
  CHECK(waker_of(s, 2).kind == WakerKind::Manual); // a clone keeps its kind
}

TEST_CASE("timer threads: a cancelled exit and a failed start are both counted out") {
  Script s;
  s.started();
  s.timer_created(1, 1, kSec);
  s.timer_event(EventKind::TimerThreadStarted, 1);
  s.timer_event(EventKind::TimerThreadWaiting, 1, kSec);
  s.timer_created(2, 1, kSec);
  s.timer_event(EventKind::TimerThreadStarted, 2);
  CHECK(s.state().counters.live_timer_threads == 2);
  s.timer_event(EventKind::TimerThreadExited, 1, 0, kFlagCancelled);
  CHECK(timer_of(s, 1).state == TimerState::Exited);
  CHECK(timer_of(s, 1).cancelled);
  CHECK_FALSE(timer_of(s, 1).fired);
  CHECK(s.state().counters.live_timer_threads == 1);
  s.timer_event(EventKind::TimerThreadExited, 1); // a repeated exit changes nothing
  CHECK(s.state().counters.live_timer_threads == 1);

  s.timer_created(3, 1, kSec);
  s.timer_event(EventKind::TimerThreadFailed, 3);
  CHECK(timer_of(s, 3).state == TimerState::Failed);
  CHECK_FALSE(timer_of(s, 3).thread_live);
  CHECK(s.state().counters.live_timer_threads == 1);
}

TEST_CASE("dead wakers beyond the kept history are forgotten, live ones never are") {
  Script s;
  s.started();
  s.waker_created(1, 1); // lives throughout
  const WakerId last = 5'000;
  for (WakerId w = 2; w <= last; ++w) {
    s.waker_cloned(w, 1, 1);
    s.waker_dropped(w, 1);
  }
  const FoldState& st = s.state();
  CHECK(st.counters.live_wakers == 1);
  CHECK(waker_of(s, 1).alive);
  CHECK(waker_of(s, 1).clones == last - 1);
  CHECK(st.wakers.find(2) == nullptr);
  CHECK_FALSE(waker_of(s, last).alive);
  CHECK(st.wakers.size() - 1 <= 2 * kKeepFinished);
  CHECK(st.wakers.size() - 1 >= kKeepFinished);
  CHECK(st.wakers.size() - 1 + st.counters.forgotten_wakers == last - 1);
  CHECK(st.counters.count(EventKind::WakerCloned) == last - 1);

  // A late mention of a forgotten waker brings it back, dead, without
  // unbalancing the live count.
  s.waker_dropped(2, 1);
  CHECK(st.counters.live_wakers == 1);
  CHECK_FALSE(waker_of(s, 2).alive);
}

TEST_CASE("exited timers beyond the kept history are forgotten, running ones never are") {
  Script s;
  s.started();
  s.timer_created(1, 1, kSec);
  s.timer_event(EventKind::TimerThreadStarted, 1);
  const TimerId last = 3'000;
  for (TimerId t = 2; t <= last; ++t) {
    s.timer_created(t, 1, kMs);
    s.timer_event(EventKind::TimerThreadStarted, t);
    s.timer_event(EventKind::TimerFired, t);
    s.timer_event(t % 2 ? EventKind::TimerThreadExited : EventKind::TimerThreadFailed, t);
  }
  const FoldState& st = s.state();
  CHECK(st.counters.live_timer_threads == 1);
  CHECK(timer_of(s, 1).state == TimerState::Created);
  CHECK(st.timers.find(2) == nullptr);
  CHECK(timer_of(s, last).state == TimerState::Failed);
  CHECK(st.counters.finished_timers == st.timers.size() - 1);
  CHECK(st.counters.finished_timers + st.counters.forgotten_timers == last - 1);
  CHECK(st.counters.finished_timers <= 2 * kKeepFinished);
}
