// Golden: the real hello-world scenario on the virtual clock, folded one
// event at a time. The events where the fold's book counter advances are the
// book's nine steps, in order, each with its own narration: what stepping one
// book step at a time shows.
#include "fold/describe.hpp"
#include "fold/fold.hpp"
#include "runtime/clock.hpp"
#include "runtime/event_log.hpp"
#include "runtime/executor.hpp"
#include "runtime/runtime_context.hpp"
#include "runtime/scenarios.hpp"
#include "runtime/string_table.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace pollscope;

TEST_CASE("stepping hello-world one book step at a time gives the nine steps in order, each "
          "narrated") {
  VirtualClock clock(/*auto_advance=*/true);
  StringTable strings;
  EventLog log(1u << 12);
  RuntimeContext rt(RuntimeContext::Options{&clock, &strings, &log, /*introspection=*/true});
  {
    auto [executor, spawner] = executor_and_spawner(rt);
    const Scenario* hello = find_scenario("hello-world");
    REQUIRE(hello != nullptr);
    REQUIRE(hello->spawn(spawner, ScenarioParams{}));
    spawner = Spawner{};
    executor.run();
  }
  std::vector<Event> events;
  log.drain(events);

  fold::Fold f;
  std::vector<std::string> got;
  std::vector<EventKind> kinds;
  for (const Event& e : events) {
    const std::uint64_t before = f.state().book.advances;
    f.apply(e);
    if (f.state().book.advances == before) continue;
    got.push_back(fold::narration_line(f.state(), strings));
    kinds.push_back(e.kind);
  }
  const std::vector<std::string> golden = {
      "Step 1 of 9 — Spawner created task 1 (hello-world)",
      "Step 2 of 9 — Spawner sent task 1 (hello-world) to the run queue",
      "Step 3 of 9 — Executor is polling task 1 (hello-world)",
      "Step 4 of 9 — Timer 1 stored a clone of task 1 (hello-world)'s waker",
      "Step 5 of 9 — Timer 1 fired: completed = true",
      "Step 6 of 9 — Timer 1 took the stored waker out to wake it",
      "Step 7 of 9 — Waker 2 woke task 1 (hello-world)",
      "Step 8 of 9 — Waker 2 sent task 1 (hello-world) back to the run queue",
      "Step 9 of 9 — Executor polled task 1 (hello-world): Ready",
  };
  CHECK(got == golden);
  const std::vector<EventKind> golden_kinds = {
      EventKind::TaskSpawned, EventKind::QueuePush,  EventKind::PollBegin,
      EventKind::WakerStored, EventKind::TimerFired, EventKind::WakerRemoved,
      EventKind::WakerWoken,  EventKind::QueuePush,  EventKind::PollEnd,
  };
  CHECK(kinds == golden_kinds);
  // After the run: still step 9, and the line says how the run ended.
  const fold::Narration end = fold::narrate(f.state(), strings);
  CHECK(end.step == 9);
  CHECK(end.since == "Executor done: every sender is gone and the queue is empty");
  // The wake the diagram's arrow shows is the timer thread's.
  CHECK(f.state().wake.timer == 1);
  CHECK(f.state().wake.task == 1);
  CHECK(f.state().wake.lane == Lane::Timer);
}
