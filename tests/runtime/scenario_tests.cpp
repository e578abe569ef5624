// The bundled scenarios, read from assets/scenarios/: the registry, the four
// classic workloads behaving as they did when they were C++, and the five
// fault scenarios making their fault happen on the virtual clock.
#include "support.hpp"

#include "runtime/scenarios.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <unistd.h>

using namespace pollscope;

namespace {

constexpr std::uint64_t kMs = 1'000'000;

const Scenario& bundled(std::string_view name) {
  const Scenario* s = find_scenario(name);
  REQUIRE_MESSAGE(s != nullptr, "scenario " << name << " not found in " << scenarios_dir());
  return *s;
}

// Polls until every task is done (Closed) or the runtime is stuck: nothing
// queued and no timer left to advance the virtual clock to. Bounded.
TickResult drive(Executor& ex, VirtualClock& clock, unsigned max_polls = 10000) {
  for (unsigned i = 0; i < max_polls;) {
    const TickResult r = ex.try_tick();
    if (r == TickResult::Polled) {
      ++i;
      continue;
    }
    if (r == TickResult::Closed) return r;
    if (!clock.on_idle()) return TickResult::Empty;
  }
  return TickResult::Polled;
}

std::vector<Event> of_kind(const std::vector<Event>& all, EventKind k, TaskId task = 0) {
  std::vector<Event> out;
  for (const Event& e : all)
    if (e.kind == k && (task == 0 || e.task == task)) out.push_back(e);
  return out;
}

// Drains the log until an event matching `pred` arrives (another thread
// writes it), at most 30 s of wall time so a broken test fails, not hangs.
template <class Pred>
bool wait_for_event(test::TestRuntime& t, Pred pred) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::size_t seen = 0;
  while (std::chrono::steady_clock::now() < give_up) {
    const auto& all = t.events();
    for (; seen < all.size(); ++seen)
      if (pred(all[seen])) return true;
    t.log.wait_readable(50);
  }
  return false;
}

} // namespace

TEST_CASE("the bundled scenarios are found, hello-world first, each with an explanation") {
  CHECK_FALSE(scenarios_dir().empty());
  CHECK(scenario_load_errors().empty());
  const auto all = scenarios();
  REQUIRE(all.size() >= 11);
  CHECK(all[0].name == "hello-world");
  CHECK(all[0].explanation ==
        "The book's test: print Hello, wait for a 2 s TimerFuture, print World.");
  for (const char* name :
       {"random-timers", "yielders", "join", "three-timers", "lost-waker", "double-wake",
        "full-queue-join", "full-queue-self-wake", "blocking-poll", "wake-before-store"}) {
    const Scenario& s = bundled(name);
    CHECK(!s.explanation.empty());
    CHECK(!s.summary.empty());
  }
  CHECK(bundled("full-queue-join").capacity == std::optional<std::size_t>(1));
  CHECK(bundled("lost-waker").virtual_clock == std::optional<bool>(true));
  CHECK(bundled("yielders").explanation.find("self-wake") != std::string::npos);
}

TEST_CASE("hello-world from its file prints Hello, waits 2 s of virtual time, prints World") {
  test::TestRuntime t;
  auto [ex, sp] = executor_and_spawner(t.rt);
  REQUIRE(bundled("hello-world").spawn(sp, {}));
  sp = Spawner{};
  CHECK(drive(ex, t.clock) == TickResult::Closed);
  CHECK(t.output() == std::vector<std::string>{"Hello", "World"});
  CHECK(t.clock.now_ns() == 2000 * kMs);
}

TEST_CASE("random-timers draws the same seeded durations as before, one task per --count") {
  test::TestRuntime t;
  auto [ex, sp] = executor_and_spawner(t.rt);
  ScenarioParams p;
  p.count = 4;
  p.seed = 7;
  REQUIRE(bundled("random-timers").spawn(sp, p));
  sp = Spawner{};
  CHECK(drive(ex, t.clock) == TickResult::Closed);
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::uint64_t> ms(200, 3000);
  const auto created = of_kind(t.events(), EventKind::TimerCreated);
  REQUIRE(created.size() == 4);
  for (unsigned i = 0; i < 4; ++i) CHECK(field::duration_ns(created[i]) == ms(rng) * kMs);
  const auto out = t.output();
  REQUIRE(out.size() == 4);
  for (const std::string& line : out) CHECK(line.find(" done after ") != std::string::npos);
}

TEST_CASE("yielders take turns and join waits for all three timers, as the C++ versions did") {
  {
    test::TestRuntime t;
    auto [ex, sp] = executor_and_spawner(t.rt);
    REQUIRE(bundled("yielders").spawn(sp, {}));
    sp = Spawner{};
    CHECK(drive(ex, t.clock) == TickResult::Closed);
    CHECK(ex.polls() == 12); // 3 tasks x (3 yields + the last poll)
    CHECK(t.output() == std::vector<std::string>{"yielder 1 done after 3 yields",
                                                 "yielder 2 done after 3 yields",
                                                 "yielder 3 done after 3 yields"});
  }
  {
    test::TestRuntime t;
    auto [ex, sp] = executor_and_spawner(t.rt);
    REQUIRE(bundled("join").spawn(sp, {}));
    sp = Spawner{};
    CHECK(drive(ex, t.clock) == TickResult::Closed);
    CHECK(t.output() ==
          std::vector<std::string>{"waiting for three timers at once", "all three timers done"});
    CHECK(t.clock.now_ns() == 1500 * kMs);
    CHECK(t.count(EventKind::TimerCreated) == 3);
  }
}

TEST_CASE("three-timers: three tasks, three 1 s timers, every task done at 1 s") {
  test::TestRuntime t;
  auto [ex, sp] = executor_and_spawner(t.rt);
  REQUIRE(bundled("three-timers").spawn(sp, {}));
  sp = Spawner{};
  CHECK(drive(ex, t.clock) == TickResult::Closed);
  CHECK(t.output().size() == 3);
  CHECK(t.count(EventKind::TaskCompleted) == 3);
  CHECK(t.clock.now_ns() == 1000 * kMs);
}

TEST_CASE("lost-waker: the task is dropped still pending, with no waker ever stored or cloned") {
  test::TestRuntime t;
  auto [ex, sp] = executor_and_spawner(t.rt);
  REQUIRE(bundled("lost-waker").spawn(sp, {}));
  sp = Spawner{};
  // Nobody holds the task: the run ends (the channel closes) with it unfinished.
  CHECK(drive(ex, t.clock) == TickResult::Closed);
  CHECK(t.kinds_for_task(1) ==
        std::vector<EventKind>{EventKind::TaskSpawned, EventKind::WakerCreated,
                               EventKind::QueuePush, EventKind::QueuePop, EventKind::PollBegin,
                               EventKind::Output, EventKind::PollEnd, EventKind::WakerDropped,
                               EventKind::TaskDropped});
  CHECK(t.count(EventKind::WakerStored) == 0);
  CHECK(t.count(EventKind::WakerCloned) == 0);
  CHECK(t.output() == std::vector<std::string>{"about to await a future that forgets the waker"});
}

TEST_CASE("double-wake: one poll queues its task twice and the second entry's poll does nothing") {
  test::TestRuntime t;
  auto [ex, sp] = executor_and_spawner(t.rt);
  REQUIRE(bundled("double-wake").spawn(sp, {}));
  sp = Spawner{};
  CHECK(drive(ex, t.clock) == TickResult::Closed);
  const auto& all = t.events();
  const auto pushes = of_kind(all, EventKind::QueuePush, 1);
  REQUIRE(pushes.size() == 4); // spawn, two wakes, the timer's wake
  CHECK(pushes[1].waker != 0);
  CHECK(pushes[2].waker != 0);
  CHECK(pushes[1].waker != pushes[2].waker); // two clones
  CHECK(field::queue_length(pushes[2]) == 2); // both entries queued at once
  const auto polls = of_kind(all, EventKind::PollEnd, 1);
  REQUIRE(polls.size() == 4);
  // The second queued entry's poll (the third poll) finds the timer running
  // and returns Pending again: nothing printed, the waker stored again.
  CHECK_FALSE(field::ready(polls[2]));
  CHECK(t.output() == std::vector<std::string>{"polled again: now awaiting a timer", "timer done"});
}

TEST_CASE("blocking-poll: the hog's poll takes 1.2 s and the 100 ms timers' tasks run late") {
  test::TestRuntime t;
  auto [ex, sp] = executor_and_spawner(t.rt);
  REQUIRE(bundled("blocking-poll").spawn(sp, {}));
  sp = Spawner{};
  CHECK(drive(ex, t.clock) == TickResult::Closed);
  const auto& all = t.events();
  const TaskId hog = 4;
  const auto hog_polls = of_kind(all, EventKind::PollEnd, hog);
  REQUIRE(hog_polls.size() == 1);
  CHECK(field::poll_duration_ns(hog_polls[0]) == 1200 * kMs);
  for (const Event& e : of_kind(all, EventKind::TimerCreated))
    CHECK(field::deadline_ns(e) == 100 * kMs);
  // Due at 100 ms, fired when the hog let time pass: at 1.2 s.
  const auto fired = of_kind(all, EventKind::TimerFired);
  REQUIRE(fired.size() == 3);
  for (const Event& e : fired) CHECK(e.t == 1200 * kMs);
  for (TaskId w = 1; w <= 3; ++w) {
    const auto begins = of_kind(all, EventKind::PollBegin, w);
    REQUIRE(begins.size() == 2);
    CHECK(begins[1].t >= 1200 * kMs);
  }
}

TEST_CASE("wake-before-store: the timer fires between check and store and the task waits forever") {
  test::TestRuntime t;
  auto [ex, sp] = executor_and_spawner(t.rt);
  REQUIRE(bundled("wake-before-store").spawn(sp, {}));
  sp = Spawner{};
  // Stuck, not done: nothing queued, no deadline left, the task still alive.
  CHECK(drive(ex, t.clock) == TickResult::Empty);
  const auto& all = t.events();
  std::size_t fired_at = all.size(), stored_at = all.size();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].kind == EventKind::TimerFired && all[i].timer == 1) fired_at = i;
    if (all[i].kind == EventKind::WakerStored && all[i].timer == 1) stored_at = i;
  }
  REQUIRE(fired_at < all.size());
  REQUIRE(stored_at < all.size());
  CHECK(fired_at < stored_at); // woken before it stored its waker
  // Like a TimerFuture's, every event of the racy timer names its task.
  for (const Event& e : all) {
    if (e.timer == 1 && e.kind != EventKind::ThreadNamed) CHECK(e.task == 1);
  }
  CHECK(t.count(EventKind::WakerWoken) == 0);
  CHECK(t.count(EventKind::TaskCompleted) == 0);
  CHECK(t.count(EventKind::TaskDropped) == 0);
  CHECK(t.output() == std::vector<std::string>{"awaiting a timer whose poll races its own wake"});
  // Teardown breaks the task <-> stored waker cycle: the task is freed.
  t.rt.timers().shutdown();
  CHECK(t.count(EventKind::TaskDropped) == 1);
}

TEST_CASE("full-queue-join: equal timers on a queue of one deadlock the executor with a timer") {
  test::TestRuntime t;
  auto [ex, sp] = executor_and_spawner(t.rt, *bundled("full-queue-join").capacity);
  REQUIRE(bundled("full-queue-join").spawn(sp, {}));
  sp = Spawner{};
  std::atomic<bool> returned{false};
  std::thread executor([&] {
    while (ex.poll_one() == TickResult::Polled) {
    }
    returned = true;
  });
  // A timer thread blocks sending on the full queue while it holds its
  // timer's lock; the executor waits for that timer to finish firing.
  const bool blocked = wait_for_event(
      t, [](const Event& e) { return e.kind == EventKind::SendBlocked && e.lane == Lane::Timer; });
  CHECK(blocked);
  CHECK(ex.channel().size() == 1); // full
  CHECK_FALSE(returned.load());
  // Teardown: shutting the channel releases the blocked senders, the clock
  // finishes its advance, and the executor runs to the end.
  ex.channel().shut_down();
  executor.join();
  CHECK(returned.load());
  CHECK(t.count(EventKind::SendUnblocked) >= 1);
}

TEST_CASE("full-queue-self-wake: the executor blocks sending its own task to its full queue") {
  test::TestRuntime t;
  auto [ex, sp] = executor_and_spawner(t.rt, *bundled("full-queue-self-wake").capacity);
  REQUIRE(bundled("full-queue-self-wake").spawn(sp, {}));
  sp = Spawner{};
  std::atomic<bool> returned{false};
  std::thread executor([&] {
    while (ex.poll_one() == TickResult::Polled) {
    }
    returned = true;
  });
  const bool blocked = wait_for_event(t, [](const Event& e) {
    return e.kind == EventKind::SendBlocked && e.lane == Lane::Executor && e.task == 1;
  });
  CHECK(blocked);
  CHECK(ex.channel().size() == 1); // the helper fills it
  CHECK_FALSE(returned.load());
  ex.channel().shut_down();
  executor.join();
  CHECK(returned.load());
  CHECK(t.output().front() == "helper spawned: the queue is full; now yielding");
}

TEST_CASE("a user's scenario file registers once and a changed file under a taken name gets -2") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("pollscope-scen-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "mine.json";
  auto write = [&](const char* text) { std::ofstream(file) << text; };
  write(
      R"({"name": "mine", "explanation": "Mine.", "tasks": [{"name": "t", "steps": [{"print": "a"}]}]})");
  const ScenarioLoad a = load_scenario_file(file.string());
  REQUIRE_MESSAGE(a.scenario != nullptr, a.error);
  CHECK(a.scenario->name == "mine");
  CHECK(find_scenario("mine") == a.scenario);
  CHECK(load_scenario_file(file.string()).scenario == a.scenario);
  write(
      R"({"name": "mine", "explanation": "Mine, changed.", "tasks": [{"name": "t", "steps": []}]})");
  const ScenarioLoad b = load_scenario_file(file.string());
  REQUIRE(b.scenario != nullptr);
  CHECK(b.scenario->name == "mine-2");
  CHECK(a.scenario->explanation == "Mine."); // published entries never change
  write("{\"name\": 3}");
  const ScenarioLoad c = load_scenario_file(file.string());
  CHECK(c.scenario == nullptr);
  CHECK(c.error == file.string() + ":1: /name: expected a string, got number");
  fs::remove_all(dir);
}
