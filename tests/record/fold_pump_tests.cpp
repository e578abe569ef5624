// The fold pump: drains a log on its own thread and hands the UI consistent
// snapshots. (What the fold computes is the fold's tests' business; these
// check the hand-off: nothing lost, nothing torn, resets tracked.)
#include "record/fold_pump.hpp"
#include "runtime/event_log.hpp"
#include "runtime/string_table.hpp"

#include <doctest/doctest.h>

#include <thread>
#include <vector>

namespace pollscope::record {
namespace {

// Synthetic logs shaped like the runtime's: a start, spawns (each with its
// first push), resets.
class LogBuilder {
public:
  explicit LogBuilder(StringTable& strings) : strings_(strings) {}
  std::vector<Event> events;

  void add(EventKind k, TaskId task = 0, std::uint64_t a = 0, std::uint64_t b = 0,
           Lane lane = Lane::Executor) {
    Event e;
    e.t = t_ += 1000;
    e.kind = k;
    e.task = task;
    e.a = a;
    e.b = b;
    e.lane = lane;
    events.push_back(e);
  }
  void start(std::uint64_t capacity) {
    add(EventKind::RuntimeStarted, 0, capacity, 0, Lane::External);
  }
  void spawn(TaskId id) {
    add(EventKind::TaskSpawned, id, strings_.intern("timer task"), 0, Lane::External);
    add(EventKind::QueuePush, id, ticket_++, ++queued_, Lane::External);
  }

private:
  StringTable& strings_;
  std::uint64_t t_ = 0;
  std::uint64_t ticket_ = 0;
  std::uint64_t queued_ = 0;
};

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

TEST_CASE("stop drains every event still in the log, folds and writes it, and publishes it") {
  EventLog log(1 << 10);
  StringTable strings;
  LogBuilder b(strings);
  b.start(100);
  for (TaskId id = 1; id <= 300; ++id) b.spawn(id);
  std::size_t written = 0;
  FoldPump pump(log, [&](std::span<const Event> batch) { written += batch.size(); });
  for (const Event& e : b.events) log.append(e);
  pump.stop(); // no flush first: stop alone must reach the end of the log
  CHECK(written == b.events.size());
  const Snapshot& s = pump.latest();
  CHECK(s.events.count == b.events.size());
  CHECK(s.state.tasks.size() == 300);
  pump.stop(); // idempotent
}

TEST_CASE("the pump keeps raw event times: a time that goes back in log order is stored as "
          "stamped") {
  EventLog log;
  Event e;
  e.kind = EventKind::RuntimeStarted;
  e.t = 100;
  log.append(e);
  e.kind = EventKind::TimerThreadStarted;
  e.t = 260;
  log.append(e);
  e.kind = EventKind::PollBegin; // a poll's stamp, earlier than the timer thread's event
  e.t = 200;
  log.append(e);
  FoldPump pump(log);
  pump.flush();
  const EventsView v = pump.latest().events;
  REQUIRE(v.count == 3);
  CHECK(v.all()[2].t == 200);
  CHECK(v.store->display_time(2) == 260); // shown in order, stored raw
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
  CHECK(field::raw_a(all[999'999]) == 999'999);
}

} // namespace
} // namespace pollscope::record
