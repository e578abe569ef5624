#include "gui/timeline_lanes.hpp"

#include <algorithm>
#include <cmath>

namespace pollscope::gui {

std::uint32_t sub_rows_shown(std::size_t rows) noexcept {
  return static_cast<std::uint32_t>(std::clamp<std::size_t>(rows, 1, kMaxSubRows));
}

SubRowBand sub_row_band(std::size_t row, std::uint32_t shown, float top, float h) noexcept {
  shown = std::max<std::uint32_t>(shown, 1);
  const float each = (h - 4) / static_cast<float>(shown);
  const float y0 = top + 2 + each * static_cast<float>(row % shown);
  return SubRowBand{y0, y0 + std::max(1.0f, each - 1)};
}

// The rows, top to bottom:
//   threads_.size() thread rows          h_.thread each
//   kCounterTracks counter rows          h_.counter each
//   the group row (only when grouped)    h_.group
//   timers_.size() timer rows (shown)    h_.timer each

void LaneLayout::set(std::vector<std::uint32_t> threads, std::vector<std::uint32_t> timers,
                     LaneHeights h) {
  threads_ = std::move(threads);
  timers_ = std::move(timers);
  h_ = h;
}

float LaneLayout::timers_top() const noexcept {
  return static_cast<float>(threads_.size()) * h_.thread +
         static_cast<float>(kCounterTracks) * h_.counter + (grouped() ? h_.group : 0.0f);
}

float LaneLayout::height() const noexcept {
  return timers_top() + (timers_shown() ? static_cast<float>(timers_.size()) * h_.timer : 0.0f);
}

float LaneLayout::timer_y(std::size_t i) const noexcept {
  return timers_top() + static_cast<float>(i) * h_.timer;
}

void LaneLayout::visible(float y0, float y1, std::vector<LaneRow>& out) const {
  out.clear();
  float y = 0;
  auto take = [&](LaneKind k, std::uint32_t item, float h) {
    if (y < y1 && y + h > y0) out.push_back(LaneRow{k, item, y, h});
    y += h;
  };
  for (std::uint32_t i = 0; i < threads_.size(); ++i) take(LaneKind::Thread, i, h_.thread);
  for (std::uint32_t i = 0; i < kCounterTracks; ++i) take(LaneKind::Counter, i, h_.counter);
  if (grouped()) take(LaneKind::TimerGroup, 0, h_.group);
  if (!timers_shown() || timers_.empty() || h_.timer <= 0) return;
  // Timer rows are uniform: the first and last in view by arithmetic.
  const float top = y;
  const auto n = static_cast<std::ptrdiff_t>(timers_.size());
  const auto first = std::clamp<std::ptrdiff_t>(
      static_cast<std::ptrdiff_t>(std::floor((y0 - top) / h_.timer)), 0, n);
  const auto last = std::clamp<std::ptrdiff_t>(
      static_cast<std::ptrdiff_t>(std::ceil((y1 - top) / h_.timer)), 0, n);
  for (std::ptrdiff_t i = first; i < last; ++i)
    out.push_back(LaneRow{LaneKind::Timer, static_cast<std::uint32_t>(i),
                          top + static_cast<float>(i) * h_.timer, h_.timer});
}

bool LaneLayout::row_of(std::uint32_t lane, LaneRow& out) const {
  for (std::uint32_t i = 0; i < threads_.size(); ++i)
    if (threads_[i] == lane) {
      out = LaneRow{LaneKind::Thread, i, static_cast<float>(i) * h_.thread, h_.thread};
      return true;
    }
  const auto it = std::lower_bound(timers_.begin(), timers_.end(), lane);
  if (it == timers_.end() || *it != lane) return false;
  const auto i = static_cast<std::uint32_t>(it - timers_.begin());
  if (timers_shown()) {
    out = LaneRow{LaneKind::Timer, i, timer_y(i), h_.timer};
  } else {
    out = LaneRow{LaneKind::TimerGroup, 0, timers_top() - h_.group, h_.group};
  }
  return true;
}

bool LaneLayout::row_at(float y, LaneRow& out) const {
  std::vector<LaneRow> rows;
  visible(y, std::nextafter(y, y + 1.0f), rows);
  for (const LaneRow& r : rows)
    if (y >= r.y && y < r.y + r.h) {
      out = r;
      return true;
    }
  return false;
}

} // namespace pollscope::gui
