// Words for the screen: event descriptions, the "what just happened" line,
// labels and hover help.
#include "fold/describe.hpp"
#include "fold/view.hpp"
#include "script.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace pollscope;
using namespace pollscope::fold;
using pollscope::fold::test::kMs;
using pollscope::fold::test::kSec;
using pollscope::fold::test::Script;

TEST_CASE("events read as one line naming the task, the waker or the timer") {
  StringTable strings;
  const StringId name = strings.intern("hello-world");
  const StringId at = strings.intern("main.cpp:12");
  Script s;
  s.started(10);
  s.spawn(1, name, strings.intern("main.cpp:30"));
  CHECK(describe(s.log.back(), strings) == "task 1 (hello-world) spawned at main.cpp:30");
  s.push(1, 0, 1);
  CHECK(describe(s.log.back(), strings, &s.state()) ==
        "task 1 (hello-world) pushed onto the queue by the spawner (ticket 0, length 1)");
  s.poll_end(1, false, 12'000, at);
  CHECK(describe(s.log.back(), strings, &s.state()) ==
        "task 1 (hello-world) polled: Pending at main.cpp:12 (12.0 µs)");
  CHECK(describe(s.log.back(), strings) == "task 1 polled: Pending at main.cpp:12 (12.0 µs)");
  s.timer_event(EventKind::TimerFired, 1);
  CHECK(describe(s.log.back(), strings) == "timer 1 fired");
  s.woken(3, 1, true);
  CHECK(describe(s.log.back(), strings) == "waker 3 woke task 1 (by ref)");
  s.woken(3, 1, false);
  CHECK(describe(s.log.back(), strings) == "waker 3 woke task 1");
  s.timer_event(EventKind::TimerThreadExited, 1, 0, kFlagCancelled);
  CHECK(describe(s.log.back(), strings) == "timer 1 thread exited (cancelled)");
  s.output(1, strings.intern("Hello"));
  CHECK(describe(s.log.back(), strings, &s.state()) == "task 1 (hello-world) printed \"Hello\"");
  s.completed(1, true);
  CHECK(describe(s.log.back(), strings) == "task 1 completed by throwing");
}

TEST_CASE("every event kind has a description that is not the fallback") {
  StringTable strings;
  for (int k = 0; k < static_cast<int>(EventKind::Count); ++k) {
    Event e;
    e.kind = static_cast<EventKind>(k);
    e.task = 1;
    const std::string text = describe(e, strings);
    CAPTURE(text);
    CHECK_FALSE(text.empty());
    CHECK(text.find("unknown") == std::string::npos);
    CHECK(text.find('\n') == std::string::npos);
  }
  Event bogus;
  bogus.kind = EventKind::Count;
  CHECK(describe(bogus, strings).find("unknown") != std::string::npos);
}

TEST_CASE("the what-just-happened line names the step of the book's flow and its task") {
  StringTable strings;
  Script s;
  s.started();
  CHECK(describe_flow(s.state(), strings) == "Nothing has happened yet");
  s.spawn(1, strings.intern("hello-world"));
  CHECK(describe_flow(s.state(), strings) == "Spawner created task 1 (hello-world)");
  s.push(1, 0, 1);
  CHECK(describe_flow(s.state(), strings) == "Spawner sent task 1 (hello-world) to the run queue");
  s.pop(1, 0, 0);
  s.poll_begin(1);
  s.poll_end(1, false);
  CHECK(describe_flow(s.state(), strings) == "Executor polled task 1 (hello-world): Pending");
  s.timer_event(EventKind::TimerFired, 1);
  CHECK(describe_flow(s.state(), strings) == "Timer 1 fired: completed = true");
  s.woken(2, 1);
  s.push(1, 1, 1, 2, Lane::Timer);
  CHECK(describe_flow(s.state(), strings) ==
        "Waker 2 sent task 1 (hello-world) back to the run queue");
  s.waker_dropped(2, 1); // not a flow step: the line stays
  CHECK(s.state().flow.step == FlowStep::QueuedAgain);
  s.completed(1);
  CHECK(describe_flow(s.state(), strings) == "Task 1 (hello-world) completed");
}

TEST_CASE("durations read in the unit that fits") {
  CHECK(format_duration(850) == "850 ns");
  CHECK(format_duration(12'000) == "12.0 µs");
  CHECK(format_duration(3'250'000) == "3.25 ms");
  CHECK(format_duration(57'400'000) == "57.4 ms");
  CHECK(format_duration(574'000'000) == "574 ms");
  CHECK(format_duration(9'996'000) == "10.0 ms");   // rounds into the next width, not "10.00 ms"
  CHECK(format_duration(999'600'000) == "1.000 s"); // not "1000 ms"
  CHECK(format_duration(2 * kSec) == "2.000 s");
  CHECK(format_duration(0) == "0 ns");
  CHECK(kMs == 1'000'000);
}

namespace {
template <class Enum, class F>
void check_labels(std::size_t count, F&& label) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string text(label(static_cast<Enum>(i)));
    CAPTURE(text);
    CHECK_FALSE(text.empty());
    CHECK(text != "unknown");
    CHECK(text.find('\n') == std::string::npos);
    seen.insert(text);
  }
  CHECK(seen.size() == count); // distinct
}
} // namespace

TEST_CASE("every state, activity, flow step, column and concept has a distinct label and a "
          "one-line help") {
  check_labels<TaskState>(kTaskStateCount, [](TaskState s) { return to_string(s); });
  check_labels<TaskState>(kTaskStateCount, [](TaskState s) { return describe(s); });
  check_labels<TimerState>(kTimerStateCount, [](TimerState s) { return to_string(s); });
  check_labels<TimerState>(kTimerStateCount, [](TimerState s) { return describe(s); });
  check_labels<ExecutorActivity>(kExecutorActivityCount,
                                 [](ExecutorActivity a) { return to_string(a); });
  check_labels<ExecutorActivity>(kExecutorActivityCount,
                                 [](ExecutorActivity a) { return describe(a); });
  check_labels<FlowStep>(kFlowStepCount, [](FlowStep f) { return to_string(f); });
  check_labels<TaskColumn>(8, [](TaskColumn c) { return to_string(c); });
  check_labels<Concept>(kConceptCount, [](Concept c) { return to_string(c); });
  check_labels<Concept>(kConceptCount, [](Concept c) { return help(c); });
  check_labels<WakerHolder>(4, [](WakerHolder h) { return to_string(h); });
  check_labels<WakerHolder>(4, [](WakerHolder h) { return describe(h); });
  CHECK(describe(TaskState::Pending) ==
        "polled, returned Pending; waits for a waker to re-queue it");
  CHECK(to_string(TaskState::Queued) == "queued");
  // One past the last is caught by the fallback, so a new value without a
  // label shows up here.
  CHECK(to_string(static_cast<TaskState>(kTaskStateCount)) == "unknown");
  CHECK(to_string(static_cast<FlowStep>(kFlowStepCount)) == "unknown");
  CHECK(to_string(static_cast<Concept>(kConceptCount)) == "unknown");
}

TEST_CASE("a timer's deadline reads on the log's time scale: seconds since the runtime started") {
  StringTable strings;
  Script s;
  s.advance(20 * kSec); // the clock keeps running across resets: this runtime starts at 20 s
  s.started();
  s.advance(5 * kSec);
  s.timer_event(EventKind::TimerThreadWaiting, 1, s.now + 2 * kSec);
  CHECK(describe(s.log.back(), strings, &s.state()) == "timer 1 thread waiting until 7.000000 s");
  // Without a state there is no origin: the clock's own time.
  CHECK(describe(s.log.back(), strings) == "timer 1 thread waiting until 27.000000 s");
}
