// The fold's executor: its activity (waiting, polling, paused, stepping,
// blocked), the steps it owes, and the task it holds.
#include "fold/describe.hpp"
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

TEST_CASE("senders blocked on a full queue are listed until they get their slot") {
  Script s;
  s.started(1);
  s.mode(ExecutorMode::Run);
  s.push(1, 0, 1);
  s.blocked(2, Lane::External); // the spawner, sending task 2
  REQUIRE(s.state().queue.blocked.size() == 1);
  CHECK(s.state().queue.blocked[0] == BlockedSender{2, Lane::External, 0});
  CHECK(s.state().executor.activity != ExecutorActivity::Blocked);
  CHECK(task_of(s, 2).state == TaskState::Spawned);
  CHECK(s.state().flow.step == FlowStep::SendBlocked);

  s.blocked(1, Lane::Executor); // the executor, re-sending task 1 mid-poll
  CHECK(s.state().queue.blocked.size() == 2);
  CHECK(s.state().executor.blocked);
  CHECK(s.state().executor.activity == ExecutorActivity::Blocked);

  s.unblocked(2, Lane::External);
  REQUIRE(s.state().queue.blocked.size() == 1);
  CHECK(s.state().queue.blocked[0].task == 1);
  CHECK(s.state().executor.activity == ExecutorActivity::Blocked);
  s.unblocked(1, Lane::Executor);
  CHECK(s.state().queue.blocked.empty());
  CHECK(s.state().executor.activity == ExecutorActivity::Idle);

  s.emit(EventKind::TrySendFull, 9);
  CHECK(s.state().queue.try_send_refused == 1);
  CHECK(s.state().queue.last_refused_task == 9);
  CHECK(s.state().tasks.find(9) == nullptr); // a refused spawn is no task on screen
  CHECK(s.state().flow.step == FlowStep::SpawnRefused);
  CHECK(s.state().flow.task == 9);
  s.dropped(9); // the refused task's drop belongs to the refusal, not to a finished run
  CHECK(s.state().flow.step == FlowStep::SpawnRefused);
  s.dropped(1); // any other drop still reads as one
  CHECK(s.state().flow.step == FlowStep::Dropped);
}

TEST_CASE("the executor's activity follows its mode, the steps owed and the queue") {
  Script s;
  s.started();
  auto activity = [&] { return s.state().executor.activity; };
  CHECK(activity() == ExecutorActivity::Idle);
  s.waiting();
  CHECK(activity() == ExecutorActivity::Waiting);
  s.mode(ExecutorMode::Pause);
  CHECK(activity() == ExecutorActivity::Paused);
  s.mode(ExecutorMode::Step);
  CHECK(activity() == ExecutorActivity::Stepping); // no step owed
  s.steps(2);
  CHECK(activity() == ExecutorActivity::Waiting); // a step owed, the queue empty
  s.push(1, 0, 1);
  s.pop(1, 0, 0); // the pop is the tick a step pays for
  CHECK(s.state().executor.steps_owed == 1);
  CHECK(activity() == ExecutorActivity::Polling);
  CHECK_FALSE(s.state().executor.waiting);
  s.poll_begin(1);
  CHECK(s.state().executor.steps_owed == 1);
  s.poll_end(1, false);
  CHECK(activity() == ExecutorActivity::Idle); // a step still owed
  s.push(1, 1, 1);
  s.pop(1, 1, 0);
  CHECK(s.state().executor.steps_owed == 0);
  s.poll_begin(1);
  CHECK(activity() == ExecutorActivity::Polling);
  s.poll_end(1, false);
  CHECK(activity() == ExecutorActivity::Stepping);
  s.mode(ExecutorMode::Run);
  CHECK(activity() == ExecutorActivity::Idle);
  s.mode(ExecutorMode::Throttle);
  s.waiting();
  CHECK(activity() == ExecutorActivity::Waiting);
  s.emit(EventKind::ExecutorDone, 0, 2);
  CHECK(activity() == ExecutorActivity::Done);
  CHECK(s.state().executor.mode == ExecutorMode::Throttle);
}

TEST_CASE("leaving Step mode forgets the steps owed, as the controller does") {
  Script s;
  s.started();
  s.mode(ExecutorMode::Step);
  s.steps(3);
  CHECK(s.state().executor.steps_owed == 3);
  s.mode(ExecutorMode::Step); // staying in Step keeps them
  CHECK(s.state().executor.steps_owed == 3);
  s.mode(ExecutorMode::Run);
  CHECK(s.state().executor.steps_owed == 0);
  s.mode(ExecutorMode::Step);
  CHECK(s.state().executor.activity == ExecutorActivity::Stepping);
}

TEST_CASE("a stale entry of a finished task is popped, skipped and still spends a step") {
  Script s;
  s.started();
  s.mode(ExecutorMode::Step);
  s.spawn(1);
  s.push(1, 0, 1);
  s.steps(1);
  s.pop(1, 0, 0);
  s.poll_begin(1);
  s.woken(1, 1, true); // woken during its last poll
  s.push(1, 1, 1, 1, Lane::Executor);
  s.poll_end(1, true);
  s.completed(1);
  CHECK(task_of(s, 1).state == TaskState::Done);
  s.steps(1);
  s.pop(1, 1, 0); // the executor drops it unpolled
  CHECK(s.state().executor.steps_owed == 0);
  CHECK(s.state().executor.current_task == 0);
  CHECK_FALSE(task_of(s, 1).polling);
  CHECK(s.state().executor.activity == ExecutorActivity::Stepping);
  s.steps(1);
  s.waiting();
  CHECK(s.state().executor.activity == ExecutorActivity::Waiting);
}

TEST_CASE("a task left mid-poll by a partial log is let go when the executor moves on") {
  Script s;
  s.started();
  s.push(1, 0, 1);
  s.pop(1, 0, 0);
  s.poll_begin(1); // no PollEnd is ever logged
  s.push(2, 1, 1);
  s.pop(2, 1, 0);
  CHECK(task_of(s, 1).state == TaskState::Pending);
  CHECK(task_of(s, 2).state == TaskState::Polling);
  CHECK(s.state().executor.current_task == 2);
  s.waiting();
  CHECK(task_of(s, 2).state == TaskState::Spawned); // never polled
  CHECK(s.state().executor.current_task == 0);
  CHECK(s.state().executor.activity == ExecutorActivity::Waiting);
}

TEST_CASE("popping a task that already finished reads as a leftover entry, not as a poll") {
  // join's pattern: a task woken twice is queued twice; after the first entry
  // polls it to Ready, the second is popped and dropped without a poll.
  Script s;
  s.started();
  s.spawn(1);
  s.push(1, 0, 1);
  s.push(1, 1, 2, 5); // a second wake, by waker 5
  s.pop(1, 0, 1);
  CHECK(s.state().flow.step == FlowStep::Popped);
  s.poll_begin(1);
  s.poll_end(1, true);
  s.completed(1);
  s.pop(1, 1, 0);
  CHECK(s.state().flow.step == FlowStep::PoppedFinished);
  CHECK(s.state().flow.task == 1);
  CHECK(s.state().queue.entries.empty());
  const StringTable strings;
  CHECK(describe_flow(s.state(), strings).find("already finished") != std::string::npos);
}
