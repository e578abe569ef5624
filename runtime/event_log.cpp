#include "event_log.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <thread>

namespace pollscope {
namespace {

// Back-off for the two rare waits (a producer on a full ring, the consumer on
// an empty one): spin a little, then yield, then sleep in short naps. Neither
// side ever notifies the other, which keeps `append` free of fences and
// syscalls; the price is up to ~200 us of extra latency in those rare waits.
struct Backoff {
  unsigned n = 0;
  void pause() {
    if (n < 64) {
      ++n;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    } else if (n < 128) {
      ++n;
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(50 + (n < 200 ? n++ : 200)));
    }
  }
};

} // namespace

namespace {
std::atomic<std::uint64_t> g_next_log_id{1};
} // namespace

EventLog::EventLog(std::size_t capacity)
    : id_(g_next_log_id.fetch_add(1, std::memory_order_relaxed)) {
  if (capacity < 2) capacity = 2;
  capacity = std::bit_ceil(capacity);
  mask_ = capacity - 1;
  slots_ = std::make_unique<Slot[]>(capacity);
  for (std::size_t i = 0; i < capacity; ++i) slots_[i].stamp.store(i, std::memory_order_relaxed);
}

void EventLog::wait_for_slot(Slot& slot, std::uint64_t n) noexcept {
  producer_waits_.fetch_add(1, std::memory_order_relaxed);
  Backoff backoff;
  while (slot.stamp.load(std::memory_order_acquire) != n) backoff.pause();
}

std::size_t EventLog::drain(std::vector<Event>& out, std::size_t max) noexcept {
  // head_ is written only here (one consumer), so relaxed reads of our own
  // value are enough.
  std::uint64_t h = head_.load(std::memory_order_relaxed);
  std::size_t read = 0;
  while (read < max) {
    Slot& slot = slots_[h & mask_];
    if (slot.stamp.load(std::memory_order_acquire) != h + 1) break; // not yet published
    out.push_back(slot.event);
    // release: the copy above is done before a producer may reuse the slot.
    slot.stamp.store(h + mask_ + 1, std::memory_order_release);
    ++h;
    ++read;
  }
  // release: readers of consumed() on other threads see a count that matches
  // slots already freed.
  head_.store(h, std::memory_order_release);
  return read;
}

bool EventLog::wait_readable(unsigned timeout_ms, std::size_t min_events) noexcept {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  // Slot n is published once its stamp is n + 1. Producers may publish out of
  // ticket order, so the last slot of the batch being ready does not promise
  // the ones before it; drain stops at the first gap, which is all we need.
  const std::uint64_t ahead =
      min_events == 0 ? 0 : std::min<std::uint64_t>(min_events, mask_ + 1) - 1;
  Backoff backoff;
  for (;;) {
    const std::uint64_t h = head_.load(std::memory_order_relaxed);
    if (slots_[(h + ahead) & mask_].stamp.load(std::memory_order_acquire) == h + ahead + 1)
      return true;
    if (std::chrono::steady_clock::now() >= deadline)
      return slots_[h & mask_].stamp.load(std::memory_order_acquire) == h + 1;
    backoff.pause();
  }
}

std::uint64_t EventLog::appended() const noexcept { return tail_.load(std::memory_order_relaxed); }
std::uint64_t EventLog::consumed() const noexcept { return head_.load(std::memory_order_acquire); }
std::uint64_t EventLog::producer_waits() const noexcept {
  return producer_waits_.load(std::memory_order_relaxed);
}

} // namespace pollscope
