// Lints as pure functions of the fold: each fault, scripted event by event,
// fires its lint at the event where it happens; clean runs raise none (but
// yielders, which wake themselves on purpose, raise the self-wake lint).
#include "fold/describe.hpp"
#include "fold/lints.hpp"
#include "script.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace pollscope;
using namespace pollscope::fold;
using namespace pollscope::fold::test;

namespace {

std::vector<Lint> lints(const Script& s, LintThresholds th = {}) { return evaluate(s.state(), th); }

const Lint* find(const std::vector<Lint>& ls, LintKind k, TaskId task) {
  auto it = std::find_if(ls.begin(), ls.end(),
                         [&](const Lint& l) { return l.kind == k && l.task == task; });
  return it == ls.end() ? nullptr : &*it;
}

std::string text(const Script& s, const Lint& l) {
  StringTable strings;
  return message(l, s.state(), strings);
}

// The index of the event just emitted.
std::uint64_t last(const Script& s) { return s.log.size() - 1; }

// Spawn task `id` (own waker `id`), queue it, pop it and begin its poll.
void spawn_and_poll(Script& s, TaskId id, std::uint64_t ticket) {
  s.spawn(id);
  s.waker_created(id, id);
  s.push(id, ticket, 1);
  s.pop(id, ticket, 0);
  s.poll_begin(id);
}

// Inside a poll of `task`: clone its waker as `clone` and store it in `timer`.
void store_clone(Script& s, TaskId task, WakerId clone, TimerId timer) {
  s.waker_cloned(clone, task, task);
  s.waker_stored(clone, timer);
}

// A timer thread wakes (consuming) a waker it took out of its shared state.
void woken_by_timer(Script& s, WakerId w, TaskId task, TimerId timer) {
  Event e;
  e.kind = EventKind::WakerWoken;
  e.waker = w;
  e.task = task;
  e.timer = timer;
  e.lane = Lane::Timer;
  s.emit(e);
}

// A timer fires and wakes the waker stored in it (the book's order).
void fire_and_wake(Script& s, TimerId timer, WakerId w, TaskId task, std::uint64_t ticket,
                   std::uint64_t len) {
  s.timer_event(EventKind::TimerFired, timer);
  s.waker_removed(w, timer);
  woken_by_timer(s, w, task, timer);
  s.push(task, ticket, len, w, Lane::Timer);
  s.timer_event(EventKind::TimerThreadExited, timer);
}

// The book's hello-world: print, await one timer, print.
void hello_world(Script& s) {
  s.started();
  spawn_and_poll(s, 1, 1);
  s.timer_created(1, 1, 2 * kSec);
  s.timer_event(EventKind::TimerThreadStarted, 1);
  store_clone(s, 1, 2, 1);
  s.poll_end(1, false);
  s.timer_event(EventKind::TimerThreadWaiting, 1);
  s.waiting();
  s.advance(2 * kSec);
  fire_and_wake(s, 1, 2, 1, 2, 1);
  s.pop(1, 2, 0);
  s.poll_begin(1);
  s.poll_end(1, true);
  s.completed(1);
  s.dropped(1);
}

// Every live fold state along the log equals folding that prefix from scratch.
void check_prefixes(const Script& s) {
  Fold live;
  for (std::size_t i = 0; i < s.log.size(); ++i) {
    live.apply(s.log[i]);
    Fold fresh;
    fresh.apply(std::span<const Event>(s.log.data(), i + 1));
    REQUIRE(fresh.state() == live.state());
  }
}

} // namespace

TEST_CASE("a clean hello-world run raises no lint") {
  Script s;
  hello_world(s);
  CHECK(lints(s).empty());
  check_prefixes(s);
}

TEST_CASE("a clean join of three timers raises no lint") {
  Script s;
  s.started();
  spawn_and_poll(s, 1, 1);
  for (TimerId t = 1; t <= 3; ++t) {
    s.timer_created(t, 1, t * 500 * kMs);
    store_clone(s, 1, 1 + t, t);
  }
  s.poll_end(1, false);
  std::uint64_t ticket = 2;
  for (TimerId t = 1; t <= 3; ++t) {
    s.advance(500 * kMs);
    fire_and_wake(s, t, 1 + t, 1, ticket, 1);
    s.pop(1, ticket++, 0);
    s.poll_begin(1);
    s.poll_end(1, t == 3);
  }
  s.completed(1);
  s.dropped(1);
  CHECK(lints(s).empty());
}

TEST_CASE("yielders raise only the self-wake lint: a yield is a wake from the task's own poll") {
  Script s;
  s.started();
  std::uint64_t ticket = 1;
  for (TaskId t = 1; t <= 3; ++t) {
    s.spawn(t);
    s.waker_created(t, t);
    s.push(t, ticket++, t);
  }
  std::uint64_t first_self_wake[4] = {};
  std::uint64_t popped = 1;
  for (int round = 0; round <= 3; ++round) {
    for (TaskId t = 1; t <= 3; ++t) {
      s.pop(t, popped++, 2);
      s.poll_begin(t);
      if (round < 3) {
        s.woken(t, t, /*by_ref=*/true);
        if (round == 0) first_self_wake[t] = last(s);
        s.push(t, ticket++, 3, t, Lane::Executor);
      }
      s.poll_end(t, round == 3);
    }
  }
  for (TaskId t = 1; t <= 3; ++t) {
    s.completed(t);
    s.dropped(t);
  }
  const auto ls = lints(s);
  REQUIRE(ls.size() == 3);
  for (TaskId t = 1; t <= 3; ++t) {
    const Lint* l = find(ls, LintKind::SelfWake, t);
    REQUIRE(l != nullptr);
    CHECK(l->event == first_self_wake[t]);
    CHECK(l->count == 3);
    CHECK(text(s, *l) ==
          "task " + std::to_string(t) + " woke itself in 100% of its wakes (3 of 3)");
  }
  // Above the threshold only: at 100% nothing is above it.
  CHECK(evaluate(s.state(), LintThresholds{100 * kMs, 100}).empty());
  check_prefixes(s);
}

TEST_CASE("a poll that returns Pending without storing its waker is a lost waker at that poll") {
  Script s;
  s.started();
  spawn_and_poll(s, 1, 1);
  s.poll_end(1, false);
  const std::uint64_t at = last(s);
  const auto ls = lints(s);
  REQUIRE(ls.size() == 1);
  CHECK(ls[0].kind == LintKind::LostWaker);
  CHECK(ls[0].task == 1);
  CHECK(ls[0].event == at);
  CHECK(text(s, ls[0]) == "task 1 is pending and nobody holds its waker");
  check_prefixes(s);
}

TEST_CASE("dropping the last clone of a parked task's waker is a lost waker at the drop") {
  Script s;
  s.started();
  spawn_and_poll(s, 1, 1);
  s.timer_created(1, 1, kSec);
  store_clone(s, 1, 2, 1);
  s.poll_end(1, false);
  CHECK(lints(s).empty()); // timer 1 holds a clone: someone can wake it
  // The timer lets go of the waker without waking it.
  s.waker_removed(2, 1);
  CHECK(lints(s).empty()); // in flight: still alive
  s.waker_dropped(2, 1);
  const std::uint64_t at = last(s);
  const auto ls = lints(s);
  REQUIRE(ls.size() == 1);
  CHECK(ls[0].kind == LintKind::LostWaker);
  CHECK(ls[0].event == at);
  // Its end, when the runtime lets go of the task, is the second lint.
  s.dropped(1);
  const auto after = lints(s);
  const Lint* d = find(after, LintKind::DroppedIncomplete, 1);
  REQUIRE(d != nullptr);
  CHECK(d->event == last(s));
}

TEST_CASE(
    "dropping a clone is no lost waker while the task is queued, polling, or held elsewhere") {
  Script s;
  s.started();
  spawn_and_poll(s, 1, 1);
  // Inside the poll: the book replaces the stored clone, dropping the old one.
  store_clone(s, 1, 2, 1);
  store_clone(s, 1, 3, 1);
  s.waker_dropped(2, 1);
  s.poll_end(1, false);
  CHECK(lints(s).empty());
  // A manual waker for the task is someone holding it too.
  s.waker_created(10, 1, WakerKind::Manual);
  s.waker_removed(3, 1);
  s.waker_dropped(3, 1);
  CHECK(lints(s).empty());
  // Woken (consumed) and queued: the push follows the wake.
  s.woken(10, 1);
  s.push(1, 2, 1, 10);
  CHECK(lints(s).empty());
}

TEST_CASE("a second queue entry of the same task is a double wake at the second push") {
  Script s;
  s.started();
  spawn_and_poll(s, 1, 1);
  s.timer_created(1, 1, kSec);
  s.timer_created(2, 1, kSec);
  store_clone(s, 1, 2, 1);
  store_clone(s, 1, 3, 2);
  s.poll_end(1, false);
  s.advance(kSec);
  fire_and_wake(s, 1, 2, 1, 2, 1);
  CHECK(lints(s).empty());
  s.timer_event(EventKind::TimerFired, 2);
  s.waker_removed(3, 2);
  woken_by_timer(s, 3, 1, 2);
  s.push(1, 3, 2, 3, Lane::Timer);
  const std::uint64_t at = last(s);
  auto ls = lints(s);
  REQUIRE(ls.size() == 1);
  CHECK(ls[0].kind == LintKind::DoubleWake);
  CHECK(ls[0].event == at);
  CHECK(text(s, ls[0]) == "task 1 queued twice");
  // The second poll finds nothing to do; popping the leftover is no new lint.
  s.pop(1, 2, 1);
  s.poll_begin(1);
  s.poll_end(1, true);
  s.completed(1);
  s.pop(1, 3, 0);
  s.dropped(1);
  ls = lints(s);
  REQUIRE(ls.size() == 1);
  CHECK(ls[0].count == 1);
  check_prefixes(s);
}

TEST_CASE("the executor blocked sending into its own full queue is a two-party wait-for cycle") {
  Script s;
  s.started(/*capacity=*/1);
  spawn_and_poll(s, 1, 1);
  s.spawn(2);
  s.push(2, 2, 1); // the queue is full
  s.woken(1, 1, /*by_ref=*/true);
  s.blocked(1, Lane::Executor);
  const std::uint64_t at = last(s);
  const LintFacts& f = s.state().lints;
  REQUIRE(f.cycle.active());
  CHECK(f.cycle.parties ==
        std::vector<WaitParty>{{PartyKind::Executor, 0}, {PartyKind::FullQueue, 0}});
  const auto ls = lints(s);
  const Lint* l = find(ls, LintKind::Deadlock, 1);
  REQUIRE(l != nullptr);
  CHECK(l->event == at);
  CHECK(l->active);
  CHECK(text(s, *l) == "deadlock: executor -> full queue -> executor, sending task 1");
  // A reset's cancelled send breaks it; the lint stays, no longer active.
  Event e;
  e.kind = EventKind::SendUnblocked;
  e.task = 1;
  e.lane = Lane::Executor;
  e.flags = kFlagCancelled;
  s.emit(e);
  CHECK_FALSE(s.state().lints.cycle.active());
  const auto broken = lints(s);
  REQUIRE(find(broken, LintKind::Deadlock, 1) != nullptr);
  CHECK_FALSE(find(broken, LintKind::Deadlock, 1)->active);
}

namespace {

void lock_wait(Script& s, EventKind k, TimerId timer, TaskId task) {
  Event e;
  e.kind = k;
  e.timer = timer;
  e.task = task;
  e.lane = Lane::Executor;
  s.emit(e);
}

void timer_blocked(Script& s, TimerId timer, TaskId task) {
  Event e;
  e.kind = EventKind::SendBlocked;
  e.timer = timer;
  e.task = task;
  e.lane = Lane::Timer;
  s.emit(e);
}

// join + capacity 1: timer 3's thread wakes (holding its lock) into the full
// queue; the executor, polling the joining task, needs that lock.
void join_capacity_one(Script& s, bool lock_first) {
  s.started(/*capacity=*/1);
  spawn_and_poll(s, 1, 1);
  for (TimerId t = 1; t <= 3; ++t) {
    s.timer_created(t, 1, t * 500 * kMs);
    store_clone(s, 1, 1 + t, t);
  }
  s.poll_end(1, false);
  s.advance(500 * kMs);
  fire_and_wake(s, 1, 2, 1, 2, 1); // the queue is full now
  s.pop(1, 2, 0);
  s.spawn(2);
  s.push(2, 3, 1); // full again
  s.poll_begin(1);
  s.advance(10 * kMs); // timer 3 was due 1 s after timer 1 (virtual time jumps)
  s.timer_event(EventKind::TimerFired, 3);
  s.waker_removed(4, 3);
  woken_by_timer(s, 4, 1, 3);
  if (lock_first) {
    lock_wait(s, EventKind::LockWaitBegin, 3, 1);
    CHECK_FALSE(s.state().lints.cycle.active());
    timer_blocked(s, 3, 1);
  } else {
    timer_blocked(s, 3, 1);
    CHECK_FALSE(s.state().lints.cycle.active());
    lock_wait(s, EventKind::LockWaitBegin, 3, 1);
  }
}

} // namespace

TEST_CASE("the executor waiting for a timer's lock while that timer's thread sends into the full "
          "queue is a three-party wait-for cycle, in either order") {
  for (bool lock_first : {false, true}) {
    CAPTURE(lock_first);
    Script s;
    join_capacity_one(s, lock_first);
    const std::uint64_t at = last(s);
    const LintFacts& f = s.state().lints;
    REQUIRE(f.cycle.active());
    CHECK(f.cycle.parties == std::vector<WaitParty>{{PartyKind::Executor, 0},
                                                    {PartyKind::TimerLock, 3},
                                                    {PartyKind::FullQueue, 0}});
    const auto ls = lints(s);
    REQUIRE(ls.size() == 1);
    CHECK(ls[0].kind == LintKind::Deadlock);
    CHECK(ls[0].event == at);
    CHECK(ls[0].timer == 3);
    CHECK(text(s, ls[0]) ==
          "deadlock: executor -> timer 3's lock -> full queue -> executor, sending task 1");
    check_prefixes(s);
    // A reset forgets the runtime, the cycle and its lint with it.
    s.emit(EventKind::RuntimeReset);
    CHECK_FALSE(s.state().lints.cycle.active());
    CHECK(lints(s).empty());
  }
}

TEST_CASE("a lock wait alone, or a timer blocked on the queue alone, is no deadlock") {
  Script s;
  s.started(1);
  spawn_and_poll(s, 1, 1);
  lock_wait(s, EventKind::LockWaitBegin, 3, 1);
  lock_wait(s, EventKind::LockWaitEnd, 3, 1);
  timer_blocked(s, 3, 1);
  lock_wait(s, EventKind::LockWaitBegin, 4, 1); // another timer's lock
  CHECK_FALSE(s.state().lints.cycle.active());
  const auto ls = lints(s);
  CHECK(find(ls, LintKind::Deadlock, 1) == nullptr);
}

TEST_CASE("a poll over the threshold is a blocking poll at its end, with a threshold the user "
          "sets") {
  Script s;
  s.started();
  spawn_and_poll(s, 1, 1);
  s.advance(1200 * kMs);
  s.waker_cloned(2, 1, 1);
  s.woken(2, 1); // woken by a clone, not by ref: still counts as a self-wake
  s.push(1, 2, 1, 2, Lane::Executor);
  s.poll_end(1, false, 1200 * kMs);
  const std::uint64_t at = last(s);
  auto ls = evaluate(s.state(), LintThresholds{100 * kMs, 100});
  REQUIRE(ls.size() == 1);
  CHECK(ls[0].kind == LintKind::BlockingPoll);
  CHECK(ls[0].event == at);
  CHECK(ls[0].value == 1200 * kMs);
  CHECK(text(s, ls[0]) ==
        "poll of task 1 took " + format_duration(1200 * kMs) + ", blocking the executor");
  // A higher threshold: no lint. A lower one than the floor is the floor.
  CHECK(evaluate(s.state(), LintThresholds{2 * kSec, 100}).empty());
  // Two more polls, one short and one long: the count follows the threshold.
  s.pop(1, 2, 0);
  s.poll_begin(1);
  s.waker_cloned(3, 1, 1);
  s.poll_end(1, false, 50 * kMs);
  woken_by_timer(s, 3, 1, 1);
  s.push(1, 3, 1, 3);
  s.pop(1, 3, 0);
  s.poll_begin(1);
  s.poll_end(1, true, 300 * kMs);
  ls = evaluate(s.state(), LintThresholds{100 * kMs, 100});
  REQUIRE(ls.size() == 1);
  CHECK(ls[0].count == 2);
  CHECK(ls[0].event == at);
  ls = evaluate(s.state(), LintThresholds{40 * kMs, 100});
  REQUIRE(ls.size() == 1);
  CHECK(ls[0].count == 3);
}

TEST_CASE("a poll still running past the threshold is a task that has not yielded, as of the "
          "latest event") {
  Script s;
  s.started();
  spawn_and_poll(s, 1, 1);
  const std::uint64_t begin = last(s);
  s.advance(50 * kMs);
  s.output(1, 0);
  CHECK(lints(s).empty());
  s.advance(450 * kMs);
  s.output(0, 0); // any event moves "now"
  auto ls = lints(s);
  REQUIRE(ls.size() == 1);
  CHECK(ls[0].kind == LintKind::NeverYielded);
  CHECK(ls[0].event == begin);
  CHECK(ls[0].value == 500 * kMs);
  CHECK(text(s, ls[0]) ==
        "task 1 has not yielded for " + format_duration(500 * kMs) + ": its poll is still running");
  CHECK(evaluate(s.state(), LintThresholds{kSec, 50}).empty());
  // When it returns it becomes a blocking poll.
  s.waker_cloned(2, 1, 1);
  s.waker_stored(2, 1);
  s.poll_end(1, false, 500 * kMs);
  ls = lints(s);
  REQUIRE(ls.size() == 1);
  CHECK(ls[0].kind == LintKind::BlockingPoll);
}

TEST_CASE("a waker stored into a timer that already fired with none is a wake before store, and "
          "the task's waker is lost") {
  Script s;
  s.started();
  spawn_and_poll(s, 1, 1);
  s.timer_created(1, 1, 10 * kMs);
  // The future checked `completed` (false) and, before it stored the waker,
  // the timer fired: nobody to wake.
  s.advance(10 * kMs);
  s.timer_event(EventKind::TimerFired, 1);
  s.timer_event(EventKind::TimerThreadExited, 1);
  CHECK(lints(s).empty());
  store_clone(s, 1, 2, 1);
  const std::uint64_t stored = last(s);
  s.poll_end(1, false);
  const std::uint64_t pending = last(s);
  const auto ls = lints(s);
  REQUIRE(ls.size() == 2);
  CHECK(ls[0].kind == LintKind::WakeBeforeStore);
  CHECK(ls[0].event == stored);
  CHECK(ls[0].timer == 1);
  CHECK(text(s, ls[0]) == "task 1 was woken before it stored its waker (timer 1 fired first)");
  CHECK(ls[1].kind == LintKind::LostWaker);
  CHECK(ls[1].event == pending);
  check_prefixes(s);
}

TEST_CASE("a task dropped before it completed is a lint, a refused spawn's drop is not") {
  Script s;
  s.started(1);
  s.spawn(1);
  s.push(1, 1, 1);
  s.spawn(2);
  s.emit(EventKind::TrySendFull, 2);
  s.dropped(2);
  CHECK(lints(s).empty());
  s.dropped(1);
  const auto ls = lints(s);
  REQUIRE(ls.size() == 1);
  CHECK(ls[0].kind == LintKind::DroppedIncomplete);
  CHECK(ls[0].task == 1);
  CHECK(text(s, ls[0]) == "task 1 was dropped before it completed");
}

TEST_CASE("lints of a task are listed once per kind for its badges") {
  std::vector<Lint> ls(3);
  ls[0].kind = LintKind::DoubleWake;
  ls[0].task = 1;
  ls[1].kind = LintKind::DoubleWake;
  ls[1].task = 1;
  ls[2].kind = LintKind::SelfWake;
  ls[2].task = 2;
  CHECK(lints_of(ls, 1) == std::vector<LintKind>{LintKind::DoubleWake});
  CHECK(lints_of(ls, 3).empty());
}

TEST_CASE("every lint kind has a title and an explanation") {
  for (std::size_t k = 0; k < kLintKindCount; ++k) {
    CHECK_FALSE(to_string(static_cast<LintKind>(k)).empty());
    CHECK(describe(static_cast<LintKind>(k)).size() > 20);
  }
}
