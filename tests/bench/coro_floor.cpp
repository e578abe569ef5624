// The coroutine floor: the least an executor whose tasks are C++20
// coroutines can do per poll, on this machine and compiler. N coroutines,
// each awaiting K yields, in a ring of bare coroutine handles: a yield
// pushes its own handle and suspends, the loop pops a handle and resumes
// it. No task object, waker, state word or Poll value: what is left is the
// resume (an indirect call into the coroutine's frame) and the suspend. The
// timing includes making the N frames, as pollscope-bench's yield includes
// its spawns and the Rust anchor's includes its.
//
// Built and run by compare.sh beside the anchor's cpp/ring.cpp (the same
// loop with a virtual call for a poll, no coroutine): together they say how
// much of a poll is the coroutine's own cost, which no executor can remove.
//
//   coro_floor N K [reps]   -> one JSON line
//
// Standalone on purpose (no pollscope code): it measures the language, not us.
#include <algorithm>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <vector>

namespace {

class Ring {
public:
  explicit Ring(std::size_t at_least) {
    std::size_t cap = 1;
    while (cap < at_least) cap <<= 1;
    slots_.resize(cap);
    mask_ = cap - 1;
  }
  void push(std::coroutine_handle<> h) { slots_[tail_++ & mask_] = h; }
  std::coroutine_handle<> pop() {
    if (head_ == tail_) return {};
    return slots_[head_++ & mask_];
  }

private:
  std::vector<std::coroutine_handle<>> slots_;
  std::size_t mask_ = 0, head_ = 0, tail_ = 0;
};

Ring* g_ring = nullptr; // the loop's ring, for the yields

struct Task {
  struct promise_type {
    Task get_return_object() { return {std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
  std::coroutine_handle<promise_type> handle;
};

struct Yield {
  static bool await_ready() noexcept { return false; }
  static void await_suspend(std::coroutine_handle<> h) noexcept { g_ring->push(h); }
  static void await_resume() noexcept {}
};

Task yielder(std::uint32_t k) {
  for (std::uint32_t i = 0; i < k; ++i) co_await Yield{};
}

} // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10000;
  const auto k = static_cast<std::uint32_t>(argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 100);
  const int reps = argc > 3 ? std::atoi(argv[3]) : 7;
  if (n == 0 || reps <= 0) {
    std::fprintf(stderr, "usage: coro_floor N K [reps]  (N, reps > 0)\n");
    return 2;
  }
  const std::uint64_t polls_expected = static_cast<std::uint64_t>(n) * (k + 1);
  std::vector<double> ns;
  for (int r = 0; r < reps; ++r) {
    Ring ring(n);
    g_ring = &ring;
    std::uint64_t polls = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < n; ++i) ring.push(yielder(k).handle);
    while (std::coroutine_handle<> h = ring.pop()) {
      ++polls;
      h.resume();
      if (h.done()) h.destroy();
    }
    const auto t1 = std::chrono::steady_clock::now();
    if (polls != polls_expected) {
      std::fprintf(stderr, "coro_floor: %llu polls, expected %llu\n",
                   static_cast<unsigned long long>(polls),
                   static_cast<unsigned long long>(polls_expected));
      return 1;
    }
    ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() /
                 static_cast<double>(polls));
  }
  std::sort(ns.begin(), ns.end());
  std::printf("{\"exec\":\"cpp-coroutine\",\"mode\":\"coroutine\",\"n\":%zu,\"k\":%u,\"reps\":%d,"
              "\"ns_per_iter_median\":%.3f,\"ns_per_iter_min\":%.3f,\"ns_per_iter_max\":%.3f}\n",
              n, k, reps, ns[ns.size() / 2], ns.front(), ns.back());
  return 0;
}
