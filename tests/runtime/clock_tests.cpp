// The real clock's plumbing that needs no waiting: its tick source and the
// continuity of a time-scale change. (Timing itself is a benchmark's job.)
#include "runtime/clock.hpp"
#include "runtime/ticks.hpp"

#include <doctest/doctest.h>

using namespace pollscope;

TEST_CASE("the tick source has a plausible rate and never runs backwards on one thread") {
  const TickRate& rate = tick_rate();
  CHECK(&rate == &tick_rate()); // calibrated once per process
  CHECK(rate.ns_per_tick > 0.01);
  CHECK(rate.ns_per_tick < 10.0);
  if (!rate.tsc) CHECK(rate.ns_per_tick == 1.0); // steady_clock ns
  std::uint64_t prev = read_ticks(rate);
  for (int i = 0; i < 10000; ++i) {
    const std::uint64_t now = read_ticks(rate);
    REQUIRE(now >= prev);
    prev = now;
  }
}

TEST_CASE("the real clock starts near zero and stays continuous across time-scale changes") {
  RealClock clock(1.0);
  std::uint64_t prev = clock.now_ns();
  CHECK(prev < 1'000'000'000); // a fresh clock counts from its creation
  for (double scale : {0.25, 4.0, 0.001, 1.0}) {
    clock.set_time_scale(scale);
    CHECK(clock.time_scale() == scale);
    const std::uint64_t now = clock.now_ns();
    CHECK(now >= prev); // a new scale never makes time jump back
    prev = now;
  }
  clock.set_time_scale(-1.0); // refused
  clock.set_time_scale(0.0);  // refused
  CHECK(clock.time_scale() == 1.0);
}
