// LocalQueue: the executor-local run queue of the `local` queue policy
// (runtime/policy.hpp): a FIFO of task references that only the executor
// thread touches, so a wake made on that thread (a task waking itself, or
// waking another task, during a poll) costs no atomic operation and no
// cross-core cache traffic.
//
// Capacity semantics, exactly: the local queue has no fixed bound and never
// refuses or blocks. It holds at most one entry per live task, because the
// `local` policy is also `notified` (a task with an entry is never given a
// second one: runtime/task_state.hpp), so its length never exceeds the number
// of live tasks. The channel's capacity keeps bounding exactly what it bounds
// in the book: spawns (from any thread) and wakes from other threads. A
// consequence worth knowing: a self-wake under `local` can never block the
// executor on its own full channel, which under `book` it can.
//
// Storage is a power-of-two ring that doubles when full and never shrinks
// (the yield workload reaches its peak once and stays there).
//
// Threading contract: executor thread only — every member. Nothing here is
// atomic; the channel (runtime/channel.hpp) makes sure only that thread gets
// here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace pollscope {

class Task;

class LocalQueue {
public:
  LocalQueue() = default;
  LocalQueue(const LocalQueue&) = delete;
  LocalQueue& operator=(const LocalQueue&) = delete;

  void push(Task* task) {
    if (tail_ - head_ == cap_) [[unlikely]]
      grow();
    slots_[tail_++ & mask_] = task;
  }
  // Null when empty.
  [[nodiscard]] Task* pop() noexcept {
    if (head_ == tail_) return nullptr;
    return slots_[head_++ & mask_];
  }
  [[nodiscard]] bool empty() const noexcept { return head_ == tail_; }
  [[nodiscard]] std::size_t size() const noexcept {
    return static_cast<std::size_t>(tail_ - head_);
  }
  // The i-th entry from the front (i < size()).
  [[nodiscard]] Task* at(std::size_t i) const noexcept { return slots_[(head_ + i) & mask_]; }
  // Entries ever pushed: the next entry's position in push order (the
  // QueuePush ticket of a local entry, see event.hpp).
  [[nodiscard]] std::uint64_t pushed() const noexcept { return tail_; }

private:
  void grow() {
    const std::size_t cap = cap_ == 0 ? 64 : cap_ * 2;
    auto slots = std::make_unique<Task*[]>(cap);
    for (std::uint64_t i = head_; i < tail_; ++i) slots[i & (cap - 1)] = slots_[i & (cap_ - 1)];
    slots_ = std::move(slots);
    cap_ = cap;
    mask_ = cap - 1;
  }

  std::unique_ptr<Task*[]> slots_;
  std::size_t cap_ = 0;
  std::size_t mask_ = 0;   // cap_ - 1 (the pop and push of every poll use it)
  std::uint64_t head_ = 0; // next entry to pop
  std::uint64_t tail_ = 0; // next entry to push
};

} // namespace pollscope
