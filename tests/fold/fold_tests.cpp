// The fold: hand-built event sequences in, the state the GUI draws out.
#include "fold/fold.hpp"
#include "runtime/string_table.hpp"
#include "script.hpp"

#include <doctest/doctest.h>

#include <random>

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

TEST_CASE("one timer task walks the book's nine-step flow and every panel agrees at each step") {
  StringTable strings;
  const StringId name = strings.intern("hello-world");
  const StringId spawned_at = strings.intern("main.cpp:10");
  const StringId await_at = strings.intern("main.cpp:12");
  const StringId hello = strings.intern("Hello");
  const StringId world = strings.intern("World");
  Script s;

  s.started(10);
  CHECK(s.state().queue.capacity == 10);
  CHECK(s.state().virtual_clock);
  CHECK(s.state().executor.activity == ExecutorActivity::Idle);
  CHECK(s.state().flow.step == FlowStep::None);

  s.mode(ExecutorMode::Step);
  CHECK(s.state().executor.activity == ExecutorActivity::Stepping);

  // 1. spawned
  s.spawn(1, name, spawned_at);
  CHECK(task_of(s, 1).state == TaskState::Spawned);
  CHECK(task_of(s, 1).name == name);
  CHECK(task_of(s, 1).location == spawned_at);
  CHECK(s.state().counters.live_tasks == 1);
  CHECK(s.state().flow == FlowView{FlowStep::Spawned, 1, 0, 0, 0});

  // 2. sent to the queue by the spawner
  s.advance(1 * kMs);
  s.push(1, 0, 1);
  CHECK(task_of(s, 1).state == TaskState::Queued);
  CHECK(task_of(s, 1).queue_entries == 1);
  REQUIRE(s.state().queue.entries.size() == 1);
  CHECK(s.state().queue.entries[0] == QueueEntry{0, 1, 0, Lane::External, 1 * kMs});
  CHECK(s.state().flow.step == FlowStep::Queued);

  // 3. one step: the executor pops it ...
  s.steps(1);
  CHECK(s.state().executor.steps_owed == 1);
  CHECK(s.state().executor.activity == ExecutorActivity::Idle);
  s.advance(3 * kMs);
  s.pop(1, 0, 0);
  CHECK(s.state().queue.entries.empty());
  CHECK(task_of(s, 1).state == TaskState::Polling);
  CHECK(task_of(s, 1).scheduled_ns == 3 * kMs);
  CHECK(s.state().executor.current_task == 1);
  CHECK(s.state().executor.activity == ExecutorActivity::Polling);
  CHECK(s.state().flow.step == FlowStep::Popped);

  // ... and polls it once
  s.poll_begin(1);
  CHECK(task_of(s, 1).polls == 1);
  CHECK(s.state().executor.steps_owed == 0);
  CHECK(s.state().executor.total_polls == 1);
  CHECK(s.state().executor.activity == ExecutorActivity::Polling);
  CHECK(s.state().flow.step == FlowStep::PollStarted);

  s.waker_created(1, 1);
  CHECK(waker_of(s, 1).alive);
  CHECK(waker_of(s, 1).holder == WakerHolder::ExecutorContext);
  CHECK(s.state().counters.live_wakers == 1);
  s.output(1, hello);
  REQUIRE(s.state().output.size() == 1);
  CHECK(s.state().output[0] == OutputLine{4 * kMs, 1, hello});

  s.timer_created(1, 1, 2 * kSec);
  CHECK(timer_of(s, 1).state == TimerState::Created);
  CHECK(timer_of(s, 1).task == 1);
  CHECK(timer_of(s, 1).duration_ns == 2 * kSec);
  CHECK(timer_of(s, 1).deadline_ns == 4 * kMs + 2 * kSec);
  s.timer_event(EventKind::TimerThreadStarted, 1);
  CHECK(timer_of(s, 1).thread_live);
  CHECK(s.state().counters.live_timer_threads == 1);

  // 4. the timer stores a clone of the waker
  s.waker_cloned(2, 1, 1);
  CHECK(waker_of(s, 2).cloned_from == 1);
  CHECK(waker_of(s, 2).holder == WakerHolder::None);
  CHECK(waker_of(s, 1).clones == 1);
  s.waker_stored(2, 1);
  CHECK(waker_of(s, 2).holder == WakerHolder::Timer);
  CHECK(waker_of(s, 2).holder_timer == 1);
  CHECK(timer_of(s, 1).stored_waker == 2);
  CHECK(s.state().flow == FlowView{FlowStep::WakerStored, 1, 1, 2, 4 * kMs});

  // 5. polled: Pending
  s.advance(kMs / 2);
  s.poll_end(1, false, kMs / 2, await_at);
  CHECK(task_of(s, 1).state == TaskState::Pending);
  CHECK(task_of(s, 1).busy_ns == kMs / 2);
  CHECK(task_of(s, 1).suspended_at == await_at);
  CHECK(s.state().executor.current_task == 0);
  CHECK(s.state().executor.activity == ExecutorActivity::Stepping);
  CHECK(s.state().flow.step == FlowStep::PolledPending);

  s.waker_dropped(1, 1);
  CHECK_FALSE(waker_of(s, 1).alive);
  CHECK(s.state().counters.live_wakers == 1);

  // 6. the timer thread waits for its deadline
  s.timer_event(EventKind::TimerThreadWaiting, 1, 4 * kMs + 2 * kSec);
  CHECK(timer_of(s, 1).state == TimerState::Waiting);
  CHECK(s.state().flow == FlowView{FlowStep::TimerWaiting, 1, 1, 0, s.now});

  // 7. it fires and takes the stored waker out
  s.advance(2 * kSec);
  s.timer_event(EventKind::TimerFired, 1);
  CHECK(timer_of(s, 1).state == TimerState::Fired);
  CHECK(timer_of(s, 1).fired);
  CHECK(s.state().flow.step == FlowStep::TimerFired);
  s.waker_removed(2, 1);
  CHECK(timer_of(s, 1).stored_waker == 0);
  CHECK(waker_of(s, 2).holder == WakerHolder::None);
  CHECK(s.state().flow.step == FlowStep::WakerTaken);

  // 8. the wake sends the task back onto the queue
  s.woken(2, 1);
  CHECK(task_of(s, 1).wakes == 1);
  CHECK(waker_of(s, 2).wakes == 1);
  CHECK_FALSE(waker_of(s, 2).alive); // wake() consumes the waker
  CHECK(s.state().counters.live_wakers == 0);
  CHECK(task_of(s, 1).state == TaskState::Pending);
  CHECK(s.state().flow == FlowView{FlowStep::Woken, 1, 0, 2, s.now});
  s.push(1, 1, 1, 2, Lane::Timer);
  CHECK(task_of(s, 1).state == TaskState::Queued);
  CHECK(task_of(s, 1).idle_ns == 2 * kSec);
  REQUIRE(s.state().queue.entries.size() == 1);
  CHECK(s.state().queue.entries[0].pushed_by == 2);
  CHECK(s.state().queue.entries[0].lane == Lane::Timer);
  CHECK(s.state().flow.step == FlowStep::QueuedAgain);
  s.timer_event(EventKind::TimerThreadExited, 1);
  CHECK(timer_of(s, 1).state == TimerState::Exited);
  CHECK_FALSE(timer_of(s, 1).cancelled);
  CHECK(s.state().counters.live_timer_threads == 0);

  // 9. the second step polls it to Ready
  s.steps(1);
  s.advance(1 * kMs);
  s.pop(1, 1, 0);
  CHECK(task_of(s, 1).state == TaskState::Polling);
  CHECK(task_of(s, 1).scheduled_ns == 4 * kMs);
  s.poll_begin(1);
  s.waker_created(3, 1);
  s.output(1, world);
  CHECK(s.state().output.size() == 2);
  s.poll_end(1, true, 200);
  CHECK(task_of(s, 1).state == TaskState::Done);
  CHECK(task_of(s, 1).polls == 2);
  CHECK(task_of(s, 1).busy_ns == kMs / 2 + 200);
  CHECK(task_of(s, 1).suspended_at == 0);
  CHECK(s.state().executor.last_poll_ready);
  CHECK(s.state().flow.step == FlowStep::PolledReady);
  s.waker_dropped(3, 1);
  s.completed(1);
  CHECK(task_of(s, 1).state == TaskState::Done);
  CHECK_FALSE(task_of(s, 1).failed);
  CHECK(s.state().flow.step == FlowStep::Completed);
  s.dropped(1);
  CHECK(task_of(s, 1).state == TaskState::Dropped);
  CHECK(s.state().counters.live_tasks == 0);
  CHECK(s.state().flow.step == FlowStep::Dropped);

  s.emit(EventKind::ChannelClosed);
  CHECK(s.state().queue.closed);
  s.emit(EventKind::ExecutorDone, 0, 2);
  CHECK(s.state().executor.activity == ExecutorActivity::Done);
  CHECK(s.state().executor.reported_polls == 2);
  CHECK(s.state().counters.live_wakers == 0);
  CHECK(s.state().counters.count(EventKind::QueuePush) == 2);
  CHECK(s.state().counters.count(EventKind::PollEnd) == 2);
  CHECK(s.state().log.events_applied == s.log.size());
}

TEST_CASE(
    "a task woken twice while queued has two queue entries and is Queued until both are popped") {
  Script s;
  s.started();
  s.spawn(1);
  s.push(1, 0, 1);
  s.pop(1, 0, 0);
  s.poll_begin(1);
  s.poll_end(1, false);
  CHECK(task_of(s, 1).state == TaskState::Pending);

  s.woken(7, 1, true);
  s.push(1, 1, 1, 7, Lane::Timer);
  s.woken(7, 1, true);
  s.push(1, 2, 2, 7, Lane::Timer);
  CHECK(task_of(s, 1).state == TaskState::Queued);
  CHECK(task_of(s, 1).queue_entries == 2);
  CHECK(task_of(s, 1).wakes == 2);
  CHECK(waker_of(s, 7).alive); // by-ref wakes do not consume
  CHECK(s.state().queue.entries.size() == 2);
  CHECK(s.state().queue.max_length == 2);

  s.pop(1, 1, 1);
  CHECK(task_of(s, 1).state == TaskState::Polling);
  CHECK(task_of(s, 1).queue_entries == 1);
  s.poll_begin(1);
  s.poll_end(1, false);
  CHECK(task_of(s, 1).state == TaskState::Queued); // its 2nd entry is still there
  s.pop(1, 2, 0);
  s.poll_begin(1);
  s.poll_end(1, false);
  CHECK(task_of(s, 1).state == TaskState::Pending);
  CHECK(task_of(s, 1).queue_entries == 0);
  CHECK(s.state().queue.entries.empty());
}

TEST_CASE("a task that wakes itself during its poll stays Polling, then is Queued") {
  Script s;
  s.started();
  s.spawn(1);
  s.push(1, 0, 1);
  s.pop(1, 0, 0);
  s.poll_begin(1);
  s.woken(1, 1, true);
  s.push(1, 1, 1, 1, Lane::Executor);
  CHECK(task_of(s, 1).state == TaskState::Polling);
  CHECK(task_of(s, 1).queue_entries == 1);
  s.poll_end(1, false);
  CHECK(task_of(s, 1).state == TaskState::Queued);
}

TEST_CASE("pushes logged out of ticket order land in channel order") {
  Script s;
  s.started();
  s.push(1, 0, 1);
  s.push(3, 2, 3); // logged before ticket 1: its sender won the race to log
  s.push(2, 1, 3);
  s.push(4, 3, 4);
  const auto& q = s.state().queue.entries;
  REQUIRE(q.size() == 4);
  for (std::uint64_t i = 0; i < 4; ++i) {
    CHECK(q[i].ticket == i);
    CHECK(q[i].task == i + 1);
  }
  s.pop(1, 0, 3);
  REQUIRE(q.size() == 3);
  CHECK(q.front().ticket == 1);
  CHECK(s.state().queue.max_length == 4);
  CHECK(s.state().queue.pushes == 4);
  CHECK(s.state().queue.pops == 1);
}

TEST_CASE("RuntimeStarted and RuntimeReset clear every object, and ids start again") {
  for (EventKind opener : {EventKind::RuntimeStarted, EventKind::RuntimeReset}) {
    CAPTURE(to_string(opener));
    Script s;
    s.started(4);
    s.spawn(1);
    s.push(1, 0, 1);
    s.waker_created(1, 1);
    s.timer_created(1, 1, kSec);
    s.timer_event(EventKind::TimerThreadStarted, 1);
    s.output(1, 0);
    s.mode(ExecutorMode::Pause);
    s.emit(EventKind::ChannelClosed);
    const std::uint64_t applied = s.state().log.events_applied;

    s.emit(opener, 0, 8);
    const FoldState& st = s.state();
    CHECK(st.tasks.empty());
    CHECK(st.wakers.empty());
    CHECK(st.timers.empty());
    CHECK(st.queue.entries.empty());
    CHECK_FALSE(st.queue.closed);
    CHECK(st.output.empty());
    CHECK(st.executor == ExecutorView{});
    CHECK(st.flow == FlowView{});
    CHECK(st.counters.live_tasks == 0);
    CHECK(st.counters.live_wakers == 0);
    CHECK(st.counters.live_timer_threads == 0);
    CHECK(st.counters.count(opener) == 1);
    CHECK(st.counters.count(EventKind::TaskSpawned) == 0);
    CHECK(st.log.events_applied == applied + 1); // the log spans runtimes
    CHECK(st.log.runtime_starts == 2);
    CHECK(st.queue.capacity == (opener == EventKind::RuntimeStarted ? 8u : 0u));

    s.spawn(1);
    CHECK(task_of(s, 1).state == TaskState::Spawned);
    CHECK(task_of(s, 1).queue_entries == 0);
    CHECK(s.state().tasks.size() == 1);
  }
}

TEST_CASE("Fold::reset forgets everything, the log statistics too") {
  Script s;
  s.started();
  s.spawn(1);
  s.fold.reset();
  CHECK(s.state() == FoldState{});
}

TEST_CASE("a finished task woken again stays Done, its stale entry counted") {
  Script s;
  s.started();
  s.spawn(1);
  s.push(1, 0, 1);
  s.pop(1, 0, 0);
  s.poll_begin(1);
  s.poll_end(1, true);
  s.completed(1, true);
  CHECK(task_of(s, 1).state == TaskState::Done);
  CHECK(task_of(s, 1).failed);
  s.woken(5, 1, true);
  s.push(1, 1, 1, 5);
  CHECK(task_of(s, 1).state == TaskState::Done);
  CHECK(task_of(s, 1).queue_entries == 1);
  s.pop(1, 1, 0); // the executor takes it and skips it: no poll follows
  CHECK(task_of(s, 1).state == TaskState::Done);
  CHECK_FALSE(task_of(s, 1).polling);
  CHECK(s.state().executor.current_task == 0);
}
