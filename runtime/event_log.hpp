// EventLog: a lossless, lock-free, many-producer / one-consumer log of Events.
//
// Threading contract
//   - `append` may be called from any number of threads at once (executor,
//     timer threads, the GUI thread). Each call claims the next sequence number
//     with one fetch_add; the order of sequence numbers IS the log's order.
//     Callers that need causal order (a push before its pop) append while the
//     causing action is still unpublished (see channel.hpp): the claim then
//     happens-before the effect, and so before any later claim that observes it.
//   - `drain` / `try_read` are called by one consumer thread at a time.
//   - Lossless: when the ring is full a producer waits (spinning, then
//     yielding, then napping) until the consumer frees its slot. Nothing is
//     ever dropped; `producer_waits()` counts those waits. Neither side
//     notifies the other, so `append` costs one fetch_add and two stores.
//
// Each slot carries a sequence stamp (Vyukov's bounded queue): a producer with
// ticket n may write slot n % capacity once its stamp equals n, and publishes by
// setting the stamp to n + 1; the consumer reads ticket n once the stamp is
// n + 1 and frees the slot by setting it to n + capacity.
#pragma once

#include "event.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

namespace pollscope {

class EventLog {
public:
  // capacity is rounded up to a power of two.
  explicit EventLog(std::size_t capacity = std::size_t{1} << 20);
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Appends one event; blocks (never drops) while the ring is full. Inline:
  // it is on every step of the poll path.
  void append(const Event& e) noexcept { append(e, e.t, e.lane, e.timer, e.thread); }
  // The same with the time, lane, timer and thread given apart from `e` (what
  // RuntimeContext fills in), so the event is copied once, into its slot.
  void append(const Event& e, std::uint64_t t, Lane lane, TimerId timer,
              ThreadIndex thread) noexcept {
    // relaxed: the ticket's place in tail_'s modification order is all the
    // log order needs, and coherence keeps it consistent with happens-before.
    const std::uint64_t n = tail_.fetch_add(1, std::memory_order_relaxed);
    Slot& slot = slots_[n & mask_];
    // acquire: pairs with the consumer's release after it copied the old
    // event out, so our write below cannot overwrite what it still reads.
    if (slot.stamp.load(std::memory_order_acquire) != n) [[unlikely]]
      wait_for_slot(slot, n);
    slot.event = e;
    slot.event.t = t;
    slot.event.lane = lane;
    slot.event.timer = timer;
    slot.event.thread = thread;
    // release: publishes the event's bytes to the consumer's acquire load.
    slot.stamp.store(n + 1, std::memory_order_release);
  }

  // Copies up to `max` published events, in log order, into `out` (appending)
  // and frees their slots. Returns how many were read. Never blocks.
  std::size_t drain(std::vector<Event>& out, std::size_t max = SIZE_MAX) noexcept;

  // Waits up to `timeout_ms` until `min_events` events are readable, then
  // says whether at least one is. Consumer only. A consumer that waits for a
  // batch (the GUI's pump, the benchmarks) instead of chasing the newest slot
  // keeps off the cache lines producers are writing: chasing one slot behind
  // a producer makes every append pay a cache-line transfer (8 ns -> ~150 ns
  // per emit measured on 2 cores).
  bool wait_readable(unsigned timeout_ms, std::size_t min_events = 1) noexcept;

  [[nodiscard]] std::uint64_t appended() const noexcept;       // tickets claimed
  [[nodiscard]] std::uint64_t consumed() const noexcept;       // events drained
  [[nodiscard]] std::uint64_t producer_waits() const noexcept; // full-ring waits
  [[nodiscard]] std::size_t capacity() const noexcept { return mask_ + 1; }

  // A fresh row of this log's thread table (see EventKind::ThreadNamed):
  // dense from 1, any thread, never reused.
  // Unique per log for the life of the process (never 0): threads cache their
  // thread table row per log by this id, not by address, since a new log may
  // be allocated where a freed one was.
  [[nodiscard]] std::uint64_t id() const noexcept { return id_; }

  [[nodiscard]] ThreadIndex next_thread_index() noexcept {
    return next_thread_.fetch_add(1, std::memory_order_relaxed);
  }

private:
  struct Slot {
    std::atomic<std::uint64_t> stamp;
    Event event;
  };
  static constexpr std::size_t kLine = 64;
  void wait_for_slot(Slot& slot, std::uint64_t n) noexcept; // the ring is full

  std::unique_ptr<Slot[]> slots_;
  std::size_t mask_;
  // Producers hammer `tail_`, the consumer owns `head_`: separate cache lines
  // so a drain does not steal the line every append needs.
  alignas(kLine) std::atomic<std::uint64_t> tail_{0};
  alignas(kLine) std::atomic<std::uint64_t> head_{0};
  alignas(kLine) std::atomic<std::uint64_t> producer_waits_{0};
  std::atomic<ThreadIndex> next_thread_{1}; // once per thread and role: cold
  std::uint64_t id_;
};

} // namespace pollscope
