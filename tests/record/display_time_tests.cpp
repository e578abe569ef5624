// Display time: event times shown in log order never go backwards, while
// what is stored keeps the raw times the runtime stamped.
#include "record/display_time.hpp"
#include "record/event_store.hpp"

#include <doctest/doctest.h>

#include <vector>

namespace pollscope::record {
namespace {

Event at(EventKind k, std::uint64_t t) {
  Event e;
  e.kind = k;
  e.t = t;
  return e;
}

TEST_CASE("event times never go backwards in log order, and a new runtime starts afresh") {
  // A poll's events carry the poll's start time; a timer thread's event
  // logged in between is later. Shown in log order, time must not go back.
  DisplayTime shown;
  Event e = at(EventKind::RuntimeStarted, 100);
  CHECK(shown.next(e) == 100);
  CHECK(shown.next(at(EventKind::PollBegin, 200)) == 200);
  CHECK(shown.next(at(EventKind::TimerThreadStarted, 260)) == 260); // another thread
  e = at(EventKind::WakerCloned, 200); // the poll's stamp: shown later, not earlier
  CHECK(shown.next(e) == 260);
  CHECK(e.t == 200); // the event itself keeps its raw time
  CHECK(shown.next(at(EventKind::PollEnd, 300)) == 300);
  CHECK(shown.next(at(EventKind::RuntimeReset, 50)) == 50); // a fresh runtime's clock
  CHECK(shown.next(at(EventKind::TaskSpawned, 60)) == 60);
}

TEST_CASE("the store gives every event the same display time as reading the log in order, "
          "across chunks and resets, and keeps the raw times") {
  EventStore store;
  std::vector<std::uint64_t> raw;
  std::uint32_t x = 12345;
  auto next_rand = [&] { return x = x * 1103515245u + 12345u; };
  for (std::size_t i = 0; i < 5 * EventStore::kDisplayChunk + 17; ++i) {
    // Mostly rising, sometimes back (a poll's stamp), sometimes a new runtime.
    const std::uint32_t r = next_rand() >> 16;
    const EventKind k = r % 97 == 0 ? EventKind::RuntimeReset : EventKind::PollBegin;
    const std::uint64_t t = 1000 * i + (r % 5 == 0 ? 0 : r % 3000);
    raw.push_back(t);
    store.push(at(k, t));
  }
  DisplayTime shown;
  const auto all = store.first(store.writer_size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    REQUIRE(store.display_time(i) == shown.next(all[i]));
    REQUIRE(all[i].t == raw[i]);
  }
}

} // namespace
} // namespace pollscope::record
