// The inside of Timeline (fold/timeline.hpp), shared by its writer
// (timeline.cpp) and its queries (timeline_query.cpp). Not for other files.
//
// Two halves, as the threading contract in timeline.hpp has it:
//   - what readers may see: AppendOnly vectors and atomics only;
//   - `Writer`: the writer thread's bookkeeping (open spans, pending arrows,
//     id maps), which no reader ever touches.
//
// The level-of-detail pyramid (Track::levels): level L (1-based) holds, for
// every aligned block of kFan^L spans, the index of its longest span (the
// earliest of equals). An entry is pushed once its block is complete and
// never changes, so a reader that finds it published may use it. A query
// for the longest span in [i, j) takes whole blocks where they fit and
// single spans at the ragged ends: O(kFan * kLevels) reads, whatever j - i.
// The counter tracks keep the same pyramid for their min and max.
#pragma once

#include "fold/append_only.hpp"
#include "fold/timeline.hpp"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace pollscope::fold {

inline constexpr std::size_t kFan = 16;
inline constexpr std::size_t kLevels = 7; // 16^7 = 268M spans per block at the top
inline constexpr std::size_t kCumulativeStride = 8192;

// The pyramid over a sequence: levels[L - 1][b] = the index of the "best"
// element of block b of kFan^L elements, by `better(a, b)` (a < b: is b
// strictly better than a?).
struct Pyramid {
  std::array<AppendOnly<std::uint32_t>, kLevels> levels;

  // Writer: element n - 1 was just appended (n elements now).
  template <typename Better>
  void grow(std::size_t n, Better better) {
    if (n % kFan != 0) return;
    // Level 1 from the elements, level L from level L - 1's entries.
    std::uint32_t best = static_cast<std::uint32_t>(n - kFan);
    for (std::size_t k = n - kFan + 1; k < n; ++k)
      if (better(best, static_cast<std::uint32_t>(k))) best = static_cast<std::uint32_t>(k);
    levels[0].push_back(best);
    for (std::size_t L = 1; L < kLevels; ++L) {
      const std::size_t m = levels[L - 1].writer_size();
      if (m % kFan != 0) return;
      std::uint32_t b = levels[L - 1][m - kFan];
      for (std::size_t k = m - kFan + 1; k < m; ++k)
        if (better(b, levels[L - 1][k])) b = levels[L - 1][k];
      levels[L].push_back(b);
    }
  }

  // Any thread: the best element of [i, j) (i < j, all published), walking
  // left to right so the earliest of equals wins.
  template <typename Better>
  [[nodiscard]] std::uint32_t best(std::size_t i, std::size_t j, Better better) const {
    std::uint32_t result = static_cast<std::uint32_t>(i);
    auto consider = [&](std::uint32_t k) {
      if (better(result, k)) result = k;
    };
    std::size_t pos = i + 1;
    while (pos < j) {
      std::size_t taken = 0;
      std::size_t block = kFan;
      for (std::size_t L = 1; L <= kLevels; ++L, block *= kFan) {
        if (pos % block != 0 || pos + block > j) break;
        if (pos / block >= levels[L - 1].published()) break;
        taken = L;
      }
      if (taken == 0) {
        consider(static_cast<std::uint32_t>(pos));
        ++pos;
        continue;
      }
      std::size_t size = 1;
      for (std::size_t L = 0; L < taken; ++L) size *= kFan;
      consider(levels[taken - 1][pos / size]);
      pos += size;
    }
    return result;
  }
};

struct Track {
  AppendOnly<Span> spans;
  AppendOnly<std::uint64_t> busy; // busy[i]: the durations of spans [0, i], summed
  Pyramid longest;
};

struct LaneData {
  explicit LaneData(const LaneInfo& i) : info(i) {}
  ~LaneData() {
    for (auto& t : tracks) delete t.load(std::memory_order_relaxed);
  }
  LaneInfo info;
  // Made when the lane's first span in the track closes; published with
  // release before that span, so a reader that finds it null sees no span.
  std::array<std::atomic<Track*>, kTracks> tracks{};
};

struct CounterTrack {
  AppendOnly<CounterSample> samples;
  Pyramid min, max;
};

struct TaskRecord {
  explicit TaskRecord(const TaskInfo& i) : info(i) {}
  TaskInfo info;
  std::atomic<std::uint32_t> last_arrow{kNoIndex}; // into Impl::arrows
  std::atomic<std::uint32_t> last_poll{kNoIndex};  // into Impl::polls
};

// Every closed poll, in the order they closed: the per-task lists and
// histograms walk these.
struct PollRecord {
  SpanRef span;
  TaskKey task = 0;
  std::uint32_t prev_of_task = kNoIndex;
  std::uint64_t end_event = 0;
  std::uint64_t duration = 0; // field::poll_duration_ns
  std::uint64_t delay = 0;    // the scheduled delay
  bool has_delay = false;
};

struct Series {
  AppendOnly<SampleRef> samples;    // in order of `event`
  AppendOnly<Histogram> cumulative; // [c]: samples [0, (c + 1) * kCumulativeStride)
};

struct OffsetChange {
  std::uint64_t event = 0;  // from this event on
  std::uint64_t offset = 0; // added to raw times
};

struct Writer;

struct Timeline::Impl {
  Impl();
  ~Impl();

  // --- what readers see ---
  AppendOnly<LaneData> lanes;
  std::array<CounterTrack, kCounterCount> counters;
  AppendOnly<Arrow> arrows;
  AppendOnly<std::uint32_t> arrow_prev; // [k]: the previous arrow of arrow k's task
  AppendOnly<TaskKey> arrow_task;       // [k]: arrow k's task
  AppendOnly<TaskRecord> tasks;
  AppendOnly<PollRecord> polls;
  std::array<Series, kMetricCount> series;
  AppendOnly<OffsetChange> offsets;
  AppendOnly<std::uint64_t> times; // [k]: axis display time of event k * kTimeIndexStride
  std::atomic<std::uint64_t> longest_arrow{0}; // to_t - from_t, the largest so far

  std::unique_ptr<Writer> w;

  // Reader helpers (timeline_query.cpp).
  [[nodiscard]] const Track* track(LaneId lane, std::size_t t) const noexcept;
  [[nodiscard]] std::size_t closed_spans(const Track& tr, std::uint64_t upto) const noexcept;
};

} // namespace pollscope::fold
