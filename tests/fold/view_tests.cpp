// The view-state the panels draw: task rows (filter, sort), queue rows,
// waker and timer rows, the event log filter.
#include "fold/view.hpp"
#include "script.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace pollscope;
using namespace pollscope::fold;
using pollscope::fold::test::kMs;
using pollscope::fold::test::kSec;
using pollscope::fold::test::Script;

namespace {

// Task ids of the rows, in row order.
std::vector<TaskId> ids(const FoldState& st, const std::vector<std::uint32_t>& rows) {
  std::vector<TaskId> out;
  for (auto i : rows) out.push_back(st.tasks.items()[i].id);
  return out;
}

// Five tasks in every live state but Dropped, plus a dropped one:
//   1 "Hello-World" Done    2 "timer-a" Pending   3 "timer-b" Queued (x2)
//   4 "yield"       Polling 5 "idle"    Spawned   6 "gone"    Dropped
struct Fixture {
  StringTable strings;
  Script s;
  Fixture() {
    s.started(16);
    const char* names[] = {"Hello-World", "timer-a", "timer-b", "yield", "idle", "gone"};
    for (TaskId t = 1; t <= 6; ++t)
      s.spawn(t, strings.intern(names[t - 1]),
              strings.intern(t == 2 ? "main.cpp:40" : "lib.cpp:7"));
    std::uint64_t ticket = 0;
    for (TaskId t = 1; t <= 4; ++t) s.push(t, ticket++, t);
    for (TaskId t = 1; t <= 4; ++t) {
      s.advance(t * kMs);
      s.pop(t, t - 1, 4 - t);
      s.poll_begin(t);
      if (t == 4) break; // left mid-poll
      s.poll_end(t, t == 1, t * 100);
    }
    s.woken(9, 3, true);
    s.push(3, ticket++, 1, 9);
    s.woken(9, 3, true);
    s.push(3, ticket++, 2, 9);
    s.dropped(6);
    s.advance(kSec);
  }
};

} // namespace

TEST_CASE(
    "task rows match the filter text case-insensitively in the name, the id or the location") {
  Fixture f;
  const FoldState& st = f.s.state();
  auto rows = [&](std::string text) { return ids(st, task_rows(st, f.strings, TaskQuery{text})); };
  CHECK(rows("") == std::vector<TaskId>{1, 2, 3, 4, 5, 6});
  CHECK(rows("hello") == std::vector<TaskId>{1});
  CHECK(rows("TIMER") == std::vector<TaskId>{2, 3});
  CHECK(rows("main.cpp") == std::vector<TaskId>{2});
  CHECK(rows("5") == std::vector<TaskId>{5});
  CHECK(rows("e") == std::vector<TaskId>{1, 2, 3, 4, 5, 6}); // "e" is in every name
  CHECK(rows("nothing-like-it").empty());
}

TEST_CASE("task rows keep only the states in the state filter") {
  Fixture f;
  const FoldState& st = f.s.state();
  TaskQuery q;
  q.states = TaskStateSet::none();
  CHECK(task_rows(st, f.strings, q).empty());
  q.states.set(TaskState::Queued, true);
  q.states.set(TaskState::Pending, true);
  CHECK(ids(st, task_rows(st, f.strings, q)) == std::vector<TaskId>{2, 3});
  q.states.set(TaskState::Pending, false);
  q.text = "timer";
  CHECK(ids(st, task_rows(st, f.strings, q)) == std::vector<TaskId>{3});
  CHECK(TaskStateSet::all().contains(TaskState::Dropped));
  CHECK(st.tasks.find(1)->state == TaskState::Done);
  CHECK(st.tasks.find(4)->state == TaskState::Polling);
  CHECK(st.tasks.find(5)->state == TaskState::Spawned);
}

TEST_CASE("task rows sort by any column, both ways, ties staying in id order") {
  Fixture f;
  const FoldState& st = f.s.state();
  auto sorted = [&](TaskColumn c, bool desc) {
    TaskQuery q;
    q.sort = c;
    q.descending = desc;
    q.now = f.s.now; // 1 s after the last event: open intervals count
    return ids(st, task_rows(st, f.strings, q));
  };
  using V = std::vector<TaskId>;
  CHECK(sorted(TaskColumn::Id, false) == V{1, 2, 3, 4, 5, 6});
  CHECK(sorted(TaskColumn::Id, true) == V{6, 5, 4, 3, 2, 1});
  CHECK(sorted(TaskColumn::Name, false) == V{6, 1, 5, 2, 3, 4}); // gone, Hello-World, idle, ...
  CHECK(sorted(TaskColumn::Name, true) == V{4, 3, 2, 5, 1, 6});
  // Spawned < Queued < Polling < Pending < Done < Dropped
  CHECK(sorted(TaskColumn::State, false) == V{5, 3, 4, 2, 1, 6});
  CHECK(sorted(TaskColumn::State, true) == V{6, 1, 2, 4, 3, 5});
  CHECK(sorted(TaskColumn::Polls, false) == V{5, 6, 1, 2, 3, 4}); // ties: id order
  CHECK(sorted(TaskColumn::Polls, true) == V{1, 2, 3, 4, 5, 6});
  CHECK(sorted(TaskColumn::Wakes, true) == V{3, 1, 2, 4, 5, 6});
  CHECK(sorted(TaskColumn::Busy, true) == V{3, 2, 1, 4, 5, 6});
  // Idle: only task 2 is Pending, since its poll ended.
  CHECK(sorted(TaskColumn::Idle, true).front() == 2);
  // Scheduled: 3 is queued now (open interval), 4 waited 1+2+3+4 ms.
  CHECK(sorted(TaskColumn::Scheduled, true) == V{3, 4, 2, 1, 5, 6});
}

TEST_CASE("times include the interval in progress at the given now") {
  Script s;
  s.started();
  s.spawn(1);
  s.push(1, 0, 1);
  s.advance(5 * kMs);
  const TaskView& t = *s.state().tasks.find(1);
  CHECK(t.scheduled_ns == 0);
  CHECK(task_times_at(t, s.now).scheduled_ns == 5 * kMs);
  CHECK(task_times_at(t, s.now).idle_ns == 0);
  s.pop(1, 0, 0);
  s.poll_begin(1);
  s.advance(kMs);
  s.poll_end(1, false, kMs);
  s.advance(7 * kMs);
  const TaskView& p = *s.state().tasks.find(1);
  CHECK(task_times_at(p, s.now).idle_ns == 7 * kMs);
  CHECK(task_times_at(p, s.now).scheduled_ns == 5 * kMs);
  CHECK(task_times_at(p, s.now).busy_ns == kMs);
  CHECK(task_times_at(p, 0).idle_ns == 0); // a `now` in the past adds nothing
}

TEST_CASE("queue rows list the channel in order and mark a task's later entries as duplicates") {
  Fixture f;
  const auto rows = queue_rows(f.s.state().queue);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].position == 0);
  CHECK(rows[0].entry.task == 3);
  CHECK_FALSE(rows[0].duplicate);
  CHECK(rows[1].position == 1);
  CHECK(rows[1].duplicate);
  CHECK(rows[1].occurrence == 2);
  CHECK(rows[1].entry.pushed_by == 9);
  CHECK(queue_fill(f.s.state().queue) == doctest::Approx(2.0 / 16));
  CHECK(queue_fill(QueueView{}) == 0);
}

TEST_CASE("waker rows hide dropped wakers unless asked to show them") {
  Script s;
  s.started();
  s.waker_created(1, 1);
  s.waker_cloned(2, 1, 1);
  s.waker_cloned(3, 1, 1);
  s.waker_dropped(2, 1);
  const FoldState& st = s.state();
  auto wid = [&](const std::vector<std::uint32_t>& rows) {
    std::vector<WakerId> out;
    for (auto i : rows) out.push_back(st.wakers.items()[i].id);
    return out;
  };
  CHECK(wid(waker_rows(st, false)) == std::vector<WakerId>{1, 3});
  CHECK(wid(waker_rows(st, true)) == std::vector<WakerId>{1, 2, 3});
}

TEST_CASE(
    "a task's own waker is held by its task between polls and lent to the executor during one") {
  Script s;
  s.started();
  s.spawn(1);
  s.waker_created(1, 1);
  s.push(1, 0, 1);
  auto holder = [&](WakerId id) { return holder_text(s.state(), waker_of(s, id)).label; };
  CHECK(holder(1) == "its task"); // queued: nobody polls it
  s.pop(1, 0, 0);
  s.poll_begin(1);
  CHECK(holder(1) == "executor (poll)");
  s.waker_cloned(2, 1, 1);
  CHECK(holder(2) == "-"); // a fresh clone in flight
  s.timer_created(1, 1, 2 * kSec);
  s.waker_stored(2, 1);
  CHECK(holder(2) == "timer 1");
  s.poll_end(1, false);
  CHECK(holder(1) == "its task"); // parked on the timer
  CHECK_FALSE(holder_text(s.state(), waker_of(s, 1)).help.empty());
  s.waker_removed(2, 1);
  s.woken(2, 1);
  s.waker_dropped(2, 1);
  CHECK(holder(2) == "dropped");
}

TEST_CASE("timer rows show progress to the deadline at a given now") {
  Script s;
  s.started();
  s.timer_created(1, 1, 2 * kSec); // deadline 2 s
  s.timer_created(2, 1, 0);        // a zero-length timer is complete at once
  s.timer_created(3, 1, 1 * kSec);
  s.timer_event(EventKind::TimerFired, 3);
  s.timer_event(EventKind::TimerThreadExited, 3);
  const FoldState& st = s.state();
  auto rows = timer_rows(st, kSec / 2);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].progress == doctest::Approx(0.25));
  CHECK(rows[0].remaining_ns == 3 * kSec / 2);
  CHECK(rows[1].progress == doctest::Approx(1.0));
  CHECK(rows[2].progress == doctest::Approx(1.0)); // fired early: full
  CHECK(timer_rows(st, 3 * kSec)[0].progress == doctest::Approx(1.0));
  CHECK(timer_rows(st, 3 * kSec)[0].remaining_ns == 0);
  CHECK(timer_rows(st, kSec / 2, false).size() == 2); // exited ones hidden
}

TEST_CASE(
    "the event log filter keeps the chosen kinds and one task's events, timer events included") {
  Script s;
  s.started();
  s.spawn(1);
  s.spawn(2);
  s.timer_created(1, 1, kSec);
  s.timer_event(EventKind::TimerFired, 1); // names only the timer
  s.waker_created(4, 2);
  s.waker_dropped(4, 0); // names only the waker
  const auto& log = s.log;

  EventFilter all;
  CHECK(filter_events(log, all).size() == log.size());

  EventFilter spawns;
  spawns.kinds = EventKindSet::none();
  spawns.kinds.set(EventKind::TaskSpawned, true);
  CHECK(filter_events(log, spawns) == std::vector<std::uint32_t>{1, 2});

  EventFilter task1;
  task1.task = 1;
  CHECK(filter_events(log, task1) == std::vector<std::uint32_t>{1, 3, 4});
  EventFilter task2;
  task2.task = 2;
  CHECK(filter_events(log, task2) == std::vector<std::uint32_t>{2, 5, 6});

  // After a reset the same ids name other objects.
  s.emit(EventKind::RuntimeReset);
  s.timer_event(EventKind::TimerFired, 1);
  CHECK(filter_events(s.log, task1) == std::vector<std::uint32_t>{1, 3, 4});
}

TEST_CASE(
    "the incremental event filter equals a rescan as the log grows, and restarts on a new filter") {
  Script s;
  s.started();
  FilteredEvents view;
  EventFilter f;
  f.task = 2;
  for (TaskId t = 1; t <= 300; ++t) {
    s.spawn(t % 3);
    s.timer_created(t, t % 3, kSec);
    s.timer_event(EventKind::TimerFired, t);
    view.update(s.log, f);
    const auto rows = view.rows();
    REQUIRE(std::vector<std::uint32_t>(rows.begin(), rows.end()) == filter_events(s.log, f));
  }
  f.task = 0;
  f.kinds = EventKindSet::none();
  f.kinds.set(EventKind::TimerFired, true);
  view.update(s.log, f);
  CHECK(view.rows().size() == 300);
  view.update(std::span(s.log).first(10), f); // a cleared (shorter) log rescans
  CHECK(view.rows().size() == 3);
}

TEST_CASE("a million events filter by task into the right indices") {
  std::vector<Event> log(1'000'000);
  for (std::size_t i = 0; i < log.size(); ++i) {
    log[i].kind = i % 2 ? EventKind::PollBegin : EventKind::PollEnd;
    log[i].task = static_cast<TaskId>(i % 1000 + 1);
  }
  EventFilter f;
  f.task = 7;
  f.kinds = EventKindSet::none();
  f.kinds.set(EventKind::PollEnd, true);
  const auto rows = filter_events(log, f);
  REQUIRE(rows.size() == 1000);
  CHECK(rows.front() == 6);
  CHECK(rows.back() == 999'006);
  CHECK(std::all_of(rows.begin(), rows.end(), [&](auto i) { return log[i].task == 7; }));
}

TEST_CASE("the Tasks panel says how many finished tasks the view has forgotten, and why") {
  CHECK(forgotten_note(0, "tasks").label.empty());
  Script s;
  s.started();
  const TaskId n = 2 * kKeepFinished + 10; // past the forgetting threshold
  for (TaskId t = 1; t <= n; ++t) {
    s.spawn(t);
    s.completed(t);
    s.dropped(t);
  }
  const std::uint64_t forgotten = s.state().counters.forgotten_tasks;
  REQUIRE(forgotten > 0);
  CHECK(s.state().tasks.size() + forgotten == n); // every task is either listed or counted
  const ForgottenNote note = forgotten_note(forgotten, "tasks");
  CHECK(note.label == "+" + std::to_string(forgotten) + " older finished tasks not listed");
  CHECK(note.help.find(std::to_string(kKeepFinished)) != std::string::npos);
}
