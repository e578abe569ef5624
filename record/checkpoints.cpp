#include "record/checkpoints.hpp"

#include <algorithm>

namespace pollscope::record {

std::size_t approx_bytes(const fold::FoldState& s) noexcept {
  using namespace fold;
  // IdTable keeps a slot per id besides each item: 4 bytes, 1.5x grown.
  constexpr std::size_t kSlot = 6;
  return sizeof(FoldState) + s.tasks.size() * (sizeof(TaskView) + kSlot) +
         s.task_names.size() * sizeof(StringId) + s.queue.entries.size() * sizeof(QueueEntry) +
         s.queue.blocked.size() * sizeof(BlockedSender) +
         s.wakers.size() * (sizeof(WakerView) + kSlot) +
         s.timers.size() * (sizeof(TimerView) + kSlot) + s.output.size() * sizeof(OutputLine);
}

void Checkpoints::take_if_earned(std::size_t index, const fold::Fold& fold) {
  const std::size_t size = approx_bytes(fold.state());
  const std::size_t spacing =
      std::max(policy_.min_spacing, size / std::max<std::size_t>(policy_.bytes_per_event, 1));
  if (index - last_index_ < spacing) {
    // The state grew since the last look: not earned yet.
    next_due_ = last_index_ + spacing;
    return;
  }
  Checkpoint c{index, std::make_shared<const fold::Fold>(fold), size};
  {
    std::lock_guard lock(mutex_);
    list_.push_back(std::move(c));
  }
  bytes_.fetch_add(size, std::memory_order_relaxed);
  last_index_ = index;
  next_due_ = index + spacing;
}

Checkpoint Checkpoints::nearest(std::size_t index) const {
  std::lock_guard lock(mutex_);
  const auto it = std::upper_bound(list_.begin(), list_.end(), index,
                                   [](std::size_t i, const Checkpoint& c) { return i < c.index; });
  if (it == list_.begin()) return Checkpoint{};
  return *std::prev(it);
}

std::size_t Checkpoints::count() const {
  std::lock_guard lock(mutex_);
  return list_.size();
}

} // namespace pollscope::record
