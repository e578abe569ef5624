// Fold against truth under every queue policy (runtime/policy.hpp): random
// workloads and the bundled scenarios on the virtual clock, stepped by hand;
// at every quiescent point the folded queue, wakers, timer threads and task
// states must equal what the runtime says about itself. Under `notified` and
// `local` the queue must also never hold a task twice, and the log must show
// each task's pushes and pops alternating (no second entry, ever).
#include "fold/fold.hpp"
#include "fold/lints.hpp"
#include "runtime/async.hpp"
#include "runtime/executor.hpp"
#include "runtime/fault_futures.hpp"
#include "runtime/scenarios.hpp"
#include "runtime/timer_future.hpp"
#include "runtime/timer_threads.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

using namespace pollscope;
using namespace std::chrono_literals;

namespace {

Async<void> sleeper(std::chrono::milliseconds d) { co_await TimerFuture(d); }
Async<void> yielder(int k) {
  for (int i = 0; i < k; ++i) co_await yield_now();
}
Async<void> joiner(std::chrono::milliseconds a, std::chrono::milliseconds b) {
  std::vector<TimerFuture> timers;
  timers.emplace_back(a);
  timers.emplace_back(b);
  co_await join_all(std::move(timers));
}
Async<void> double_waker() { co_await DoubleWakeFuture(); }

// Pending once, after a wake made from another thread while the poll runs
// (joined before the poll returns, so the test stays deterministic): under
// the notified policies that wake must become exactly one entry, after the
// poll, in the channel (it did not come from the executor thread).
class WokenFromAfar {
public:
  Poll<void> poll(Context& cx) {
    if (done_) return Ready();
    done_ = true;
    Waker w = cx.waker().clone();
    std::thread([&w] { w.wake_by_ref(); }).join();
    return Pending;
  }

private:
  bool done_ = false;
};
Async<void> woken_from_afar() { co_await WokenFromAfar(); }

struct Workload {
  Workload(std::uint64_t seed, QueuePolicy policy)
      : policy(policy),
        rng(seed),
        clock(/*auto_advance=*/false),
        log(1u << 16),
        rt(RuntimeContext::Options{&clock, &strings, &log, /*introspection=*/true}) {}

  QueuePolicy policy;
  std::mt19937_64 rng;
  VirtualClock clock;
  StringTable strings;
  EventLog log;
  RuntimeContext rt;
  fold::Fold fold;
  std::vector<Event> batch;
  std::size_t ex_capacity = 0;
  // Per task: entries it has in the queue according to the log (pushes minus
  // pops). Never above 1 under the notified policies.
  std::unordered_map<TaskId, int> open_entries;
  std::uint64_t local_pushes = 0;

  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
  std::chrono::milliseconds ms() { return std::chrono::milliseconds(100 * pick(1, 5)); }

  // As in fold_truth_tests: spawn only while the queue could hold every entry
  // the live tasks might make at once, so no timer thread blocks on a full
  // queue while this thread (the only consumer) waits for it.
  void spawn(Spawner& s) {
    if ((rt.live_tasks().size() + 1) * 3 > ex_capacity) return;
    switch (pick(0, 6)) {
    case 0: (void)s.try_spawn(sleeper(ms()), "sleeper"); break;
    case 1: (void)s.try_spawn(yielder(pick(0, 3)), "yielder"); break;
    case 2: (void)s.try_spawn(joiner(ms(), ms()), "joiner"); break;
    case 3: (void)s.try_spawn(double_waker(), "double-waker"); break;
    case 4: (void)s.try_spawn(woken_from_afar(), "woken-from-afar"); break;
    default: (void)s.try_spawn([]() -> Async<void> { co_return; }(), "instant"); break;
    }
  }

  void advance() {
    std::uint64_t next = 0;
    if (clock.next_deadline(next)) {
      clock.advance_to(next);
    } else {
      clock.advance_by(50'000'000);
    }
  }

  void check(Executor& ex, std::uint64_t seed, int op) {
    clock.wait_all_parked();
    batch.clear();
    log.drain(batch);
    INFO("policy " << to_string(policy) << ", seed " << seed << ", op " << op);
    for (const Event& e : batch) {
      if (e.kind == EventKind::QueuePush) {
        ++open_entries[e.task];
        if (field::local_queue(e)) ++local_pushes;
        if (policy != QueuePolicy::Book) REQUIRE(open_entries[e.task] == 1);
        // Only the `local` policy has a local queue.
        REQUIRE((field::local_queue(e) && policy != QueuePolicy::Local) == false);
      } else if (e.kind == EventKind::QueuePop) {
        --open_entries[e.task];
      } else if (e.kind == EventKind::RuntimeStarted) {
        REQUIRE(field::queue_policy(e) == policy);
      }
    }
    fold.apply(batch);
    const fold::FoldState& st = fold.state();
    REQUIRE(st.queue_policy == policy);

    std::vector<TaskId> folded_queue;
    for (const fold::QueueEntry& e : st.queue.entries) folded_queue.push_back(e.task);
    const std::vector<TaskId> real_queue = ex.channel().snapshot();
    REQUIRE(folded_queue == real_queue);
    if (policy != QueuePolicy::Book) {
      std::vector<TaskId> sorted = real_queue;
      std::sort(sorted.begin(), sorted.end());
      REQUIRE(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
    }

    std::vector<WakerId> folded_wakers;
    for (const fold::WakerView& w : st.wakers.items()) {
      if (w.alive) folded_wakers.push_back(w.id);
    }
    std::sort(folded_wakers.begin(), folded_wakers.end());
    REQUIRE(folded_wakers == rt.live_wakers());

    std::vector<TimerId> folded_threads;
    for (const fold::TimerView& t : st.timers.items()) {
      if (t.thread_live) folded_threads.push_back(t.id);
    }
    std::sort(folded_threads.begin(), folded_threads.end());
    REQUIRE(folded_threads == rt.timers().live());

    const std::vector<Task*> live = rt.live_tasks();
    std::size_t folded_live = 0;
    for (const fold::TaskView& t : st.tasks.items())
      folded_live += t.state != fold::TaskState::Dropped ? 1 : 0;
    REQUIRE(folded_live == live.size());
    for (Task* task : live) {
      const fold::TaskView* v = st.tasks.find(task->id());
      REQUIRE(v != nullptr);
      const auto entries =
          static_cast<std::uint32_t>(std::count(real_queue.begin(), real_queue.end(), task->id()));
      CHECK(v->queue_entries == entries);
      fold::TaskState expected = fold::TaskState::Pending;
      if (task->done()) {
        expected = fold::TaskState::Done;
      } else if (entries > 0) {
        expected = fold::TaskState::Queued;
      }
      REQUIRE(v->state == expected);
      // The state word agrees too: queued exactly when it has an entry.
      if (policy != QueuePolicy::Book && !task->done())
        REQUIRE(((task->state() & TaskState::kScheduled) != 0) == (entries > 0));
    }
  }

  // Steps until the executor would return from run(), checking as it goes.
  void drain(Executor& ex, std::uint64_t seed) {
    for (int guard = 0; guard < 10000; ++guard) {
      const TickResult r = ex.try_tick();
      if (r == TickResult::Closed) break;
      if (r == TickResult::Empty) advance();
      check(ex, seed, 1000 + guard);
    }
    INFO("policy " << to_string(policy) << ", seed " << seed);
    REQUIRE(ex.try_tick() == TickResult::Closed);
    check(ex, seed, -1);
    CHECK(fold.state().counters.live_tasks == 0);
    CHECK(fold.state().counters.live_timer_threads == 0);
  }

  void run(std::uint64_t seed) {
    ex_capacity = static_cast<std::size_t>(pick(3, 40));
    auto [ex, spawner] = executor_and_spawner(rt, ex_capacity, policy);
    const int ops = pick(5, 30);
    for (int op = 0; op < ops; ++op) {
      const int what = pick(0, 9);
      if (what < 4) {
        spawn(spawner);
      } else if (what < 8) {
        for (int i = pick(1, 3); i > 0; --i) (void)ex.try_tick();
      } else {
        advance();
      }
      check(ex, seed, op);
    }
    spawner = Spawner{};
    drain(ex, seed);
  }

  void run_scenario(const Scenario& s) {
    auto [ex, spawner] = executor_and_spawner(rt, s.capacity.value_or(10000), policy);
    ScenarioParams params;
    params.count = 20;
    s.spawn(spawner, params);
    spawner = Spawner{};
    drain(ex, 0);
  }
};

constexpr QueuePolicy kPolicies[] = {QueuePolicy::Book, QueuePolicy::Notified, QueuePolicy::Local};

} // namespace

namespace {

// 1,000 random workloads under one policy; returns the local-queue pushes seen.
std::uint64_t random_workloads(QueuePolicy policy) {
  std::uint64_t local_pushes = 0;
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    Workload w(seed, policy);
    w.run(seed);
    local_pushes += w.local_pushes;
  }
  return local_pushes;
}

} // namespace

// One test per policy, so that a sanitizer run spreads them over its cores.
TEST_CASE("under book the fold agrees with the runtime over 1,000 random workloads, duplicates "
          "included, and nothing goes to a local queue") {
  CHECK(random_workloads(QueuePolicy::Book) == 0);
}

TEST_CASE(
    "under notified the fold agrees with the runtime over 1,000 random workloads, and no task "
    "is ever queued twice") {
  CHECK(random_workloads(QueuePolicy::Notified) == 0);
}

TEST_CASE(
    "under local the fold agrees with the runtime over 1,000 random workloads, no task is ever "
    "queued twice, and the yielders' self-wakes go to the local queue") {
  CHECK(random_workloads(QueuePolicy::Local) > 0);
}

TEST_CASE("the lints read every queue policy's log alike: the clean scenarios raise only the "
          "yielders' self-wakes, and double-wake is a double wake under book only") {
  for (const char* name :
       {"hello-world", "join", "random-timers", "three-timers", "yielders", "double-wake"}) {
    for (const QueuePolicy policy : kPolicies) {
      CAPTURE(name);
      CAPTURE(to_string(policy));
      Workload w(1, policy);
      w.run_scenario(*find_scenario(name));
      const auto lints = fold::evaluate(w.fold.state(), fold::LintThresholds{});
      bool double_wake = false;
      for (const fold::Lint& l : lints) {
        CAPTURE(to_string(l.kind));
        double_wake = double_wake || l.kind == fold::LintKind::DoubleWake;
        CHECK((l.kind == fold::LintKind::SelfWake ||
               (l.kind == fold::LintKind::DoubleWake && policy == QueuePolicy::Book)));
      }
      if (std::string_view(name) == "double-wake")
        CHECK(double_wake == (policy == QueuePolicy::Book));
    }
  }
}

TEST_CASE("every bundled scenario that runs to completion does so under every queue policy, the "
          "fold agreeing with the runtime at every step") {
  // The fault scenarios that never finish (a deadlock on a full queue, a
  // waker stored too late) are the lints' business, not the queue's.
  for (const char* name : {"hello-world", "join", "random-timers", "three-timers", "yielders",
                           "double-wake", "lost-waker"}) {
    const Scenario* s = find_scenario(name);
    REQUIRE_MESSAGE(s != nullptr, name);
    for (const QueuePolicy policy : kPolicies) {
      CAPTURE(name);
      Workload w(1, policy);
      w.run_scenario(*s);
    }
  }
}
