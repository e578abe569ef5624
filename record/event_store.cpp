#include "record/event_store.hpp"

#include "record/display_time.hpp"

#include <new>
#include <sys/mman.h>

namespace pollscope::record {

namespace {
constexpr std::size_t kBytes = EventStore::kMaxEvents * sizeof(Event);
}

EventStore::EventStore() {
  // Address space only: MAP_NORESERVE plus the kernel's lazy paging mean a
  // page costs memory once an event is written into it.
  void* p = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  events_ = static_cast<Event*>(p);
  chunk_display_ = std::make_unique<std::uint64_t[]>(kMaxEvents / kDisplayChunk);
}

EventStore::~EventStore() { ::munmap(events_, kBytes); }

bool EventStore::push(const Event& e) noexcept {
  if (size_ == kMaxEvents) {
    ++dropped_;
    return false;
  }
  // Event is trivially copyable: placement-copy starts its lifetime in the
  // raw mapping.
  if (size_ % kDisplayChunk == 0) chunk_display_[size_ / kDisplayChunk] = last_display_;
  last_display_ = display_time_after(last_display_, e);
  ::new (static_cast<void*>(events_ + size_)) Event(e);
  ++size_;
  return true;
}

std::uint64_t EventStore::display_time(std::size_t i) const noexcept {
  const std::size_t chunk = i / kDisplayChunk;
  std::uint64_t t = chunk_display_[chunk];
  for (std::size_t j = chunk * kDisplayChunk; j <= i; ++j) t = display_time_after(t, events_[j]);
  return t;
}

} // namespace pollscope::record
