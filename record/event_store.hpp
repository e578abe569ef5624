// EventStore: every event the pump has drained, append-only and addressable by
// index: the event log panel, the cursor (record/cursor.hpp) and the history
// bar all read it.
//
// Threading contract
//   - One writer (the fold pump's thread) calls `push`.
//   - Any thread may read events below a count it learned from the writer
//     through a synchronising hand-off (the pump publishes the count inside
//     its snapshot under a mutex). Those events are never written again and
//     never move, so reading them needs no lock.
//
// Why one big reservation: a million events must stay addressable, as one
// contiguous span (the fold's event filters take a span), while the writer
// keeps appending. A std::vector would reallocate under the reader's feet, so
// the store reserves address space for kMaxEvents once (mmap, MAP_NORESERVE):
// untouched pages cost no memory, and the buffer never moves.
//
// The store is bounded (kMaxEvents, 768 MiB at 48 bytes an event); past that
// events are counted in `dropped()` but not kept. The fold itself never
// misses one: the bound only limits what the log panel can scroll back to.
#pragma once

#include "runtime/event.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace pollscope::record {

class EventStore {
public:
  static constexpr std::size_t kMaxEvents = std::size_t{1} << 24; // 16 Mi events

  EventStore();
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Writer only. Returns false (and counts it) when the store is full.
  bool push(const Event& e) noexcept;

  // Any thread: events [0, count) for a count published by the writer.
  [[nodiscard]] std::span<const Event> first(std::size_t count) const noexcept {
    return {events_, count};
  }

  // Any thread, for i below a published count: the time to show for event i
  // (record/display_time.hpp: never earlier than the event before it in this
  // runtime). Reads at most kDisplayChunk events.
  [[nodiscard]] std::uint64_t display_time(std::size_t i) const noexcept;

  // Writer only: readers use the count published with their snapshot.
  [[nodiscard]] std::size_t writer_size() const noexcept { return size_; }
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_; }
  // The memory the first `count` events take (what checkpoints are measured against).
  [[nodiscard]] static constexpr std::size_t bytes(std::size_t count) noexcept {
    return count * sizeof(Event);
  }

  // Display times are kept sparsely: the display time just before every
  // kDisplayChunk-th event, so one lookup folds at most a chunk of events.
  static constexpr std::size_t kDisplayChunk = 256;

private:
  Event* events_ = nullptr; // kMaxEvents reserved, the first size_ written
  // chunk_display_[c]: the display time of event c * kDisplayChunk - 1 (0 for
  // c = 0). Sized once, so it never moves; entry c is written before event
  // c * kDisplayChunk, so a published count covers the entries it needs.
  std::unique_ptr<std::uint64_t[]> chunk_display_;
  std::uint64_t last_display_ = 0; // writer only: of the newest event
  std::size_t size_ = 0;
  std::uint64_t dropped_ = 0;
};

// What a reader may see of the store: events [0, count), and the index of the
// first event of the current runtime (the latest RuntimeStarted / Reset), so
// the log panel can start where the picture on screen starts.
struct EventsView {
  const EventStore* store = nullptr;
  std::size_t count = 0;
  std::size_t runtime_begin = 0;

  [[nodiscard]] std::span<const Event> all() const noexcept {
    return store ? store->first(count) : std::span<const Event>{};
  }
  // The events of the runtime on screen (since the last reset).
  [[nodiscard]] std::span<const Event> current_runtime() const noexcept {
    return all().subspan(runtime_begin);
  }
};

} // namespace pollscope::record
