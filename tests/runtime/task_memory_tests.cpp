// task_memory: blocks go back to the thread that allocated them, and the
// caches of threads that exit are reused.
#include "runtime/task_memory.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <latch>
#include <set>
#include <thread>
#include <vector>

using namespace pollscope;

namespace {

bool aligned16(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 16 == 0; }

} // namespace

TEST_CASE("a freed block is reused by the next allocation of its size on the same thread") {
  void* a = task_memory::allocate(96);
  CHECK(aligned16(a));
  task_memory::deallocate(a, 96);
  void* b = task_memory::allocate(90); // same 16-byte class as 96
  CHECK(b == a);
  void* c = task_memory::allocate(200); // another class: not that block
  CHECK(c != a);
  CHECK(aligned16(c));
  task_memory::deallocate(b, 90);
  task_memory::deallocate(c, 200);
}

TEST_CASE("a block freed on another thread goes back to the thread that allocated it") {
  // Like a task: spawned here, dropped by the executor's thread.
  // A size class no other test uses: blocks of a common size that earlier
  // tests' threads gave back would be handed out first.
  constexpr std::size_t kSize = 928;
  std::vector<void*> blocks;
  for (int i = 0; i < 64; ++i) blocks.push_back(task_memory::allocate(kSize));
  const std::set<void*> mine(blocks.begin(), blocks.end());
  std::thread other([&] {
    for (void* p : blocks) task_memory::deallocate(p, kSize);
  });
  other.join();
  // The next 64 allocations of that size here get exactly those blocks back.
  std::set<void*> again;
  for (int i = 0; i < 64; ++i) again.insert(task_memory::allocate(kSize));
  CHECK(again == mine);
  for (void* p : again) task_memory::deallocate(p, kSize);
}

TEST_CASE("threads that come and go reuse the caches of those that exited") {
  auto churn = [] {
    std::thread t([] {
      void* p = task_memory::allocate(64);
      task_memory::deallocate(p, 64);
    });
    t.join();
  };
  churn(); // at most one new cache from here on
  const std::size_t caches = task_memory::cache_count();
  for (int i = 0; i < 50; ++i) churn();
  CHECK(task_memory::cache_count() == caches);
}

TEST_CASE("blocks outlive the thread that allocated them, and big ones bypass the pool") {
  void* p = nullptr;
  std::thread t([&] { p = task_memory::allocate(48); });
  t.join();
  REQUIRE(p != nullptr);
  static_cast<char*>(p)[47] = 1;  // still ours to use
  task_memory::deallocate(p, 48); // freed after its owner exited: goes to the parked cache

  void* big = task_memory::allocate(task_memory::kMaxPooled + 1);
  CHECK(aligned16(big));
  static_cast<char*>(big)[task_memory::kMaxPooled] = 1;
  task_memory::deallocate(big, task_memory::kMaxPooled + 1);
}

TEST_CASE("a thread that keeps running hands blocks back to their owner in chains, and the rest "
          "when it exits") {
  // An executor that frees a spawner's tasks for as long as it runs: the
  // spawner gets them back without waiting for it to exit.
  constexpr std::size_t kSize = 1000, kRest = 5; // a size class no other test uses
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < task_memory::kHandOver + kRest; ++i)
    blocks.push_back(task_memory::allocate(kSize));
  const std::set<void*> chain(blocks.begin(), blocks.begin() + task_memory::kHandOver);
  const std::set<void*> rest(blocks.begin() + task_memory::kHandOver, blocks.end());
  std::latch freed_chain(1), go_on(1);
  std::thread other([&] {
    for (std::size_t i = 0; i < task_memory::kHandOver; ++i)
      task_memory::deallocate(blocks[i], kSize);
    freed_chain.count_down();
    go_on.wait();
    for (std::size_t i = task_memory::kHandOver; i < blocks.size(); ++i)
      task_memory::deallocate(blocks[i], kSize);
  });
  freed_chain.wait();
  std::set<void*> back;
  for (std::size_t i = 0; i < task_memory::kHandOver; ++i)
    back.insert(task_memory::allocate(kSize));
  CHECK(back == chain); // the whole chain, while the other thread still runs
  go_on.count_down();
  other.join();
  std::set<void*> later;
  for (std::size_t i = 0; i < kRest; ++i) later.insert(task_memory::allocate(kSize));
  CHECK(later == rest); // the unfinished chain went over at its exit
  for (void* p : back) task_memory::deallocate(p, kSize);
  for (void* p : later) task_memory::deallocate(p, kSize);
}
