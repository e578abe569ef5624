// Shared helpers for the runtime suites: a runtime on a virtual clock whose
// every event is kept, and readers over those events.
#pragma once

#include "runtime/async.hpp"
#include "runtime/clock.hpp"
#include "runtime/event_log.hpp"
#include "runtime/executor.hpp"
#include "runtime/runtime_context.hpp"
#include "runtime/string_table.hpp"
#include "runtime/timer_future.hpp"
#include "runtime/timer_threads.hpp"

#include <memory>
#include <string>
#include <vector>

namespace pollscope::test {

// The book's test task: print Hello, await a 2 s timer, print World.
inline Async<void> hello_world() {
  using namespace std::chrono_literals;
  print("Hello");
  co_await TimerFuture(2s);
  print("World");
}

// A runtime on a virtual clock with a log big enough for a test; `events()`
// drains it (the test thread is the single consumer).
struct TestRuntime {
  explicit TestRuntime(bool auto_advance = true, std::size_t log_capacity = 1u << 16)
      : clock(auto_advance),
        log(log_capacity),
        rt(RuntimeContext::Options{&clock, &strings, &log, /*introspection=*/true}) {}

  const std::vector<Event>& events() {
    log.drain(all);
    return all;
  }
  std::vector<EventKind> kinds_for_task(TaskId task) {
    std::vector<EventKind> out;
    for (const Event& e : events()) {
      if (e.task == task) out.push_back(e.kind);
    }
    return out;
  }
  std::vector<std::string> output() {
    std::vector<std::string> out;
    for (const Event& e : events()) {
      if (e.kind == EventKind::Output) out.emplace_back(strings.get(field::output_text(e)));
    }
    return out;
  }
  std::size_t count(EventKind k) {
    std::size_t n = 0;
    for (const Event& e : events()) n += e.kind == k ? 1 : 0;
    return n;
  }

  VirtualClock clock;
  StringTable strings;
  EventLog log;
  RuntimeContext rt;
  std::vector<Event> all;
};

} // namespace pollscope::test
