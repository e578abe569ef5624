// task_memory: where tasks and coroutine frames get their memory.
//
//   void* p = task_memory::allocate(sizeof(Frame));   // any thread
//   task_memory::deallocate(p);                       // any thread
//
// Why not plain operator new: a task is usually allocated on one thread (the
// spawner) and freed on another (the executor, or a timer thread dropping the
// last waker). glibc hands such a block to the *freeing* thread's cache, so
// the spawner's cache runs dry: every spawn then takes an arena lock that the
// executor's frees contend for (perf: malloc and free were a third of the
// samples of `pollscope-bench spawn 1000000`). Here a block always goes back
// to the thread that allocated it, and is reused there.
//
// Threading contract
//   - Every thread gets its own cache on its first allocation. Allocating pops
//     the calling thread's free list for the size class: no atomics.
//   - Freeing on the owning thread pushes on that list: no atomics. Freeing on
//     any other thread adds the block to that thread's own chain for the
//     owner and size class, and every 32 blocks (or when the chain's owner
//     changes, or the thread exits) pushes the chain on the owner's `remote`
//     stack for the class with one CAS (release); the owner takes that whole
//     stack as its new list with one exchange (acquire) when the list runs
//     dry. Taking the whole stack, never one node, is what keeps the stack
//     free of ABA. A thread that frees gets a cache for its chains.
//   - A cache outlives its thread: at thread exit it is parked (the blocks it
//     handed out may still be freed to it) and the next thread that needs a
//     cache adopts it. Caches are never destroyed: the memory held is bounded
//     by the most blocks ever alive at once (blocks are cut from 64 KiB slabs,
//     which are kept, not returned).
//   - Blocks bigger than kMaxPooled bytes go straight to operator new/delete.
//   - Under AddressSanitizer a free block is poisoned (but for the link it
//     keeps), so a use after free is still reported.
#pragma once

#include <cstddef>

namespace pollscope::task_memory {

inline constexpr std::size_t kMaxPooled = 1024; // bytes asked for, per block
// Blocks a thread frees for another thread's cache go over in chains of
// this many (and the rest when the freeing thread exits).
inline constexpr std::size_t kHandOver = 32;

// Like operator new: 16-byte aligned, throws std::bad_alloc on failure.
[[nodiscard]] void* allocate(std::size_t size);
// `p` from allocate(size) (or null), from any thread. Sized, like the class
// operator delete that calls it: the size says whether the block is pooled.
void deallocate(void* p, std::size_t size) noexcept;

// How many caches exist (live threads' and parked ones): tests check that
// threads that come and go reuse them.
[[nodiscard]] std::size_t cache_count() noexcept;

} // namespace pollscope::task_memory
