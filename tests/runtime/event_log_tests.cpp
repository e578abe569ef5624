// The event log: lossless and ordered per producer, even when the consumer
// is slower than the producers and the ring is tiny.
#include "runtime/event_log.hpp"

#include <doctest/doctest.h>

#include <array>
#include <thread>
#include <vector>

using namespace pollscope;

TEST_CASE("three producers x 1M events through a small ring with a slow consumer lose nothing and "
          "keep each "
          "producer's order") {
  constexpr std::uint64_t kPerProducer = 1'000'000;
  constexpr int kProducers = 3;
  EventLog log(1024); // far smaller than the stream: producers must wait
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&log, p] {
      for (std::uint64_t i = 0; i < kPerProducer; ++i) {
        Event e;
        e.kind = EventKind::Output;
        e.task = static_cast<TaskId>(p + 1);
        e.a = i;
        log.append(e);
      }
    });
  }
  std::array<std::uint64_t, kProducers> next{};
  std::uint64_t total = 0;
  std::vector<Event> batch;
  std::uint64_t bad = 0; // counted, not asserted per event: 3M REQUIREs are slow under sanitizers
  while (total < kPerProducer * kProducers) {
    batch.clear();
    // Slow consumer: small bites, so the ring is full most of the time.
    const std::size_t n = log.drain(batch, 64);
    if (n == 0) {
      log.wait_readable(10);
      continue;
    }
    for (const Event& e : batch) {
      if (e.task < 1 || e.task > kProducers) {
        ++bad;
        continue;
      }
      auto& expected = next[e.task - 1];
      if (field::raw_a(e) != expected) ++bad; // lost or reordered within a producer
      expected = field::raw_a(e) + 1;
    }
    total += n;
  }
  for (auto& t : producers) t.join();
  CHECK(bad == 0);
  for (std::uint64_t n : next) CHECK(n == kPerProducer);
  CHECK(log.appended() == kPerProducer * kProducers);
  CHECK(log.consumed() == kPerProducer * kProducers);
  CHECK(log.producer_waits() > 0); // the ring really was full
  batch.clear();
  CHECK(log.drain(batch) == 0);
}

TEST_CASE("drain returns events in append order and frees their slots for reuse") {
  EventLog log(4);
  CHECK(log.capacity() == 4);
  std::vector<Event> out;
  for (std::uint64_t round = 0; round < 3; ++round) {
    for (std::uint64_t i = 0; i < 4; ++i) {
      Event e;
      e.a = round * 4 + i;
      log.append(e);
    }
    CHECK(log.drain(out) == 4);
  }
  REQUIRE(out.size() == 12);
  for (std::uint64_t i = 0; i < 12; ++i) CHECK(field::raw_a(out[i]) == i);
  CHECK(log.producer_waits() == 0);
  CHECK_FALSE(log.wait_readable(0));
}

TEST_CASE("wait_readable waits for a batch, and at its deadline settles for what there is") {
  EventLog log(8);
  CHECK_FALSE(log.wait_readable(0, 4)); // nothing at all
  for (int i = 0; i < 3; ++i) log.append(Event{});
  CHECK(log.wait_readable(0, 3)); // the batch is there
  CHECK(log.wait_readable(0, 4)); // short of the batch, but deadline passed with 3 readable
  std::vector<Event> out;
  CHECK(log.drain(out) == 3);
  CHECK_FALSE(log.wait_readable(0, 1));
  // A batch larger than the ring is capped at the ring: it can never be more.
  for (int i = 0; i < 8; ++i) log.append(Event{});
  CHECK(log.wait_readable(0, 100));
}
