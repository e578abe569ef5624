// The fold as a function of the log: rebuilt from any prefix it equals the
// live fold; started mid-run or fed garbage it never crashes and stays
// self-consistent; on random workloads it agrees with the workload's truth.
#include "fold/fold.hpp"
#include "workload.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace pollscope;
using namespace pollscope::fold;
using pollscope::fold::test::Workload;

namespace {

// What must hold after any sequence of events, however partial or odd.
void check_invariants(const FoldState& st) {
  std::uint64_t live_tasks = 0, entries = 0, polling = 0;
  for (const TaskView& t : st.tasks.items()) {
    live_tasks += t.dropped ? 0 : 1;
    entries += t.queue_entries;
    if (t.polling) {
      ++polling;
      CHECK(st.executor.current_task == t.id);
    }
    TaskState expect = t.dropped             ? TaskState::Dropped
                       : t.completed         ? TaskState::Done
                       : t.polling           ? TaskState::Polling
                       : t.queue_entries > 0 ? TaskState::Queued
                       : t.polls > 0         ? TaskState::Pending
                                             : TaskState::Spawned;
    CHECK(t.state == expect);
  }
  CHECK(polling <= 1);
  CHECK(live_tasks == st.counters.live_tasks);
  CHECK(entries == st.queue.entries.size());
  for (std::size_t i = 1; i < st.queue.entries.size(); ++i)
    CHECK(st.queue.entries[i - 1].ticket <= st.queue.entries[i].ticket);

  std::uint64_t live_wakers = 0;
  for (const WakerView& w : st.wakers.items()) {
    live_wakers += w.alive ? 1 : 0;
    if (w.holder == WakerHolder::Timer) {
      const TimerView* tm = st.timers.find(w.holder_timer);
      REQUIRE(tm != nullptr);
      CHECK(tm->stored_waker == w.id);
    }
  }
  CHECK(live_wakers == st.counters.live_wakers);

  std::uint64_t threads = 0, finished = 0;
  for (const TimerView& tm : st.timers.items()) {
    threads += tm.thread_live ? 1 : 0;
    finished += (tm.state == TimerState::Exited || tm.state == TimerState::Failed) ? 1 : 0;
    if (tm.stored_waker != 0) {
      const WakerView* w = st.wakers.find(tm.stored_waker);
      REQUIRE(w != nullptr);
      CHECK(w->holder == WakerHolder::Timer);
      CHECK(w->holder_timer == tm.id);
    }
  }
  CHECK(threads == st.counters.live_timer_threads);
  CHECK(finished == st.counters.finished_timers);
  // Finished objects are forgotten beyond twice the number kept.
  CHECK(st.tasks.size() - live_tasks <= 2 * kKeepFinished);
  CHECK(st.wakers.size() - live_wakers <= 2 * kKeepFinished);
  CHECK(finished <= 2 * kKeepFinished);
}

// The workload's truth against the fold, at a quiescent point.
void check_against_model(const Workload& w) {
  const FoldState& st = w.s.state();
  REQUIRE(st.queue.entries.size() == w.queue.size());
  for (std::size_t i = 0; i < w.queue.size(); ++i) {
    CHECK(st.queue.entries[i].task == w.queue[i].first);
    CHECK(st.queue.entries[i].ticket == w.queue[i].second);
  }
  CHECK(st.counters.live_wakers == w.live_wakers.size());
  for (auto [id, task] : w.live_wakers) {
    const WakerView* v = st.wakers.find(id);
    REQUIRE(v != nullptr);
    CHECK(v->alive);
    CHECK(v->task == task);
  }
  std::uint64_t threads = 0;
  for (const auto& [id, tm] : w.timers) {
    threads += tm.live ? 1 : 0;
    const TimerView* v = st.timers.find(id);
    REQUIRE(v != nullptr);
    CHECK(v->thread_live == tm.live);
    CHECK(v->stored_waker == tm.stored);
  }
  CHECK(st.counters.live_timer_threads == threads);
  REQUIRE(st.tasks.size() == w.tasks.size());
  for (const auto& [id, m] : w.tasks) {
    const TaskView* v = st.tasks.find(id);
    REQUIRE(v != nullptr);
    TaskState expect = m.dropped       ? TaskState::Dropped
                       : m.completed   ? TaskState::Done
                       : m.entries > 0 ? TaskState::Queued
                       : m.polled      ? TaskState::Pending
                                       : TaskState::Spawned;
    CHECK(v->state == expect);
    CHECK(v->queue_entries == m.entries);
  }
  CHECK(st.queue.blocked.empty());
}

std::vector<Event> random_log(std::uint32_t seed, int actions) {
  Workload w(seed);
  for (int i = 0; i < actions; ++i) w.step();
  return w.s.log;
}

} // namespace

TEST_CASE(
    "on 1,000 random workloads the fold agrees with the workload's truth after every action") {
  for (std::uint32_t seed = 1; seed <= 1000; ++seed) {
    CAPTURE(seed);
    Workload w(seed);
    for (int i = 0; i < 60; ++i) {
      w.step();
      check_against_model(w);
    }
    check_invariants(w.s.state());
  }
}

TEST_CASE("folding any prefix from scratch gives the state the live fold had at that prefix") {
  for (std::uint32_t seed : {7u, 8u, 9u}) {
    CAPTURE(seed);
    const std::vector<Event> log = random_log(seed, 150);
    REQUIRE(log.size() > 300);
    Fold live;
    std::vector<FoldState> at; // at[k]: the live state after k events
    at.push_back(live.state());
    for (const Event& e : log) {
      live.apply(e);
      at.push_back(live.state());
    }
    for (std::size_t k = 0; k <= log.size(); ++k) {
      CAPTURE(k);
      Fold rebuilt;
      rebuilt.apply(std::span(log).first(k));
      CHECK(rebuilt.state() == at[k]);
    }
  }
}

TEST_CASE("prefix rebuilds agree with the live fold across the points where it forgets finished "
          "objects") {
  // A yield loop: every poll makes a waker and drops it, so the fold forgets
  // dead wakers every ~kKeepFinished polls.
  pollscope::fold::test::Script s;
  s.started(16);
  s.spawn(1);
  s.push(1, 0, 1);
  std::vector<FoldState> at;
  std::vector<std::size_t> where;
  for (WakerId w = 1; w <= 5'000; ++w) {
    s.pop(1, w - 1, 0);
    s.poll_begin(1);
    s.waker_created(w, 1);
    s.woken(w, 1, true);
    s.push(1, w, 1, w, Lane::Executor);
    s.poll_end(1, false);
    s.waker_dropped(w, 1);
    if (w % 97 == 0) {
      at.push_back(s.state());
      where.push_back(s.log.size());
    }
  }
  REQUIRE(s.state().counters.forgotten_wakers > 0);
  for (std::size_t i = 0; i < at.size(); ++i) {
    Fold rebuilt;
    rebuilt.apply(std::span(s.log).first(where[i]));
    CHECK(rebuilt.state() == at[i]);
  }
  check_invariants(s.state());
}

TEST_CASE("a log that starts mid-run folds without a crash and stays self-consistent") {
  const std::vector<Event> log = random_log(11, 120);
  for (std::size_t start = 0; start < log.size(); ++start) {
    CAPTURE(start);
    Fold f;
    f.apply(std::span(log).subspan(start));
    check_invariants(f.state());
    CHECK(f.state().log.events_applied == log.size() - start);
  }
}

TEST_CASE("random garbage events never crash the fold nor break its invariants") {
  std::mt19937 rng(42);
  auto small = [&](std::uint32_t n) {
    return std::uniform_int_distribution<std::uint32_t>(0, n)(rng);
  };
  Fold f;
  for (int i = 0; i < 200'000; ++i) {
    Event e;
    e.kind = static_cast<EventKind>(small(static_cast<std::uint32_t>(EventKind::Count) + 2));
    if (e.kind == EventKind::RuntimeStarted || e.kind == EventKind::RuntimeReset) {
      if (small(50) != 0) e.kind = EventKind::PollBegin;
    }
    e.t = small(1'000'000);
    e.task = small(40);
    e.waker = small(40);
    e.timer = small(10);
    e.a = small(50);
    e.b = small(40);
    e.lane = static_cast<Lane>(small(3));
    e.flags = static_cast<std::uint8_t>(small(15));
    f.apply(e);
    if (i % 1000 == 0) check_invariants(f.state());
  }
  check_invariants(f.state());
  CHECK(f.state().log.events_applied == 200'000);
}

TEST_CASE("applying a span is the same as applying its events one by one") {
  const std::vector<Event> log = random_log(3, 400);
  Fold one_by_one, spanned;
  for (const Event& e : log) one_by_one.apply(e);
  spanned.apply(log);
  CHECK(one_by_one.state() == spanned.state());
}

TEST_CASE("10,000 tasks fill a queue of 10,000 and drain through the executor") {
  pollscope::fold::test::Script s;
  s.started(10'000);
  for (TaskId t = 1; t <= 10'000; ++t) {
    s.spawn(t);
    s.push(t, t - 1, t);
  }
  CHECK(s.state().tasks.size() == 10'000);
  CHECK(s.state().queue.entries.size() == 10'000);
  CHECK(s.state().queue.max_length == 10'000);
  CHECK(s.state().counters.live_tasks == 10'000);
  for (TaskId t = 1; t <= 10'000; ++t) {
    s.pop(t, t - 1, 10'000 - t);
    s.poll_begin(t);
    s.poll_end(t, t % 2 == 0);
    if (t % 2 == 0) s.dropped(t);
  }
  const FoldState& st = s.state();
  CHECK(st.queue.entries.empty());
  CHECK(st.counters.live_tasks == 5'000);
  CHECK(st.executor.total_polls == 10'000);
  CHECK(st.tasks.find(9'999)->state == TaskState::Pending);
  CHECK(st.tasks.find(10'000)->state == TaskState::Dropped);
  // Every live task is kept; of the 5,000 dropped only the most recent are.
  CHECK(st.tasks.find(1) != nullptr);
  CHECK(st.tasks.find(2) == nullptr);
  CHECK(st.tasks.size() - 5'000 + st.counters.forgotten_tasks == 5'000);
  CHECK(st.tasks.size() - 5'000 >= kKeepFinished);
  check_invariants(st);
}
