// The fold pump: drains a log on its own thread and hands the UI consistent
// snapshots. (What the fold computes is the fold's tests' business; these
// check the hand-off: nothing lost, nothing torn, resets tracked.)
#include "gui_test_support.hpp"

#include "gui/fold_pump.hpp"
#include "runtime/event_log.hpp"

#include <doctest/doctest.h>

#include <thread>

namespace pollscope::gui {
namespace {

using test::LogBuilder;

TEST_CASE("after flush, the snapshot holds every event appended before it, folded") {
  EventLog log(1 << 10); // smaller than the burst: producers wait on the pump
  StringTable strings;
  LogBuilder b(strings);
  b.start(100);
  for (TaskId id = 1; id <= 500; ++id) b.spawn(id);
  FoldPump pump(log);
  for (const Event& e : b.events) log.append(e);
  pump.flush();
  const Snapshot& s = pump.latest();
  CHECK(s.folded == b.events.size());
  CHECK(s.events.count == b.events.size());
  CHECK(s.state.tasks.size() == 500);
  CHECK(s.state.log.events_applied == s.events.count); // state and events agree
  CHECK(s.events.all()[0].kind == EventKind::RuntimeStarted);
}

TEST_CASE("a snapshot stays unchanged while the pump keeps folding, until the next latest()") {
  EventLog log;
  StringTable strings;
  LogBuilder b(strings);
  b.start(100000);
  for (TaskId id = 1; id <= 2000; ++id) b.spawn(id);
  FoldPump pump(log);
  log.append(b.events[0]);
  pump.flush();
  const Snapshot& first = pump.latest();
  const std::uint64_t serial = first.serial;
  const std::size_t count = first.events.count;
  std::thread producer([&] {
    for (std::size_t i = 1; i < b.events.size(); ++i) log.append(b.events[i]);
  });
  // Read the held snapshot while the pump folds on: it must not move.
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(first.serial == serial);
    REQUIRE(first.events.count == count);
    REQUIRE(first.state.log.events_applied == count);
  }
  producer.join();
  pump.flush();
  const Snapshot& last = pump.latest();
  CHECK(last.serial > serial);
  CHECK(last.state.tasks.size() == 2000);
}

TEST_CASE("concurrent producers and a UI reading snapshots: every event lands once, in a "
          "consistent state") {
  EventLog log(1 << 12);
  FoldPump pump(log);
  constexpr int kThreads = 3, kPerThread = 20000;
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t)
    producers.emplace_back([&log] {
      Event e;
      e.kind = EventKind::ExecutorWaiting; // folds to nothing task-shaped: any order is valid
      for (int i = 0; i < kPerThread; ++i) log.append(e);
    });
  // The UI thread: snapshots only ever grow, and each is self-consistent.
  std::uint64_t last = 0;
  while (last < std::uint64_t{kThreads} * kPerThread) {
    const Snapshot& s = pump.latest();
    REQUIRE(s.events.count >= last);
    REQUIRE(s.state.log.events_applied == s.events.count);
    last = s.events.count;
    std::this_thread::yield();
  }
  for (auto& p : producers) p.join();
  pump.flush();
  CHECK(pump.latest().events.count == std::uint64_t{kThreads} * kPerThread);
  CHECK(pump.stats().events == std::uint64_t{kThreads} * kPerThread);
}

TEST_CASE("the log panel's runtime starts at the last reset") {
  EventLog log;
  StringTable strings;
  LogBuilder b(strings);
  b.start(10);
  b.spawn(1);
  const std::size_t reset_at = b.events.size();
  b.add(EventKind::RuntimeReset);
  b.start(10); // a reset is followed by the new runtime's start
  b.spawn(1);
  FoldPump pump(log);
  for (const Event& e : b.events) log.append(e);
  pump.flush();
  const EventsView v = pump.latest().events;
  CHECK(v.runtime_begin == reset_at);
  CHECK(v.current_runtime().front().kind == EventKind::RuntimeReset);
  CHECK(v.current_runtime().size() == b.events.size() - reset_at);
}

TEST_CASE("the event store keeps a million events addressable without moving them") {
  EventStore store;
  Event e;
  e.kind = EventKind::Output;
  const Event* first = nullptr;
  std::size_t refused = 0;
  for (std::uint64_t i = 0; i < 1'000'000; ++i) {
    e.a = i;
    refused += store.push(e) ? 0 : 1;
    if (i == 0) first = store.first(1).data();
  }
  CHECK(refused == 0);
  const auto all = store.first(store.writer_size());
  CHECK(all.size() == 1'000'000);
  CHECK(all.data() == first); // never reallocated
  CHECK(all[999'999].a == 999'999);
}

} // namespace
} // namespace pollscope::gui
