// AppendOnly<T>: a vector one thread appends to while others read what it has
// published, without locks. The timeline's index (fold/timeline.hpp) is built
// from these.
//
// Threading contract
//   - One writer thread calls `push_back`.
//   - Any thread may call `published()` and read elements below the count it
//     returned. Those elements are never written again and never move.
//   - `push_back` constructs the element, then stores the new count with
//     release; `published()` loads it with acquire: a reader that sees count n
//     sees elements [0, n) whole. Members of T that the writer changes after
//     publication must be atomics (the timeline's per-task heads are).
//
// Why chunks of growing size rather than one reservation (as EventStore has):
// the timeline holds one of these per lane and per level, 10,000 timer lanes
// included, most of them holding three spans. Chunk k holds kFirst << k
// elements, so a small vector costs one small chunk and a big one at most
// 2x its size; the directory of chunk pointers is fixed, so it never moves
// under a reader.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>

namespace pollscope::fold {

template <typename T>
class AppendOnly {
public:
  static constexpr std::size_t kFirst = 16;  // elements in chunk 0
  static constexpr std::size_t kChunks = 28; // 16 * (2^28 - 1) elements at most

  AppendOnly() = default;
  AppendOnly(const AppendOnly&) = delete;
  AppendOnly& operator=(const AppendOnly&) = delete;
  ~AppendOnly() {
    const std::size_t n = size_.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < n; ++i) at(i).~T();
    for (auto& c : chunks_) ::operator delete(c.load(std::memory_order_relaxed));
  }

  // Writer only. Returns the new element's index.
  template <typename... Args>
  std::size_t push_back(Args&&... args) {
    const std::size_t i = size_.load(std::memory_order_relaxed);
    const auto [chunk, offset] = locate(i);
    T* base = chunks_[chunk].load(std::memory_order_relaxed);
    if (base == nullptr) {
      base = static_cast<T*>(::operator new(sizeof(T) * (kFirst << chunk)));
      // Relaxed is enough: the release store of size_ below publishes it.
      chunks_[chunk].store(base, std::memory_order_relaxed);
    }
    ::new (static_cast<void*>(base + offset)) T(std::forward<Args>(args)...);
    size_.store(i + 1, std::memory_order_release);
    return i;
  }

  // Any thread: how many elements may be read.
  [[nodiscard]] std::size_t published() const noexcept {
    return size_.load(std::memory_order_acquire);
  }
  // Any thread: the bytes the published elements take (what they add to the
  // resident set: chunks are touched only as far as they are filled).
  [[nodiscard]] std::size_t bytes() const noexcept { return published() * sizeof(T); }
  // Writer: the same without the fence.
  [[nodiscard]] std::size_t writer_size() const noexcept {
    return size_.load(std::memory_order_relaxed);
  }

  // Any thread, for i below a count `published()` returned (or the writer).
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return at(i); }
  // Any thread, under the same rule: elements [i, i + k) for the largest
  // k <= n that keeps them in one chunk (k >= 1 when n >= 1), as a pointer
  // and k: hot loops read runs without locating every element.
  [[nodiscard]] std::pair<const T*, std::size_t> run(std::size_t i, std::size_t n) const noexcept {
    const auto [chunk, offset] = locate(i);
    const std::size_t left = (kFirst << chunk) - offset;
    return {chunks_[chunk].load(std::memory_order_relaxed) + offset, n < left ? n : left};
  }

  // Writer only (or a reader through atomic members of T).
  [[nodiscard]] T& mut(std::size_t i) noexcept { return at(i); }

private:
  // Element i lives in chunk k where the chunks before hold kFirst*(2^k - 1).
  static std::pair<std::size_t, std::size_t> locate(std::size_t i) noexcept {
    const std::size_t q = i / kFirst + 1;
    const std::size_t chunk = static_cast<std::size_t>(std::bit_width(q)) - 1;
    const std::size_t offset = i - kFirst * ((std::size_t{1} << chunk) - 1);
    return {chunk, offset};
  }
  T& at(std::size_t i) const noexcept {
    const auto [chunk, offset] = locate(i);
    return chunks_[chunk].load(std::memory_order_relaxed)[offset];
  }

  mutable std::atomic<T*> chunks_[kChunks] = {};
  std::atomic<std::size_t> size_{0};
};

} // namespace pollscope::fold
