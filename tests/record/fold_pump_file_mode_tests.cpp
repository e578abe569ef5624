// FoldPump in file mode (an opened recording): the events are folded and
// stored at construction, one snapshot holds them all, and a Cursor seeks
// in them as in a live run's.
#include "record/cursor.hpp"
#include "record/fold_pump.hpp"
#include "recording_test_support.hpp"

#include <doctest/doctest.h>

namespace pollscope::record {

TEST_CASE("a file-mode pump publishes every event at once and a cursor seeks in them") {
  test::TestRuntime t;
  ScenarioParams params;
  params.count = 20;
  test::run_scenario(t, "random-timers", params);
  const std::vector<Event> events = t.events();
  REQUIRE(events.size() > 100);

  FoldPump pump{std::span<const Event>(events), CheckpointPolicy{64, 8}};
  const Snapshot& snap = pump.latest();
  CHECK(snap.serial == 1);
  CHECK(snap.events.count == events.size());
  CHECK(snap.folded == events.size());
  fold::Fold whole;
  whole.apply(std::span<const Event>(events));
  CHECK(snap.state.executor.total_polls == whole.state().executor.total_polls);
  CHECK(snap.state.tasks.size() == whole.state().tasks.size());
  pump.flush(); // nothing to wait for
  pump.stop();
  CHECK(pump.latest().serial == 1);

  Cursor cursor(pump.store(), pump.checkpoints());
  const std::size_t mid = events.size() / 2;
  fold::Fold half;
  half.apply(std::span<const Event>(events).first(mid));
  CHECK(cursor.seek(mid, snap.events.count).executor.total_polls ==
        half.state().executor.total_polls);
  CHECK(cursor.position() == mid);
}

TEST_CASE("a file-mode pump of no events publishes an empty snapshot") {
  FoldPump pump{std::span<const Event>()};
  CHECK(pump.latest().events.count == 0);
  pump.stop();
}

} // namespace pollscope::record
