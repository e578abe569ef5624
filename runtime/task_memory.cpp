#include "task_memory.hpp"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <new>

#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POLLSCOPE_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define POLLSCOPE_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POLLSCOPE_POISON(p, n) ((void)(p), (void)(n))
#define POLLSCOPE_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace pollscope::task_memory {
namespace {

struct Cache;

// Blocks are cut from 64 KiB slabs aligned to their size, one size class per
// slab, so a block needs no header: masking its address finds the slab, and
// the slab names the block's owner and size. Sizes round up to 16 bytes,
// which is what glibc's malloc takes too (peak RSS does not grow).
constexpr std::size_t kSlabBytes = std::size_t{64} << 10;
constexpr std::size_t kGranule = 16;
constexpr std::size_t kClasses = kMaxPooled / kGranule; // class k: (k + 1) * 16 bytes

struct alignas(64) Slab {
  Cache* owner;
  std::uint32_t size_class;
  Slab* prev; // the owner's slabs, newest first: keeps each reachable for leak checkers
};

// A free block's first word.
struct FreeNode {
  FreeNode* next;
};

struct Cache {
  FreeNode* local[kClasses] = {}; // the owner's free lists, by size class
  char* bump[kClasses] = {};      // the unused rest of each class's newest slab
  char* bump_end[kClasses] = {};
  Slab* slabs = nullptr;
  // Blocks other threads gave back, one stack per size class: a list that
  // runs dry takes its class's whole stack with one exchange and uses it as
  // it is — no walk over blocks another core just wrote (one cache miss per
  // block, in a row: a producer spawning into an executor on another core
  // spent a sixth of its instructions there).
  alignas(64) std::atomic<FreeNode*> remote[kClasses] = {};
  // Blocks this thread freed for another thread's cache, not handed over
  // yet, one chain per size class (for one owner at a time). They go over
  // kHandOver at a time, one CAS per chain: an executor frees two blocks of
  // the spawner's per task, and a CAS each was two of the four atomic
  // read-modify-writes a spawned task cost the executor's thread. Owner
  // thread only (the chains' nodes are its until handed over).
  struct Outgoing {
    Cache* owner = nullptr;
    FreeNode* head = nullptr;
    FreeNode* tail = nullptr;
    std::uint32_t count = 0;
  };
  Outgoing outgoing[kClasses] = {};
  Cache* next_parked = nullptr; // guarded by g_mutex
};

// At most kHandOver - 1 blocks per size class wait in a thread's chains (a
// few KiB), and all of them go over when the thread exits.

constinit std::mutex g_mutex;
Cache* g_parked = nullptr;   // guarded by g_mutex
Cache* g_teardown = nullptr; // guarded by g_mutex: for threads past their parker
constinit std::atomic<std::size_t> g_cache_count{0};

Slab* slab_of(void* p) noexcept {
  return reinterpret_cast<Slab*>(reinterpret_cast<std::uintptr_t>(p) & ~(kSlabBytes - 1));
}
std::size_t class_bytes(std::size_t k) noexcept { return (k + 1) * kGranule; }

Cache* make_cache() {
  g_cache_count.fetch_add(1, std::memory_order_relaxed);
  return new Cache;
}

Cache* adopt_or_make_cache() {
  {
    std::lock_guard lock(g_mutex);
    if (Cache* c = g_parked) {
      g_parked = c->next_parked;
      c->next_parked = nullptr;
      return c;
    }
  }
  return make_cache();
}

// Pushes chain `o` onto its owner's remote stack for class k, whole.
void hand_over(Cache::Outgoing& o, std::size_t k) noexcept {
  if (o.head == nullptr) return;
  // release: our writes to every block of the chain happen-before the owner
  // reuses them (it takes the stack with an acquire exchange).
  std::atomic<FreeNode*>& remote = o.owner->remote[k];
  FreeNode* top = remote.load(std::memory_order_relaxed);
  do {
    o.tail->next = top;
  } while (!remote.compare_exchange_weak(top, o.head, std::memory_order_release,
                                         std::memory_order_relaxed));
  o = {};
}

void park(Cache* c) noexcept {
  // Nothing stays on the way to another thread's cache.
  for (std::size_t k = 0; k < kClasses; ++k) hand_over(c->outgoing[k], k);
  std::lock_guard lock(g_mutex);
  c->next_parked = g_parked;
  g_parked = c;
}

// The calling thread's cache. Trivially destructible, so a free during thread
// teardown (after the parker ran) still reads it safely.
thread_local Cache* t_cache = nullptr;
thread_local bool t_exited = false;
struct Parker {
  ~Parker() {
    if (t_cache != nullptr) park(t_cache);
    t_cache = nullptr;
    t_exited = true;
  }
};
thread_local Parker t_parker;

// Moves every block other threads gave back onto the right local lists.
void collect_remote(Cache* c, std::size_t k) noexcept {
  // acquire: pairs with the release CAS of each remote free, so the freeing
  // thread's last writes to the blocks happen-before we reuse them.
  c->local[k] = c->remote[k].exchange(nullptr, std::memory_order_acquire);
}

void* new_slab_memory() {
#if defined(__SANITIZE_ADDRESS__)
  return ::operator new (kSlabBytes, std::align_val_t{kSlabBytes});
#else
  // Map twice the size and trim to an aligned 64 KiB; nothing is touched
  // outside it.
  void* m =
      mmap(nullptr, 2 * kSlabBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) throw std::bad_alloc();
  const auto base = reinterpret_cast<std::uintptr_t>(m);
  const std::uintptr_t start = (base + kSlabBytes - 1) & ~(kSlabBytes - 1);
  if (start > base) munmap(m, start - base);
  const std::uintptr_t end = start + kSlabBytes;
  if (base + 2 * kSlabBytes > end)
    munmap(reinterpret_cast<void*>(end), base + 2 * kSlabBytes - end);
#if defined(MADV_POPULATE_WRITE)
  // Blocks are cut from a slab front to back, so all of it is touched soon:
  // one call maps its 16 pages instead of 16 page faults, one per block run
  // (a ramp of 10,000 timer tasks first-touches ~750 pages). Linux >= 5.14;
  // elsewhere the pages fault in as they are touched.
  (void)madvise(reinterpret_cast<void*>(start), kSlabBytes, MADV_POPULATE_WRITE);
#endif
  return reinterpret_cast<void*>(start);
#endif
}

void* take(Cache* c, std::size_t k) {
  if (c->local[k] == nullptr) collect_remote(c, k);
  if (FreeNode* n = c->local[k]) {
    POLLSCOPE_UNPOISON(n, class_bytes(k));
    c->local[k] = n->next;
    return n;
  }
  const std::size_t bytes = class_bytes(k);
  if (static_cast<std::size_t>(c->bump_end[k] - c->bump[k]) < bytes) {
    // The rest of the old slab (less than one block) stays unused.
    auto* slab = static_cast<Slab*>(new_slab_memory());
    slab->owner = c;
    slab->size_class = static_cast<std::uint32_t>(k);
    slab->prev = c->slabs;
    c->slabs = slab;
    c->bump[k] = reinterpret_cast<char*>(slab + 1);
    c->bump_end[k] = reinterpret_cast<char*>(slab) + kSlabBytes;
  }
  void* p = c->bump[k];
  c->bump[k] += bytes;
  return p;
}

} // namespace

void* allocate(std::size_t size) {
  if (size > kMaxPooled) return ::operator new(size);
  const std::size_t k = size == 0 ? 0 : (size - 1) / kGranule;
  if (t_cache == nullptr) [[unlikely]] {
    if (t_exited) { // thread teardown: borrow the shared teardown cache
      std::lock_guard lock(g_mutex);
      if (g_teardown == nullptr) g_teardown = make_cache();
      return take(g_teardown, k);
    }
    (void)&t_parker; // odr-use: registers the parker for this thread's exit
    t_cache = adopt_or_make_cache();
  }
  return take(t_cache, k);
}

void deallocate(void* p, std::size_t size) noexcept {
  if (p == nullptr) return;
  if (size > kMaxPooled) {
    ::operator delete(p);
    return;
  }
  const Slab* slab = slab_of(p);
  Cache* owner = slab->owner;
  auto* n = static_cast<FreeNode*>(p);
  // Poison all but the link (collect_remote and take read it).
  POLLSCOPE_POISON(static_cast<char*>(p) + sizeof(FreeNode),
                   class_bytes(slab->size_class) - sizeof(FreeNode));
  const std::size_t k = slab->size_class;
  Cache* mine = t_cache;
  if (owner == mine) {
    n->next = owner->local[k];
    owner->local[k] = n;
    return;
  }
  if (mine == nullptr && !t_exited) {
    // A thread that frees before it ever allocates (an executor polling a
    // spawner's tasks) gets a cache for its chains.
    try {
      (void)&t_parker; // registers the parker: the chains go over at exit
      t_cache = mine = adopt_or_make_cache();
    } catch (...) {
      // No memory for a cache: this block goes over on its own, below.
    }
  }
  if (mine == nullptr) {
    // Past its parker (thread teardown), or no cache: straight onto the
    // owner's stack.
    Cache::Outgoing one{owner, n, n, 1};
    hand_over(one, k);
    return;
  }
  Cache::Outgoing& o = mine->outgoing[k];
  if (o.owner != owner) {
    hand_over(o, k); // another owner's chain: it goes first
    o.owner = owner;
  }
  n->next = o.head;
  o.head = n;
  if (o.tail == nullptr) o.tail = n;
  if (++o.count == kHandOver) hand_over(o, k);
}

std::size_t cache_count() noexcept { return g_cache_count.load(std::memory_order_relaxed); }

} // namespace pollscope::task_memory
