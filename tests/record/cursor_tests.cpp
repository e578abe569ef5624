// The cursor: seek(i) is the fold of events [0, i), whichever checkpoint it
// starts from and wherever it stood before.
#include "record/cursor.hpp"
#include "record/recorder.hpp"

#include "fold/workload.hpp"

#include <doctest/doctest.h>

#include <random>

namespace pollscope::record {
namespace {

using fold::test::Workload;

fold::FoldState fresh_fold(std::span<const Event> events, std::size_t i) {
  fold::Fold f;
  f.apply(events.first(i));
  return f.state();
}

// Checkpoints every `spacing` events, whatever the state's size.
CheckpointPolicy every(std::size_t spacing) { return {spacing, std::size_t{1} << 30}; }

TEST_CASE("seek(i) equals a fresh fold of the first i events, for random seeks over random "
          "workloads") {
  std::size_t seeks = 0;
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    Workload w(seed);
    for (int i = 0; i < 600; ++i) w.step();
    // Sparse and dense checkpoints, so seeks start from checkpoints, from the
    // start, and from where the cursor stood.
    Recorder rec(every(seed % 2 == 0 ? 37 : 500));
    for (const Event& e : w.s.log) rec.append(e);
    const std::size_t n = rec.store().writer_size();
    REQUIRE(n == w.s.log.size());
    CHECK(rec.checkpoints().count() > 0);
    Cursor cursor(rec.store(), rec.checkpoints());
    std::mt19937 rng(seed);
    for (int k = 0; k < 150; ++k) {
      // Mostly anywhere; sometimes one event either way, as the arrow keys do.
      std::size_t i = std::uniform_int_distribution<std::size_t>(0, n)(rng);
      if (k % 3 == 1) i = std::min(n, cursor.position() + 1);
      if (k % 3 == 2) i = cursor.position() == 0 ? 0 : cursor.position() - 1;
      const fold::FoldState& got = cursor.seek(i, n);
      REQUIRE(cursor.position() == i);
      REQUIRE(got == fresh_fold(rec.store().first(n), i));
      ++seeks;
    }
  }
  CHECK(seeks >= 1000);
}

TEST_CASE("seek never reads past the published count") {
  Workload w(3);
  for (int i = 0; i < 200; ++i) w.step();
  Recorder rec(every(16));
  for (const Event& e : w.s.log) rec.append(e);
  Cursor cursor(rec.store(), rec.checkpoints());
  const std::size_t published = w.s.log.size() / 2;
  cursor.seek(w.s.log.size(), published);
  CHECK(cursor.position() == published);
  CHECK(cursor.state() == fresh_fold(w.s.log, published));
}

TEST_CASE("the end of the record is the pump's live state") {
  Workload w(5);
  for (int i = 0; i < 300; ++i) w.step();
  Recorder rec;
  for (const Event& e : w.s.log) rec.append(e);
  Cursor cursor(rec.store(), rec.checkpoints());
  const std::size_t n = rec.store().writer_size();
  CHECK(cursor.seek(n, n) == rec.fold().state());
  CHECK(cursor.seek(0, n) == fold::FoldState{});
}

TEST_CASE("checkpoint memory stays within the budget each stored event earns") {
  // 8 of an event's 40 bytes: at most a fifth of the store, however big the
  // state grows (many spawned tasks here).
  Workload w(11, 64);
  for (int i = 0; i < 20000; ++i) w.step();
  Recorder rec(CheckpointPolicy{64, 8});
  for (const Event& e : w.s.log) rec.append(e);
  const std::size_t n = rec.store().writer_size();
  CHECK(rec.checkpoints().count() > 1);
  CHECK(rec.checkpoints().bytes() <= EventStore::bytes(n) / 5);
}

} // namespace
} // namespace pollscope::record
