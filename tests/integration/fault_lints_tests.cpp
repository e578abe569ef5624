// Golden lints: each bundled fault scenario, run by the real executor on the
// virtual clock, raises its lint at the event where its fault happens, and
// nothing it should not; each clean scenario raises none (the yielders only
// their self-wakes, because a yield is a wake from the task's own poll).
//
// Scenarios that end are driven by hand on this thread. The two deadlocks
// cannot be (the executor is the thread that blocks): the executor runs on a
// thread of its own while this one folds the log until the cycle shows, then
// tears the runtime down as a reset does.
#include "fold/fold.hpp"
#include "fold/lints.hpp"
#include "runtime/executor.hpp"
#include "runtime/scenarios.hpp"
#include "runtime/timer_threads.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

using namespace pollscope;
using fold::LintKind;

namespace {

// A run's every event, in log order (a lint's `event` indexes it), and the
// fold of them at the moment the test looked (`state`).
struct Run {
  std::vector<Event> events;
  fold::FoldState state;
  std::vector<fold::Lint> lints;
  [[nodiscard]] const fold::Lint* find(LintKind k) const {
    auto it =
        std::find_if(lints.begin(), lints.end(), [&](const fold::Lint& l) { return l.kind == k; });
    return it == lints.end() ? nullptr : &*it;
  }
  [[nodiscard]] std::vector<LintKind> kinds() const {
    std::vector<LintKind> out;
    for (const fold::Lint& l : lints) out.push_back(l.kind);
    std::sort(out.begin(), out.end());
    return out;
  }
  // The event a lint points at.
  [[nodiscard]] const Event& at(const fold::Lint& l) const {
    REQUIRE(l.event < events.size());
    return events[l.event];
  }
};

std::vector<LintKind> sorted(std::vector<LintKind> k) {
  std::sort(k.begin(), k.end());
  return k;
}

// The runtime of one run: a virtual clock that jumps to the next deadline.
struct Rig {
  VirtualClock clock;
  StringTable strings;
  EventLog log{1u << 16};
  RuntimeContext rt{RuntimeContext::Options{&clock, &strings, &log, /*introspection=*/true}};
  fold::Fold fold;
  Run run;
  std::vector<Event> batch;

  void drain() {
    batch.clear();
    log.drain(batch);
    fold.apply(batch);
    run.events.insert(run.events.end(), batch.begin(), batch.end());
  }
  Run finish() {
    rt.timers().shutdown();
    drain();
    run.state = fold.state();
    run.lints = fold::evaluate(run.state, fold::LintThresholds{});
    return std::move(run);
  }
};

const Scenario& bundled(std::string_view name) {
  const Scenario* s = find_scenario(name);
  REQUIRE_MESSAGE(s != nullptr, "scenario " << name << " not found in " << scenarios_dir());
  return *s;
}

// Polls on this thread until every task is done or nothing is queued and no
// deadline is left (stuck); the lints are read there, before the teardown.
Run drive(std::string_view name) {
  Rig r;
  const Scenario& sc = bundled(name);
  auto [ex, sp] = executor_and_spawner(r.rt, sc.capacity.value_or(kDefaultQueueCapacity));
  REQUIRE(sc.spawn(sp, {}));
  sp = Spawner{};
  for (unsigned polls = 0; polls < 100000; ++polls) {
    const TickResult t = ex.try_tick();
    if (t == TickResult::Closed) break;
    if (t == TickResult::Empty && !r.clock.on_idle()) break; // stuck
  }
  r.drain();
  Run stuck{r.run.events, r.fold.state(), fold::evaluate(r.fold.state(), {})};
  ex.channel().shut_down();
  r.finish();
  return stuck;
}

// The executor on its own thread; folds until `stop` holds for the folded
// state (at most 30 s of wall time, so a broken runtime fails the test rather
// than hanging it), reads the lints there, then tears the runtime down.
Run run_until(std::string_view name, const std::function<bool(const fold::FoldState&)>& stop) {
  Rig r;
  const Scenario& sc = bundled(name);
  auto [ex, sp] = executor_and_spawner(r.rt, sc.capacity.value_or(kDefaultQueueCapacity));
  REQUIRE(sc.spawn(sp, {}));
  sp = Spawner{};
  std::thread executor([&ex] { (void)ex.run(); });
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool seen = false;
  while (!seen && std::chrono::steady_clock::now() < give_up) {
    r.log.wait_readable(50);
    r.drain();
    seen = stop(r.fold.state());
  }
  CHECK_MESSAGE(seen, "the fault never showed in the fold");
  Run stuck{r.run.events, r.fold.state(), fold::evaluate(r.fold.state(), {})};
  ex.channel().shut_down(); // as a reset does: blocked senders give up
  r.rt.timers().cancel();
  executor.join();
  r.finish();
  return stuck;
}

bool queue_full(const fold::FoldState& s) {
  return s.queue.capacity != 0 && s.queue.entries.size() >= s.queue.capacity;
}

// The state as of event `i` (inclusive), folded from scratch.
fold::FoldState state_at(const Run& run, std::uint64_t i) {
  fold::Fold f;
  f.apply(std::span<const Event>(run.events.data(), static_cast<std::size_t>(i) + 1));
  return f.state();
}

} // namespace

TEST_CASE("lost-waker: the lost-waker lint fires at the Pending poll end that left no waker") {
  const Run run = drive("lost-waker");
  CHECK(run.kinds() == sorted({LintKind::LostWaker, LintKind::DroppedIncomplete}));
  const fold::Lint* l = run.find(LintKind::LostWaker);
  REQUIRE(l != nullptr);
  CHECK(l->task == 1);
  const Event& e = run.at(*l);
  CHECK(e.kind == EventKind::PollEnd);
  CHECK(e.task == 1);
  CHECK_FALSE(field::ready(e));
  const fold::Lint* dropped = run.find(LintKind::DroppedIncomplete);
  REQUIRE(dropped != nullptr);
  CHECK(run.at(*dropped).kind == EventKind::TaskDropped);
}

TEST_CASE(
    "double-wake: the queued-twice lint fires at the second QueuePush, beside the self-wakes") {
  const Run run = drive("double-wake");
  // Both wakes come from inside the task's own poll: self-wakes, 2 of 3.
  CHECK(run.kinds() == sorted({LintKind::SelfWake, LintKind::DoubleWake}));
  const fold::Lint* l = run.find(LintKind::DoubleWake);
  REQUIRE(l != nullptr);
  CHECK(l->task == 1);
  CHECK(l->count == 1);
  const Event& e = run.at(*l);
  CHECK(e.kind == EventKind::QueuePush);
  CHECK(e.task == 1);
  CHECK(e.waker != 0);                // pushed by a waker, not the spawner
  CHECK(field::queue_length(e) == 2); // the first entry is still queued
}

TEST_CASE("blocking-poll: the blocking-poll lint fires at the hog's 1.2 s poll end, and only it") {
  const Run run = drive("blocking-poll");
  CHECK(run.kinds() == std::vector<LintKind>{LintKind::BlockingPoll});
  const fold::Lint* l = run.find(LintKind::BlockingPoll);
  REQUIRE(l != nullptr);
  CHECK(l->task == 4);
  CHECK(l->value == 1'200'000'000u);
  const Event& e = run.at(*l);
  CHECK(e.kind == EventKind::PollEnd);
  CHECK(e.task == 4);
  CHECK(field::poll_duration_ns(e) == 1'200'000'000u);
}

TEST_CASE("wake-before-store: the lint fires at the WakerStored into the timer that already fired, "
          "and the task is lost") {
  const Run run = drive("wake-before-store");
  // The scripted pause moves virtual time to the deadline inside the poll,
  // which the lints see, truly, as a 1 s poll.
  CHECK(run.kinds() ==
        sorted({LintKind::WakeBeforeStore, LintKind::LostWaker, LintKind::BlockingPoll}));
  const fold::Lint* l = run.find(LintKind::WakeBeforeStore);
  REQUIRE(l != nullptr);
  CHECK(l->task == 1);
  CHECK(l->timer == 1);
  const Event& e = run.at(*l);
  CHECK(e.kind == EventKind::WakerStored);
  CHECK(e.timer == 1);
  const auto fired = std::find_if(run.events.begin(), run.events.end(), [](const Event& x) {
    return x.kind == EventKind::TimerFired && x.timer == 1;
  });
  REQUIRE(fired != run.events.end());
  CHECK(static_cast<std::uint64_t>(fired - run.events.begin()) < l->event);
  const fold::Lint* lost = run.find(LintKind::LostWaker);
  REQUIRE(lost != nullptr);
  CHECK(lost->task == 1);
  CHECK(run.at(*lost).kind == EventKind::PollEnd);
  CHECK(lost->event > l->event);
}

TEST_CASE("full-queue-self-wake: the deadlock lint fires at the executor's own SendBlocked") {
  const Run run = run_until("full-queue-self-wake",
                            [](const fold::FoldState& s) { return s.lints.cycle.active(); });
  CHECK(run.kinds() == sorted({LintKind::SelfWake, LintKind::Deadlock}));
  const fold::Lint* l = run.find(LintKind::Deadlock);
  REQUIRE(l != nullptr);
  CHECK(l->active);
  CHECK(l->task == 1);
  CHECK(l->parties == std::vector<fold::WaitParty>{{fold::PartyKind::Executor, 0},
                                                   {fold::PartyKind::FullQueue, 0}});
  const Event& e = run.at(*l);
  CHECK(e.kind == EventKind::SendBlocked);
  CHECK(e.lane == Lane::Executor);
  CHECK(e.task == 1);
}

TEST_CASE("full-queue-join: the deadlock lint fires at the event that closes the cycle through the "
          "timer still blocked on the full queue") {
  // Run several times: which timer ends up blocked depends on the threads.
  for (int round = 0; round < 5; ++round) {
    CAPTURE(round);
    const Run run = run_until("full-queue-join",
                              [](const fold::FoldState& s) { return s.lints.cycle.active(); });
    CHECK(run.kinds() == std::vector<LintKind>{LintKind::Deadlock});
    const fold::Lint* l = run.find(LintKind::Deadlock);
    REQUIRE(l != nullptr);
    CHECK(l->active);
    CHECK(l->task == 1);
    REQUIRE(l->parties.size() == 3);
    const TimerId timer = l->parties[1].timer;
    CHECK(l->parties == std::vector<fold::WaitParty>{{fold::PartyKind::Executor, 0},
                                                     {fold::PartyKind::TimerLock, timer},
                                                     {fold::PartyKind::FullQueue, 0}});
    CHECK(l->timer == timer);
    // The event is the executor's wait for that timer's lock, the timer's
    // block on the queue, or the push that filled the queue, whichever came
    // last: from it on, the queue is full and the cycle holds.
    const Event& e = run.at(*l);
    const bool lock_wait =
        e.kind == EventKind::LockWaitBegin && e.lane == Lane::Executor && e.timer == timer;
    const bool blocked =
        e.kind == EventKind::SendBlocked && e.lane == Lane::Timer && e.timer == timer;
    CHECK((lock_wait || blocked || e.kind == EventKind::QueuePush));
    const fold::FoldState before = state_at(run, l->event - 1);
    CHECK_FALSE(before.lints.cycle.active());
    const fold::FoldState then = state_at(run, l->event);
    CHECK(then.lints.cycle.active());
    CHECK(queue_full(then));
    // It held from there to the moment the test looked: a real deadlock.
    CHECK(queue_full(run.state));
    CHECK(run.state.lints.cycle.event == l->event);
  }
}

TEST_CASE("the clean scenarios raise no lint, and the yielders only their self-wakes") {
  for (std::string_view name : {"hello-world", "join", "three-timers", "random-timers"}) {
    CAPTURE(name);
    const Run run = drive(name);
    CHECK(run.state.counters.count(EventKind::TaskCompleted) > 0);
    CHECK(run.lints.empty());
  }
  const Run yielders = drive("yielders");
  CHECK(yielders.kinds() ==
        std::vector<LintKind>{LintKind::SelfWake, LintKind::SelfWake, LintKind::SelfWake});
  for (const fold::Lint& l : yielders.lints) {
    CHECK(l.value == 100); // every wake of a yielder is its own
    CHECK(yielders.at(l).kind == EventKind::WakerWoken);
    CHECK(yielders.at(l).task == l.task);
  }
}
