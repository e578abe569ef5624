// The Timeline panel's rows, top to bottom: the executor's lane, the other
// named threads (the spawner / GUI), the counter tracks, then the timer
// threads. Past a handful, timer threads fold into one row, "N timer
// threads", that expands on click; the layout is arithmetic over uniform row
// heights, so finding the rows in view costs the same for 10 or 10,000 timer
// threads, and only those are drawn. No ImGui here (tested headless).
#pragma once

#include "runtime/event.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pollscope::gui {

enum class LaneKind : std::uint8_t {
  Thread,     // a named thread that is not a timer's: the executor, the spawner
  Counter,    // a counter track (queue length, live timer threads)
  TimerGroup, // "N timer threads": click to expand or fold
  Timer,      // one timer thread
};

enum class CounterTrack : std::uint8_t {
  QueueLength = 0,
  LiveTimerThreads = 1,
};
inline constexpr std::size_t kCounterTracks = 2;

// One row on screen. `item`: the index into LaneLayout's threads (Thread),
// the CounterTrack (Counter), or the index into its timers (Timer).
struct LaneRow {
  LaneKind kind = LaneKind::Thread;
  std::uint32_t item = 0;
  float y = 0; // from the top of the lanes, px
  float h = 0;
};

// Row heights in px at a font size of 1 (the panel scales them by its font).
struct LaneHeights {
  float thread = 24;
  float counter = 30;
  float group = 20;
  float timer = 16;
};

// A lane of several rows (a timer driver's: fold::Timeline::row_count) is
// drawn as as many thin sub-rows, up to kMaxSubRows; past that, row r shares
// sub-row r % kMaxSubRows with others (the tooltip tells them apart).
inline constexpr std::uint32_t kMaxSubRows = 48;
inline constexpr float kSubRowPx = 5; // a sub-row's height at font size 1 * 13
[[nodiscard]] std::uint32_t sub_rows_shown(std::size_t rows) noexcept;

// Where row `row` of such a lane is drawn: a band of the lane's screen row
// [top, top + h) holding `shown` sub-rows, 2 px of margin above and below.
struct SubRowBand {
  float y0 = 0, y1 = 0;
};
[[nodiscard]] SubRowBand sub_row_band(std::size_t row, std::uint32_t shown, float top,
                                      float h) noexcept;

class LaneLayout {
public:
  // Timer threads up to this many each get a row at once; more fold into a group.
  static constexpr std::size_t kGroupAbove = 8;

  // The rows for these lanes (fold::LaneId: a thread-table row - 1), the
  // executor's first, and the timer threads' (ascending: the order they were named).
  void set(std::vector<std::uint32_t> threads, std::vector<std::uint32_t> timers, LaneHeights h);

  // Whether the timer rows show: always for few timers, else when expanded.
  [[nodiscard]] bool timers_shown() const noexcept {
    return timers_.size() <= kGroupAbove || expanded_;
  }
  [[nodiscard]] bool grouped() const noexcept { return timers_.size() > kGroupAbove; }
  void set_expanded(bool e) noexcept { expanded_ = e; }
  [[nodiscard]] bool expanded() const noexcept { return expanded_; }

  [[nodiscard]] float height() const noexcept;
  // The rows that overlap [y0, y1), in order (cleared first).
  void visible(float y0, float y1, std::vector<LaneRow>& out) const;
  // The row at `y`, if any.
  [[nodiscard]] bool row_at(float y, LaneRow& out) const;
  // The y of the timer row `i` (its top), for scrolling a timer into view.
  [[nodiscard]] float timer_y(std::size_t i) const noexcept;

  [[nodiscard]] const std::vector<std::uint32_t>& threads() const noexcept { return threads_; }
  [[nodiscard]] const std::vector<std::uint32_t>& timers() const noexcept { return timers_; }
  // The row of `lane` (its y and height): its own, the group row while the
  // timers are folded, or none (false).
  [[nodiscard]] bool row_of(std::uint32_t lane, LaneRow& out) const;

private:
  [[nodiscard]] float timers_top() const noexcept; // below the group row, if any
  std::vector<std::uint32_t> threads_;
  std::vector<std::uint32_t> timers_;
  LaneHeights h_;
  bool expanded_ = false;
};

} // namespace pollscope::gui
