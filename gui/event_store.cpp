#include "gui/event_store.hpp"

#include <new>
#include <sys/mman.h>

namespace pollscope::gui {

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
}

EventStore::~EventStore() { ::munmap(events_, kBytes); }

bool EventStore::push(const Event& e) noexcept {
  if (size_ == kMaxEvents) {
    ++dropped_;
    return false;
  }
  // Event is trivially copyable: placement-copy starts its lifetime in the
  // raw mapping.
  ::new (static_cast<void*>(events_ + size_)) Event(e);
  ++size_;
  return true;
}

} // namespace pollscope::gui
