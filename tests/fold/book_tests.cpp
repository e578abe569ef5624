// The fold's book: which of the book's nine steps each task has taken, the
// latest advance and its narration, the latest wake, and where the runtime
// began. The hello-world golden run on the real runtime is in
// tests/integration/book_steps_tests.cpp.
#include "script.hpp"
#include "workload.hpp"

#include "fold/describe.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <string>
#include <vector>

namespace pollscope::fold::test {
namespace {

// hello-world's log, shaped like the runtime's (tests/runtime/book_tests.cpp),
// with the timer thread's own events where they most often land.
void hello_world(Script& s) {
  s.started();
  s.spawn(1); // 1
  s.waker_created(1, 1);
  s.push(1, 0, 1); // 2
  s.pop(1, 0, 0);
  s.poll_begin(1); // 3
  s.output(1, 1);
  s.timer_created(1, 1, 2'000'000'000);
  s.waker_cloned(2, 1, 1);
  s.waker_stored(2, 1); // 4
  s.poll_end(1, false, 1000, 7);
  s.timer_event(EventKind::TimerThreadStarted, 1);
  s.timer_event(EventKind::TimerThreadWaiting, 1, 2'000'000'000);
  s.advance(2'000'000'000);
  s.timer_event(EventKind::TimerFired, 1); // 5
  s.waker_removed(2, 1);                   // 6
  s.woken(2, 1, false, 1);                 // 7
  s.push(1, 1, 1, 2, Lane::Timer);         // 8
  s.waker_dropped(2, 1);
  s.timer_event(EventKind::TimerThreadExited, 1);
  s.pop(1, 1, 0);
  s.poll_begin(1);
  s.output(1, 2);
  s.poll_end(1, true); // 9
  s.completed(1);
  s.waker_dropped(1, 1);
  s.dropped(1);
  s.emit(EventKind::ChannelClosed);
  s.emit(EventKind::ExecutorDone, 0, 2);
}

// Folds the log one event at a time; returns (event index, step) at every
// advance of the book counter.
std::vector<std::pair<std::size_t, int>> advances(const std::vector<Event>& log) {
  Fold f;
  std::vector<std::pair<std::size_t, int>> out;
  for (std::size_t i = 0; i < log.size(); ++i) {
    const std::uint64_t before = f.state().book.advances;
    f.apply(log[i]);
    if (f.state().book.advances != before) out.emplace_back(i, f.state().book.step);
  }
  return out;
}

TEST_CASE("hello-world takes the book's nine steps on nine different events, in order") {
  Script s;
  hello_world(s);
  const auto got = advances(s.log);
  REQUIRE(got.size() == 9);
  const std::vector<EventKind> kinds = {
      EventKind::TaskSpawned, EventKind::QueuePush,  EventKind::PollBegin,
      EventKind::WakerStored, EventKind::TimerFired, EventKind::WakerRemoved,
      EventKind::WakerWoken,  EventKind::QueuePush,  EventKind::PollEnd,
  };
  for (int k = 0; k < 9; ++k) {
    INFO("step " << k + 1);
    CHECK(got[k].second == k + 1);
    CHECK(s.log[got[k].first].kind == kinds[k]);
  }
  const FoldState& st = s.state();
  CHECK(st.tasks.find(1)->book_steps == 0x1ff);
  CHECK(st.book.step == 9);
  CHECK(st.book.task == 1);
  CHECK(st.book.event == got.back().first);
}

TEST_CASE("a task advances only on steps it has not taken: a re-poll is not step 3 again") {
  Script s;
  s.started();
  s.spawn(1);
  s.push(1, 0, 1);
  s.pop(1, 0, 0);
  s.poll_begin(1);
  s.woken(1, 1, true); // yield_now: 7, then 8
  s.push(1, 1, 1, 1, Lane::Executor);
  s.poll_end(1, false);
  const std::uint64_t after_first = s.state().book.advances;
  CHECK(after_first == 5); // 1 2 3 7 8
  CHECK(s.state().book.step == 8);
  s.pop(1, 1, 0);
  s.poll_begin(1);
  s.woken(1, 1, true);
  s.push(1, 2, 1, 1, Lane::Executor);
  s.poll_end(1, false);
  CHECK(s.state().book.advances == after_first); // the second cycle takes nothing new
  CHECK(s.state().book.step == 8);
  s.pop(1, 2, 0);
  s.poll_begin(1);
  s.poll_end(1, true);
  CHECK(s.state().book.advances == after_first + 1);
  CHECK(s.state().book.step == 9);
}

TEST_CASE("only a fired timer taking its waker out is step 6: not a re-poll's replacement, not a "
          "cancelled timer") {
  Script s;
  s.started();
  s.spawn(1);
  s.push(1, 0, 1);
  s.pop(1, 0, 0);
  s.poll_begin(1);
  s.timer_created(1, 1, 1000);
  s.waker_cloned(2, 1, 1);
  s.waker_stored(2, 1);
  s.poll_end(1, false);
  // Woken by someone else and polled again: the future swaps its stored waker.
  s.woken(1, 1, true);
  s.push(1, 1, 1, 1, Lane::External);
  s.pop(1, 1, 0);
  s.poll_begin(1);
  s.waker_cloned(3, 1, 1);
  s.waker_removed(2, 1);
  CHECK((s.state().tasks.find(1)->book_steps & (1u << 5)) == 0);
  s.waker_stored(3, 1);
  s.poll_end(1, false);
  // A reset cancels the timer: it lets go of its waker without waking it.
  s.timer_event(EventKind::TimerThreadExited, 1, 0, kFlagCancelled);
  s.waker_removed(3, 1);
  CHECK((s.state().tasks.find(1)->book_steps & (1u << 5)) == 0);
}

TEST_CASE("a reset forgets every task's steps but keeps counting advances, and records where the "
          "runtime began") {
  Script s;
  hello_world(s);
  CHECK(s.state().runtime_begin == 0);
  const std::uint64_t advances = s.state().book.advances;
  s.emit(EventKind::RuntimeReset);
  const std::uint64_t reset_at = s.log.size() - 1;
  CHECK(s.state().runtime_begin == reset_at);
  CHECK(s.state().book.advances == advances); // a reset is not a book step
  CHECK(s.state().book.step == 0);
  CHECK(s.state().wake == WakeView{});
  s.started();
  CHECK(s.state().runtime_begin == reset_at + 1);
  s.spawn(1);
  CHECK(s.state().book.advances == advances + 1);
  CHECK(s.state().tasks.find(1)->book_steps == 1);
}

TEST_CASE("the latest wake names the timer thread, the waker and the task of the newest wake") {
  Script s;
  s.started();
  for (TaskId t = 1; t <= 2; ++t) {
    s.spawn(t);
    s.push(t, t, t);
  }
  s.woken(5, 2, false, 3);
  const std::uint64_t first = s.log.size() - 1;
  CHECK(s.state().wake == WakeView{2, 5, 3, Lane::Timer, false, s.now, first});
  s.woken(6, 1, true); // from another thread: no timer
  const WakeView& w = s.state().wake;
  CHECK(w.task == 1);
  CHECK(w.waker == 6);
  CHECK(w.timer == 0);
  CHECK(w.by_ref);
  CHECK(w.event == first + 1);
}

TEST_CASE("the narration tells the latest advance, then what happened since") {
  Script s;
  StringTable strings;
  s.started();
  CHECK(narration_line(s.state(), strings) == "Nothing has happened yet");
  s.spawn(1, strings.intern("hello-world"));
  CHECK(narration_line(s.state(), strings) == "Step 1 of 9 — Spawner created task 1 (hello-world)");
  s.push(1, 0, 1);
  s.pop(1, 0, 0);
  s.poll_begin(1);
  s.timer_created(1, 1, 1000);
  s.waker_cloned(2, 1, 1);
  s.waker_stored(2, 1);
  s.poll_end(1, false);
  const Narration n = narrate(s.state(), strings);
  CHECK(n.step == 4);
  CHECK(n.task == 1);
  CHECK(n.moment == "Timer 1 stored a clone of task 1 (hello-world)'s waker");
  CHECK(n.since == "Executor polled task 1 (hello-world): Pending");
  CHECK(narration_line(s.state(), strings) ==
        "Step 4 of 9 — Timer 1 stored a clone of task 1 (hello-world)'s waker; since then: "
        "Executor polled task 1 (hello-world): Pending");
}

TEST_CASE("over random workloads the advance counter moves by one exactly on the event that "
          "takes a task's new step") {
  for (std::uint32_t seed = 1; seed <= 100; ++seed) {
    Workload w(seed, 1 + seed % 8);
    for (int i = 0; i < 150; ++i) w.step();
    Fold f;
    std::uint64_t steps_seen = 0;
    for (std::size_t i = 0; i < w.s.log.size(); ++i) {
      const std::uint64_t before = f.state().book.advances;
      const std::uint16_t had = [&] {
        const TaskView* t = f.state().tasks.find(w.s.log[i].task);
        return t ? t->book_steps : std::uint16_t{0};
      }();
      f.apply(w.s.log[i]);
      const BookView& b = f.state().book;
      INFO("seed " << seed << ", event " << i);
      REQUIRE(b.advances - before <= 1);
      if (b.advances != before) {
        ++steps_seen;
        REQUIRE(b.event == i);
        REQUIRE(b.step >= 1);
        REQUIRE(b.step <= kBookSteps);
        const TaskView* t = f.state().tasks.find(b.task);
        REQUIRE(t != nullptr);
        REQUIRE(((t->book_steps >> (b.step - 1)) & 1u) == 1u);
        // The task gained exactly that step (when the event names it).
        if (w.s.log[i].task == b.task)
          REQUIRE(std::popcount(static_cast<unsigned>(t->book_steps)) ==
                  std::popcount(static_cast<unsigned>(had)) + 1);
      }
    }
    CHECK(f.state() == w.s.state()); // and the live fold agrees
    CHECK(f.state().book.advances == steps_seen);
  }
}

} // namespace
} // namespace pollscope::fold::test
