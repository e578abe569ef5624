#include "gui/timeline_seek.hpp"

namespace pollscope::gui {

std::size_t position_at_time(const record::EventStore& store, std::size_t begin, std::size_t count,
                             std::uint64_t t) {
  if (begin >= count) return count;
  // The first event shown after `t` in [begin + 1, count): everything before it is shown.
  std::size_t lo = begin + 1, hi = count;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (store.display_time(mid) <= t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

} // namespace pollscope::gui
