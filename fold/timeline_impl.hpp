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

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace pollscope::fold {

inline constexpr std::size_t kFan = 16;
inline constexpr std::size_t kLevels = 7; // 16^7 = 268M spans per block at the top
inline constexpr std::size_t kCumulativeStride = 8192;

// Published entries per level (loaded once per query rather than once per
// step).
using LevelCounts = std::array<std::size_t, kLevels>;

// The walk both pyramids make over [i, j) (i <= j, all published), left to
// right so the earliest of equals can win: single elements up to the first
// aligned block, whole blocks of the highest level that fits (and is
// published), and single elements again at the right end. It hands over
// stretches, not elements: `singles(lo, hi)` for elements [lo, hi),
// `blocks(L, lo, hi)` for the level-L (1-based) entries [lo, hi), each
// within one block of the level above; the callers read them as runs of
// memory (AppendOnly::run).
template <typename Singles, typename Blocks>
void walk_blocks(std::size_t i, std::size_t j, const LevelCounts& counts, Singles singles,
                 Blocks blocks) {
  std::size_t pos = i;
  while (pos < j) {
    std::size_t taken = 0, size = 1;
    for (std::size_t L = 1, block = kFan; L <= kLevels; ++L, block *= kFan) {
      if (pos % block != 0 || pos + block > j) break;
      if (pos / block >= counts[L - 1]) break;
      taken = L;
      size = block;
    }
    if (taken == 0) {
      // Singles, to the next block boundary (or to j if no block fits there).
      std::size_t stop = std::min(j, (pos / kFan + 1) * kFan);
      if (stop + kFan > j || stop / kFan >= counts[0]) stop = j;
      singles(pos, stop);
      pos = stop;
      continue;
    }
    // Consecutive blocks of this level, up to the next block of the level
    // above, the end of what fits, or the end of what is published.
    const std::size_t first = pos / size;
    std::size_t n = std::min((j - pos) / size, counts[taken - 1] - first);
    if (taken < kLevels) n = std::min(n, kFan - first % kFan);
    blocks(taken, first, first + n);
    pos += n * size;
  }
}

// Calls f(element) for each of elements [lo, hi) of `a`, a run at a time.
template <typename T, typename F>
void each_in_runs(const AppendOnly<T>& a, std::size_t lo, std::size_t hi, F f) {
  while (lo < hi) {
    const auto [p, k] = a.run(lo, hi - lo);
    for (std::size_t x = 0; x < k; ++x) f(lo + x, p[x]);
    lo += k;
  }
}

// The pyramid over a sequence: levels[L - 1][b] = the best element of block b
// of kFan^L elements (the largest key, or the smallest for a `min` pyramid;
// the earliest of equals), with its key kept beside it so a query never
// touches the elements its blocks cover.
struct Pyramid {
  struct Entry {
    std::uint64_t key = 0;
    std::uint32_t index = 0;
  };
  explicit Pyramid(bool min = false) : min(min) {}

  [[nodiscard]] bool better(std::uint64_t than, std::uint64_t key) const noexcept {
    return min ? key < than : key > than;
  }

  // Writer: element n - 1 was just appended (n elements now); key_of(k) is
  // element k's key.
  template <typename KeyOf>
  void grow(std::size_t n, KeyOf key_of) {
    if (n % kFan != 0) return;
    // Level 1 from the elements, level L from level L - 1's entries.
    Entry best{key_of(n - kFan), static_cast<std::uint32_t>(n - kFan)};
    for (std::size_t k = n - kFan + 1; k < n; ++k)
      if (better(best.key, key_of(k))) best = Entry{key_of(k), static_cast<std::uint32_t>(k)};
    levels[0].push_back(best);
    for (std::size_t L = 1; L < kLevels; ++L) {
      const std::size_t m = levels[L - 1].writer_size();
      if (m % kFan != 0) return;
      Entry b = levels[L - 1][m - kFan];
      for (std::size_t k = m - kFan + 1; k < m; ++k)
        if (better(b.key, levels[L - 1][k].key)) b = levels[L - 1][k];
      levels[L].push_back(b);
    }
  }

  // Any thread: how many entries of each level a query may use.
  using Counts = LevelCounts;
  [[nodiscard]] Counts published() const noexcept {
    Counts c{};
    for (std::size_t L = 0; L < kLevels; ++L) c[L] = levels[L].published();
    return c;
  }

  // Any thread: the best element of [i, j) (i < j, all published) whose keys
  // are `keys`: one walk_blocks, the earliest of equals winning.
  template <typename T, typename Key>
  [[nodiscard]] std::uint32_t best(std::size_t i, std::size_t j, const Counts& counts,
                                   const AppendOnly<T>& keys, Key key) const {
    Entry result{key(keys[i]), static_cast<std::uint32_t>(i)};
    walk_blocks(
        i + 1, j, counts,
        [&](std::size_t lo, std::size_t hi) {
          each_in_runs(keys, lo, hi, [&](std::size_t k, const T& x) {
            if (better(result.key, key(x))) result = Entry{key(x), static_cast<std::uint32_t>(k)};
          });
        },
        [&](std::size_t L, std::size_t lo, std::size_t hi) {
          each_in_runs(levels[L - 1], lo, hi, [&](std::size_t, const Entry& e) {
            if (better(result.key, e.key)) result = e;
          });
        });
    return result.index;
  }

  std::array<AppendOnly<Entry>, kLevels> levels;
  bool min;
};

// Every 16th, 256th and 4096th key of a sorted sequence, so a search for
// where a pixel column ends narrows down through small arrays that stay in
// cache (a few KB for millions of spans) before it touches the keys: a
// handful of cache misses per column rather than one per step of a binary
// search over the whole track.
struct Strided {
  static constexpr std::array<std::size_t, 3> kStride = {16, 256, 4096};
  std::array<AppendOnly<std::uint64_t>, 3> keys; // keys[L][b] = the key of element b * kStride[L]

  // Writer: element `index` (the newest) has `key`.
  void push(std::size_t index, std::uint64_t key) {
    for (std::size_t L = 0; L < kStride.size(); ++L)
      if (index % kStride[L] == 0) keys[L].push_back(key);
  }

  // Any thread: the first index in [lo, hi) whose key fails `pred` (true, then
  // false, along the sorted keys), or hi; `all` are the elements' keys.
  template <typename T, typename Key, typename Pred>
  [[nodiscard]] std::size_t find(std::size_t lo, std::size_t hi, const AppendOnly<T>& all, Key key,
                                 Pred pred) const {
    for (std::size_t L = kStride.size(); L-- > 0;) {
      const std::size_t stride = kStride[L];
      const std::size_t b_lo = (lo + stride - 1) / stride;
      const std::size_t b_hi = std::min((hi + stride - 1) / stride, keys[L].published());
      if (b_lo >= b_hi) continue;
      const std::size_t b = gallop_keys(keys[L], b_lo, b_hi, std::identity{}, pred);
      if (b > b_lo) lo = std::max(lo, (b - 1) * stride + 1); // element (b-1)*stride passes
      if (b < b_hi) hi = std::min(hi, b * stride);           // element b*stride fails
    }
    return gallop_keys(all, lo, hi, key, pred);
  }

  // The first index in [lo, hi) whose key fails `pred`: steps of 1, 2, 4, ...
  // from lo, then a binary search in the last step.
  template <typename T, typename Key, typename Pred>
  static std::size_t gallop_keys(const AppendOnly<T>& k, std::size_t lo, std::size_t hi, Key key,
                                 Pred pred) {
    std::size_t step = 1;
    while (lo < hi && pred(key(k[lo]))) {
      if (lo + step >= hi || !pred(key(k[lo + step]))) {
        hi = std::min(hi, lo + step);
        ++lo;
        break;
      }
      lo += step;
      step *= 2;
    }
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (pred(key(k[mid])))
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }
};

// One span's figures the LOD query reads, side by side: one cache line
// serves the column search, the item's ends, its busy time and the longest
// span, where a Span would take three.
struct SpanKey {
  std::uint64_t begin = 0, duration = 0;
  std::uint64_t busy = 0; // the durations of spans [0, this one], summed
};
// A span as a track stores it: a Span without its times, which the keys
// beside it hold (begin, duration): 48 bytes rather than 64.
struct SpanRec {
  std::uint64_t begin_event = 0, end_event = 0;
  std::uint64_t extra = 0;
  TaskId task = 0;
  TimerId timer = 0;
  std::uint32_t poll_number = 0;
  StringId suspended_at = 0;
  std::uint32_t arrow = kNoIndex;
  SpanKind kind = SpanKind::Poll;
  bool ready = false;
  bool cancelled = false;

  SpanRec() = default;
  explicit SpanRec(const Span& s)
      : begin_event(s.begin_event),
        end_event(s.end_event),
        extra(s.extra),
        task(s.task),
        timer(s.timer),
        poll_number(s.poll_number),
        suspended_at(s.suspended_at),
        arrow(s.arrow),
        kind(s.kind),
        ready(s.ready),
        cancelled(s.cancelled) {}
  [[nodiscard]] Span span(const SpanKey& k) const noexcept {
    Span s;
    s.begin_t = k.begin;
    s.end_t = k.begin + k.duration;
    s.begin_event = begin_event;
    s.end_event = end_event;
    s.extra = extra;
    s.task = task;
    s.timer = timer;
    s.poll_number = poll_number;
    s.suspended_at = suspended_at;
    s.arrow = arrow;
    s.kind = kind;
    s.ready = ready;
    s.cancelled = cancelled;
    return s;
  }
};
static_assert(sizeof(SpanRec) == 48);

struct Track {
  AppendOnly<SpanRec> spans;
  AppendOnly<SpanKey> keys; // keys[i]: spans[i]'s
  Strided begins_every;     // over the keys' begin
  Pyramid longest;          // over the keys' duration
};

// The rows of track 0 past the first (Timeline::row_count): row r is
// rows[r - 1], made (with its empty track) when a timer first needs it and
// published with it, so a reader that sees the slot sees the track.
struct RowSlot {
  Track* track = nullptr;
  std::uint64_t opened_event = 0; // the event that made the row
};
struct ExtraRows {
  ~ExtraRows() {
    for (std::size_t r = 0; r < rows.writer_size(); ++r) delete rows[r].track;
  }
  AppendOnly<RowSlot> rows;
};

struct LaneData {
  explicit LaneData(const LaneInfo& i) : info(i) {}
  ~LaneData() {
    for (auto& t : tracks) delete t.load(std::memory_order_relaxed);
    delete extra.load(std::memory_order_relaxed);
    delete named_late.load(std::memory_order_relaxed);
  }
  // What the lane is. A row named after a later row (threads take rows when
  // they first log but name them in their own first event, so join's timer
  // threads can name rows 4 and 5 before row 3) first gets an unnamed lane;
  // its name arrives later, published once through `named_late` (release),
  // since `info` may already be read by then.
  [[nodiscard]] const LaneInfo& current() const noexcept {
    const LaneInfo* late = named_late.load(std::memory_order_acquire);
    return late != nullptr ? *late : info;
  }
  LaneInfo info;
  std::atomic<const LaneInfo*> named_late{nullptr};
  // Made when the lane's first span in the track closes; published with
  // release before that span, so a reader that finds it null sees no span.
  std::array<std::atomic<Track*>, kTracks> tracks{};
  // Made (release) when the lane needs a second row; null for most lanes.
  std::atomic<ExtraRows*> extra{nullptr};
};

// The least and greatest value of every aligned block of kFan^L samples, as
// Pyramid keeps the best: one walk finds both, reading each level once.
struct RangePyramid {
  struct Entry {
    std::uint64_t min = 0, max = 0;
  };
  using Counts = LevelCounts;

  // Writer: element n - 1 was just appended; value_of(k) is element k's value.
  template <typename ValueOf>
  void grow(std::size_t n, ValueOf value_of) {
    if (n % kFan != 0) return;
    Entry e{value_of(n - kFan), value_of(n - kFan)};
    for (std::size_t k = n - kFan + 1; k < n; ++k) {
      e.min = std::min(e.min, value_of(k));
      e.max = std::max(e.max, value_of(k));
    }
    levels[0].push_back(e);
    for (std::size_t L = 1; L < kLevels; ++L) {
      const std::size_t m = levels[L - 1].writer_size();
      if (m % kFan != 0) return;
      Entry b = levels[L - 1][m - kFan];
      for (std::size_t k = m - kFan + 1; k < m; ++k) {
        b.min = std::min(b.min, levels[L - 1][k].min);
        b.max = std::max(b.max, levels[L - 1][k].max);
      }
      levels[L].push_back(b);
    }
  }

  [[nodiscard]] Counts published() const noexcept {
    Counts c{};
    for (std::size_t L = 0; L < kLevels; ++L) c[L] = levels[L].published();
    return c;
  }

  // Any thread: min and max over [i, j) (i < j, all published): the walk of
  // Pyramid::best.
  template <typename T, typename ValueOf>
  [[nodiscard]] Entry range(std::size_t i, std::size_t j, const Counts& counts,
                            const AppendOnly<T>& values, ValueOf value_of) const {
    Entry r{value_of(values[i]), value_of(values[i])};
    walk_blocks(
        i + 1, j, counts,
        [&](std::size_t lo, std::size_t hi) {
          each_in_runs(values, lo, hi, [&](std::size_t, const T& x) {
            r.min = std::min(r.min, value_of(x));
            r.max = std::max(r.max, value_of(x));
          });
        },
        [&](std::size_t L, std::size_t lo, std::size_t hi) {
          each_in_runs(levels[L - 1], lo, hi, [&](std::size_t, const Entry& e) {
            r.min = std::min(r.min, e.min);
            r.max = std::max(r.max, e.max);
          });
        });
    return r;
  }

  std::array<AppendOnly<Entry>, kLevels> levels;
};

struct CounterKey {
  std::uint64_t t = 0, value = 0;
};
struct CounterTrack {
  AppendOnly<CounterKey> keys;      // what the queries read
  AppendOnly<std::uint64_t> events; // [i]: sample i's event; pushed after keys[i]
  Strided times_every;              // over the keys' t
  RangePyramid range;               // over the keys' value
};

struct TaskRecord {
  explicit TaskRecord(const TaskInfo& i) : info(i) {}
  TaskInfo info;
  std::atomic<std::uint32_t> last_arrow{kNoIndex}; // into Impl::arrows
  std::atomic<std::uint32_t> last_poll{kNoIndex};  // into Impl::polls
};

// Every closed poll, in the order they closed: the per-task lists and the
// poll-duration histogram walk these (they are its samples). 40 bytes: the
// span's track is always 0, and its lane has 31 bits (a lane id is below
// the number of events, and a log of 2^31 events does not fit in memory).
struct PollRecord {
  std::uint64_t end_event = 0;
  std::uint64_t duration = 0; // field::poll_duration_ns
  std::uint64_t delay = 0;    // the scheduled delay, if has_delay
  std::uint32_t lane : 31 = kNoLane;
  std::uint32_t has_delay : 1 = 0;
  std::uint32_t index = kNoIndex; // the Poll span's, in track 0 of `lane`
  TaskKey task = 0;
  std::uint32_t prev_of_task = kNoIndex;

  static constexpr std::uint32_t kNoLane = 0x7fff'ffff;
  [[nodiscard]] SpanRef span() const noexcept {
    return lane == kNoLane ? SpanRef{} : SpanRef{lane, 0, index};
  }
};
static_assert(sizeof(PollRecord) == 40);

// An arrow as stored: 64 bytes rather than 88. A common arrow's wake, push
// and poll lie within 2^32 events and its push within 2^32 ns of its wake,
// the push on the wake's thread and the poll on its lane's thread: 32-bit
// deltas, one thread. Any other (a corrupt log's, a lane-less poll's) is
// kept whole in Impl::wide_arrows, `poll_index` naming it. The times the
// arrows_in scan reads are whole in both.
struct ArrowRec {
  std::uint64_t to_event = 0, from_t = 0, to_t = 0;
  std::uint32_t from_de = 0; // to_event - from_event
  std::uint32_t push_de = 0; // to_event - push_event
  std::uint32_t push_dt = 0; // push_t - from_t
  ThreadIndex from_thread = 0;
  TaskId task = 0;
  WakerId waker = 0;
  LaneId poll_lane = 0;
  std::uint32_t poll_index = 0; // in track 0 of poll_lane; wide: in wide_arrows
  ArrowKind kind = ArrowKind::Wake;
  bool wide = false;
  std::uint32_t from_track = 0; // in the padding: still 64 bytes
};
static_assert(sizeof(ArrowRec) == 64);

// A timer taking a row of a lane (Timeline::timer_row): one per timer and
// lane it has events on, in event order.
struct RowTake {
  std::uint64_t event = 0; // the timer's first event on the lane
  LaneId lane = 0;
  TimerId timer = 0;
  std::uint32_t track = 0; // Timeline::row_track of the row
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
  AppendOnly<ArrowRec> arrows;
  AppendOnly<Arrow> wide_arrows;        // the arrows ArrowRec cannot hold
  AppendOnly<std::uint32_t> arrow_prev; // [k]: the previous arrow of arrow k's task
  AppendOnly<RowTake> row_takes;
  AppendOnly<TaskRecord> tasks;
  AppendOnly<PollRecord> polls;
  // Per metric; the poll durations' samples are `polls` themselves (only
  // their cumulative counts live in series[PollDuration]).
  std::array<Series, kMetricCount> series;
  AppendOnly<OffsetChange> offsets;
  AppendOnly<std::uint64_t> times; // [k]: axis display time of event k * kTimeIndexStride
  // The arrows by length class: by_length[k] lists (in to_t order) the arrows
  // with to_t - from_t < 2^k and >= 2^(k-1), so a query for a window scans
  // each class only as far past the window's end as that class reaches.
  static constexpr std::size_t kLengthClasses = 65;
  std::array<AppendOnly<std::uint32_t>, kLengthClasses> by_length;

  std::unique_ptr<Writer> w;

  // Writer: arrow `a` into the arrays (timeline.cpp).
  void push_arrow(const Arrow& a);
  // Any thread: arrow k, whole.
  [[nodiscard]] Arrow arrow(std::size_t k) const noexcept;

  // Reader helpers (timeline_query.cpp).
  [[nodiscard]] const Track* track(LaneId lane, std::size_t t) const noexcept;
  [[nodiscard]] std::size_t closed_spans(const Track& tr, std::uint64_t upto) const noexcept;
};

} // namespace pollscope::fold
