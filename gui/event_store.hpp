// EventStore: every event the GUI has drained, kept for the event-log panel.
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
// The store is bounded (kMaxEvents, 640 MB at 40 bytes an event); past that
// events are counted in `dropped()` but not kept. The fold itself never
// misses one: the bound only limits what the log panel can scroll back to.
#pragma once

#include "runtime/event.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace pollscope::gui {

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

  // Writer only: readers use the count published with their snapshot.
  [[nodiscard]] std::size_t writer_size() const noexcept { return size_; }
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_; }

private:
  Event* events_ = nullptr; // kMaxEvents reserved, the first size_ written
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

} // namespace pollscope::gui
