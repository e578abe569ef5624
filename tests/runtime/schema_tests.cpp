// Schema v2: every event names the thread that wrote it (a row of the log's
// thread table, introduced by ThreadNamed), and every timer event names its
// task.
#include "support.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <thread>

using namespace pollscope;

TEST_CASE("every event of the book's test names a thread row that a ThreadNamed introduced "
          "before it") {
  // A thread keeps its role (its lane) from whatever it ran before: start this
  // one as a fresh thread starts, outside any runtime, whichever test ran first.
  RuntimeContext::set_thread_lane(Lane::External, 0);
  test::TestRuntime t;
  auto [executor, spawner] = executor_and_spawner(t.rt);
  REQUIRE(spawner.spawn(test::hello_world(), "hello") == SendResult::Ok);
  spawner = Spawner{};
  executor.run();

  std::map<ThreadIndex, std::string> names;
  std::map<ThreadIndex, Lane> lanes;
  for (const Event& e : t.events()) {
    REQUIRE(e.thread != 0);
    if (e.kind == EventKind::ThreadNamed) {
      CHECK(names.count(e.thread) == 0); // rows are never reused
      names[e.thread] = std::string(t.strings.get(field::thread_name(e)));
      lanes[e.thread] = field::thread_lane(e);
      continue;
    }
    REQUIRE(names.count(e.thread) == 1); // named before its first event
    CHECK(lanes[e.thread] == e.lane);
  }
  // The test thread spawns, then ticks the executor: two roles, two rows; the
  // timer thread is the third.
  std::set<std::string> seen;
  for (const auto& [row, name] : names) seen.insert(name);
  CHECK(seen.count("executor") == 1);
  CHECK(seen.count("timer 1") == 1);
  CHECK(names.size() == 3);
}

TEST_CASE("every timer event names the task that made the timer") {
  test::TestRuntime t;
  auto [executor, spawner] = executor_and_spawner(t.rt);
  REQUIRE(spawner.spawn(test::hello_world(), "hello") == SendResult::Ok);
  spawner = Spawner{};
  executor.run();

  std::size_t timer_events = 0;
  for (const Event& e : t.events()) {
    switch (e.kind) {
    case EventKind::TimerCreated:
    case EventKind::TimerThreadStarted:
    case EventKind::TimerThreadWaiting:
    case EventKind::TimerFired:
    case EventKind::TimerThreadExited:
      ++timer_events;
      CHECK(e.timer == 1);
      CHECK(e.task == 1);
      break;
    default: break;
    }
  }
  CHECK(timer_events == 5);
}

TEST_CASE("two threads writing to one log get two rows, a thread keeps its row while its role "
          "stays the same") {
  test::TestRuntime t;
  Event e;
  e.kind = EventKind::Output;
  RuntimeContext::set_thread_lane(Lane::Control);
  t.rt.emit(e);
  t.rt.emit(e);
  std::thread other([&] {
    RuntimeContext::set_thread_lane(Lane::External);
    t.rt.emit(e);
  });
  other.join();
  RuntimeContext::set_thread_lane(Lane::External); // leave the test thread as it was

  std::vector<ThreadIndex> rows;
  std::size_t named = 0;
  for (const Event& ev : t.events()) {
    if (ev.kind == EventKind::ThreadNamed) {
      ++named;
    } else {
      rows.push_back(ev.thread);
    }
  }
  REQUIRE(rows.size() == 3);
  CHECK(named == 2);
  CHECK(rows[0] == rows[1]);
  CHECK(rows[2] != rows[0]);
}
