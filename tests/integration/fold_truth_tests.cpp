// Fold against truth: random workloads on the virtual clock, stepped by hand;
// at every quiescent point the folded state must equal what the runtime says
// about itself — queue contents, live wakers, live timer threads, task states.
#include "fold/fold.hpp"
#include "runtime/async.hpp"
#include "runtime/executor.hpp"
#include "runtime/timer_future.hpp"
#include "runtime/timer_threads.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
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
Async<void> nested(std::chrono::milliseconds d) {
  co_await sleeper(d);
  co_await yielder(1);
}

struct Workload {
  explicit Workload(std::uint64_t seed)
      : rng(seed),
        clock(/*auto_advance=*/false),
        log(1u << 16),
        rt(RuntimeContext::Options{&clock, &strings, &log, /*introspection=*/true}) {}

  std::mt19937_64 rng;
  VirtualClock clock;
  StringTable strings;
  EventLog log;
  RuntimeContext rt;
  fold::Fold fold;
  std::vector<Event> batch;
  std::size_t ex_capacity = 0;

  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
  std::chrono::milliseconds ms() { return std::chrono::milliseconds(100 * pick(1, 5)); }

  // Spawns only while the queue could hold every entry the live tasks might
  // make at once (each at most 3: itself plus one per timer of a joiner).
  // Otherwise a timer thread could block sending into the full queue while
  // this thread, the only consumer, waits in advance_to for it to finish
  // firing: the book's full-queue deadlock, which is not what this test is
  // about (try_spawn's Full path is covered by the channel tests).
  void spawn(Spawner& s) {
    if ((rt.live_tasks().size() + 1) * 3 > ex_capacity) return;
    switch (pick(0, 4)) {
    case 0: (void)s.try_spawn(sleeper(ms()), "sleeper"); break;
    case 1: (void)s.try_spawn(yielder(pick(0, 3)), "yielder"); break;
    case 2: (void)s.try_spawn(joiner(ms(), ms()), "joiner"); break;
    case 3: (void)s.try_spawn(nested(ms()), "nested"); break;
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

  // Quiescent: no poll running (we poll on this thread), every timer thread
  // parked or finished. Then fold everything logged and compare.
  void check(Executor& ex, std::uint64_t seed, int op) {
    clock.wait_all_parked();
    batch.clear();
    log.drain(batch);
    fold.apply(batch);
    const fold::FoldState& st = fold.state();
    INFO("seed " << seed << ", op " << op);

    // Queue contents, in order, duplicates included.
    std::vector<TaskId> folded_queue;
    for (const fold::QueueEntry& e : st.queue.entries) folded_queue.push_back(e.task);
    const std::vector<TaskId> real_queue = ex.channel().snapshot();
    REQUIRE(folded_queue == real_queue);

    // Live wakers.
    std::vector<WakerId> folded_wakers;
    for (const fold::WakerView& w : st.wakers.items()) {
      if (w.alive) folded_wakers.push_back(w.id);
    }
    std::sort(folded_wakers.begin(), folded_wakers.end());
    REQUIRE(folded_wakers == rt.live_wakers());

    // Live timer threads.
    std::vector<TimerId> folded_threads;
    for (const fold::TimerView& t : st.timers.items()) {
      if (t.thread_live) folded_threads.push_back(t.id);
    }
    std::sort(folded_threads.begin(), folded_threads.end());
    REQUIRE(folded_threads == rt.timers().live());

    // Task states.
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
    }
  }

  void run(std::uint64_t seed) {
    ex_capacity = static_cast<std::size_t>(pick(3, 40));
    auto [ex, spawner] = executor_and_spawner(rt, ex_capacity);
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
    // Drain: drop the spawner and step until run() would have returned.
    spawner = Spawner{};
    for (int guard = 0; guard < 10000; ++guard) {
      const TickResult r = ex.try_tick();
      if (r == TickResult::Closed) break;
      if (r == TickResult::Empty) advance();
      check(ex, seed, 1000 + guard);
    }
    INFO("seed " << seed);
    REQUIRE(ex.try_tick() == TickResult::Closed);
    check(ex, seed, -1);
    CHECK(fold.state().counters.live_tasks == 0);
    CHECK(fold.state().counters.live_timer_threads == 0);
  }
};

} // namespace

TEST_CASE("over 1,000 random workloads the fold agrees with the runtime at every quiescent point") {
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    Workload w(seed);
    w.run(seed);
  }
}
