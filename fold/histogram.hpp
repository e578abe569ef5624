// Histogram: counts of durations in log-scale buckets, with percentiles. The
// timeline (fold/timeline.hpp) fills them: poll durations, scheduled delays
// (queued -> polled) and timer lateness (fired - deadline).
//
// Buckets: four per power of two, so a bucket's bounds are within 19% of each
// other and every bound is an integer number of ns. Bucket k holds values in
// [lower(k), upper(k)): buckets 0..3 hold exactly 0, 1, 2, 3 ns; from 4 ns on,
// [2^p, 2^(p+1)) is cut into four equal parts. 252 buckets cover all of
// uint64. A percentile is reported as the largest value the bucket its rank
// falls in can hold (never below the true value, at most 25% above it),
// clamped to the largest value seen.
//
// A plain value: no threads.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pollscope::fold {

struct Histogram {
  static constexpr std::size_t kBuckets = 252;

  // The bucket a value of `ns` falls in.
  [[nodiscard]] static constexpr std::size_t bucket_of(std::uint64_t ns) noexcept {
    if (ns < 4) return static_cast<std::size_t>(ns);
    const auto p = static_cast<std::size_t>(std::bit_width(ns)) - 1; // >= 2
    const std::size_t sub = static_cast<std::size_t>((ns >> (p - 2)) & 3);
    return 4 * (p - 1) + sub;
  }
  // The smallest value of bucket k.
  [[nodiscard]] static constexpr std::uint64_t lower(std::size_t k) noexcept {
    if (k < 4) return k;
    const std::size_t p = k / 4 + 1, sub = k % 4;
    return (std::uint64_t{4} + sub) << (p - 2);
  }
  // One past the largest value of bucket k (UINT64_MAX for the last).
  [[nodiscard]] static constexpr std::uint64_t upper(std::size_t k) noexcept {
    return k + 1 >= kBuckets ? UINT64_MAX : lower(k + 1);
  }

  void add(std::uint64_t ns) noexcept {
    ++counts[bucket_of(ns)];
    ++total;
    if (ns < min || total == 1) min = ns;
    if (ns > max) max = ns;
  }
  void merge(const Histogram& o) noexcept;

  // The value at or below which a fraction `q` (0..1) of the samples lies, as
  // the largest value of its bucket (see above). 0 when empty.
  [[nodiscard]] std::uint64_t percentile(double q) const noexcept;
  [[nodiscard]] std::uint64_t p50() const noexcept { return percentile(0.50); }
  [[nodiscard]] std::uint64_t p90() const noexcept { return percentile(0.90); }
  [[nodiscard]] std::uint64_t p99() const noexcept { return percentile(0.99); }
  // The first and one past the last bucket holding a sample ({0, 0} if empty):
  // the range a panel draws.
  [[nodiscard]] std::size_t first_bucket() const noexcept;
  [[nodiscard]] std::size_t end_bucket() const noexcept;

  bool operator==(const Histogram&) const = default;

  std::array<std::uint64_t, kBuckets> counts{};
  std::uint64_t total = 0;
  std::uint64_t min = 0; // of the samples (0 when empty)
  std::uint64_t max = 0;
};

// What a timeline histogram measures.
enum class Metric : std::uint8_t {
  PollDuration,   // PollEnd - PollBegin of every poll
  ScheduledDelay, // the QueuePush that queued a poll -> its PollBegin
  TimerLateness,  // TimerFired - the deadline (0 when it fired early)
};
inline constexpr std::size_t kMetricCount = 3;
[[nodiscard]] std::string_view to_string(Metric m) noexcept;

} // namespace pollscope::fold
