#include "gui/timeline_driver.hpp"

#include <algorithm>
#include <functional>
#include <queue>
#include <utility>

namespace pollscope::gui {

bool is_timer_driver(const fold::FoldState& state, ThreadIndex thread) noexcept {
  return thread != 0 && thread < state.threads.size() &&
         state.threads[thread].lane == Lane::Timer && state.threads[thread].timer == 0 &&
         state.threads[thread].name != 0;
}

std::uint32_t stack_timer_waits(const fold::FoldState& state, ThreadIndex thread,
                                std::uint64_t axis_offset, std::vector<StackedWait>& out) {
  out.clear();
  for (const fold::TimerView& t : state.timers.items()) {
    if (t.thread != thread) continue;
    StackedWait w;
    w.begin_t = t.created_t + axis_offset;
    w.deadline_t = std::max(t.deadline_ns, t.created_t) + axis_offset;
    w.timer = t.id;
    w.task = t.task;
    w.fired = t.fired;
    w.cancelled = t.cancelled;
    w.due_held = t.due_held;
    out.push_back(w);
  }
  std::stable_sort(out.begin(), out.end(), [](const StackedWait& a, const StackedWait& b) {
    return a.begin_t < b.begin_t;
  });
  // Sub-rows in use, by when their wait ends; the free ones, lowest first.
  using Busy = std::pair<std::uint64_t, std::uint32_t>;
  std::priority_queue<Busy, std::vector<Busy>, std::greater<>> busy;
  std::priority_queue<std::uint32_t, std::vector<std::uint32_t>, std::greater<>> free;
  std::uint32_t rows = 0;
  for (StackedWait& w : out) {
    // A wait ending exactly where the next begins leaves its row to it.
    while (!busy.empty() && busy.top().first <= w.begin_t) {
      free.push(busy.top().second);
      busy.pop();
    }
    if (free.empty()) {
      w.depth = rows++;
    } else {
      w.depth = free.top();
      free.pop();
    }
    busy.emplace(w.deadline_t, w.depth);
  }
  return rows;
}

} // namespace pollscope::gui
