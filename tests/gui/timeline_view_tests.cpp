// The Timeline's navigation, ruler, lane layout and click-to-seek, headless.
#include "gui_test_support.hpp"

#include "gui/timeline_lanes.hpp"
#include "gui/timeline_seek.hpp"
#include "gui/timeline_view.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

namespace pollscope::gui {
namespace {

TEST_CASE("zooming with the wheel keeps the time under the mouse where it is") {
  TimeWindow w;
  w.fit(0, 2e9, 1000, 0);
  const double under = w.t_of(250);
  w.zoom_at(kWheelZoom, 250);
  CHECK(w.t_of(250) == doctest::Approx(under));
  CHECK(w.ns_per_px == doctest::Approx(2e6 / kWheelZoom));
  w.zoom_at(1 / kWheelZoom, 250);
  CHECK(w.ns_per_px == doctest::Approx(2e6));
  CHECK(w.t_of(250) == doctest::Approx(under));
}

TEST_CASE("zooming in stops at a tenth of a ns a pixel, so single events at ns scale show") {
  TimeWindow w;
  w.fit(0, 2e9, 1000);
  for (int i = 0; i < 200; ++i) w.zoom_at(kWheelZoom, 500);
  CHECK(w.ns_per_px == TimeWindow::kMinNsPerPx);
  // 1 ns is 10 pixels wide: two events 1 ns apart are told apart.
  CHECK(w.x_of(1001) - w.x_of(1000) == doctest::Approx(10));
}

TEST_CASE("fitting shows the whole span with a margin either side") {
  TimeWindow w;
  w.fit(1e6, 3e6, 1000, 0.05);
  CHECK(w.x_of(1e6) > 0);
  CHECK(w.x_of(3e6) < 1000);
  CHECK(w.x_of(1e6) == doctest::Approx(1000 - w.x_of(3e6)));
  TimeWindow one;
  one.fit(5000, 5000, 1000); // one instant: 1 µs around it, centred
  CHECK(one.x_of(5000) == doctest::Approx(500));
}

TEST_CASE("panning moves the view by the pixels dragged, at any zoom") {
  TimeWindow w;
  w.fit(0, 1e9, 1000, 0);
  w.pan_px(100);
  CHECK(w.t0 == doctest::Approx(1e8));
  w.zoom_at(1000, 0);
  w.pan_px(-10);
  CHECK(w.t0 == doctest::Approx(1e8 - 10 * 1e3));
}

TEST_CASE("ruler ticks are 1, 2 or 5 times a power of ten and at least the asked pixels apart") {
  for (double npp : {0.1, 0.37, 1.0, 13.0, 999.0, 2e6, 7.7e7}) {
    const double step = ruler_step(npp, 80);
    CHECK(step / npp >= 80);
    const double mant = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
    CHECK((std::fabs(mant - 1) < 1e-9 || std::fabs(mant - 2) < 1e-9 || std::fabs(mant - 5) < 1e-9));
    CHECK(step / npp < 80 * 5.01); // and not much further
  }
}

TEST_CASE("tick labels use the step's unit and tell neighbouring ticks apart") {
  CHECK(format_tick(0, 5e8) == "0 ms");
  CHECK(format_tick(1.5e9, 5e8) == "1.5 s");
  CHECK(format_tick(2e9, 1e9) == "2 s");
  CHECK(format_tick(1234, 2) == "1.234 \xC2\xB5s");
  CHECK(format_tick(12500, 500) == "12.5 \xC2\xB5s");
  CHECK(format_tick(400, 100) == "400 ns");
  CHECK(format_tick(2e9 + 124, 2) == "2.000000124 s"); // deep in a 2 s run
  CHECK(format_tick(2e9 + 124, 2) != format_tick(2e9 + 126, 2));
  CHECK(format_tick(-0.0001, 5e8) == "0 ms");
  CHECK(format_duration(2e9) == "2.000 s");
  CHECK(format_duration(5000) == "5.00 \xC2\xB5s");
  CHECK(format_duration(870) == "870 ns");
  CHECK(format_duration(12.34e6) == "12.3 ms");
}

TEST_CASE("a few timer threads get a row each and many fold into one row that expands on click") {
  LaneLayout few;
  few.set({1, 2}, {3, 4, 5}, LaneHeights{});
  CHECK_FALSE(few.grouped());
  std::vector<LaneRow> rows;
  few.visible(0, 1e9, rows);
  REQUIRE(rows.size() == 2 + kCounterTracks + 3);
  CHECK(rows.back().kind == LaneKind::Timer);

  std::vector<ThreadIndex> timers;
  for (ThreadIndex i = 0; i < 10000; ++i) timers.push_back(10 + i);
  LaneLayout many;
  const LaneHeights h;
  many.set({1, 2}, timers, h);
  REQUIRE(many.grouped());
  many.visible(0, 1e9, rows);
  REQUIRE(rows.size() == 2 + kCounterTracks + 1); // folded: the group row only
  CHECK(rows.back().kind == LaneKind::TimerGroup);
  const float folded = many.height();
  many.set_expanded(true);
  CHECK(many.height() == doctest::Approx(folded + 10000 * h.timer));
}

TEST_CASE("only the rows in view are listed, for 10,000 expanded timer threads as for 10") {
  std::vector<ThreadIndex> timers(10000, 7);
  LaneLayout l;
  const LaneHeights h;
  l.set({1, 2}, timers, h);
  l.set_expanded(true);
  std::vector<LaneRow> rows;
  const float top = l.timer_y(5000);
  l.visible(top, top + 20 * h.timer, rows);
  REQUIRE(rows.size() == 20);
  CHECK(rows.front().kind == LaneKind::Timer);
  CHECK(rows.front().item == 5000);
  CHECK(rows.back().item == 5019);
  LaneRow r;
  REQUIRE(l.row_at(top + h.timer * 3.5f, r));
  CHECK(r.item == 5003);
  // Rows are contiguous: each starts where the one above ends.
  l.visible(0, l.timer_y(3), rows);
  for (std::size_t i = 1; i < rows.size(); ++i)
    CHECK(rows[i].y == doctest::Approx(rows[i - 1].y + rows[i - 1].h));
}

TEST_CASE("a click at a time shows every event at or before it, and never an earlier runtime") {
  StringTable strings;
  test::LogBuilder b(strings);
  b.start(10);
  b.spawn(1);
  b.poll_pending(1);
  test::FoldedLog log;
  log.apply(b.events);
  const record::EventStore& store = log.store;
  const std::size_t n = b.events.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t t = store.display_time(i);
    CHECK(position_at_time(store, 0, n, t) == i + 1);            // the event at t is shown
    if (i > 0) CHECK(position_at_time(store, 0, n, t - 1) == i); // just before it: not yet
  }
  CHECK(position_at_time(store, 0, n, 0) == 1); // before the run: its first event
  CHECK(position_at_time(store, 0, n, UINT64_MAX) == n);
  CHECK(position_at_time(store, 3, n, 0) == 4); // a later runtime begins at 3
}

} // namespace
} // namespace pollscope::gui
