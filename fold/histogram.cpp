#include "fold/histogram.hpp"

#include <algorithm>
#include <cmath>

namespace pollscope::fold {

void Histogram::merge(const Histogram& o) noexcept {
  if (o.total == 0) return;
  for (std::size_t k = 0; k < kBuckets; ++k) counts[k] += o.counts[k];
  min = total == 0 ? o.min : std::min(min, o.min);
  max = std::max(max, o.max);
  total += o.total;
}

std::uint64_t Histogram::percentile(double q) const noexcept {
  if (total == 0) return 0;
  // The rank of the sample asked for, 1-based: the smallest r with r >= q * total.
  const double want = std::clamp(q, 0.0, 1.0) * static_cast<double>(total);
  std::uint64_t rank = static_cast<std::uint64_t>(std::ceil(want));
  rank = std::clamp<std::uint64_t>(rank, 1, total);
  std::uint64_t seen = 0;
  for (std::size_t k = 0; k < kBuckets; ++k) {
    seen += counts[k];
    if (seen >= rank) return std::min(upper(k) - 1, max);
  }
  return max;
}

std::size_t Histogram::first_bucket() const noexcept {
  for (std::size_t k = 0; k < kBuckets; ++k)
    if (counts[k] != 0) return k;
  return 0;
}

std::size_t Histogram::end_bucket() const noexcept {
  for (std::size_t k = kBuckets; k > 0; --k)
    if (counts[k - 1] != 0) return k;
  return 0;
}

std::string_view to_string(Metric m) noexcept {
  switch (m) {
  case Metric::PollDuration: return "poll duration";
  case Metric::ScheduledDelay: return "scheduled delay";
  case Metric::TimerLateness: return "timer lateness";
  }
  return "?";
}

} // namespace pollscope::fold
