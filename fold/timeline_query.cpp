// Timeline, the readers' side: every query bounds what it reads by a count
// it loaded with acquire (AppendOnly::published) and then by `upto`, so it
// sees what the first `upto` events built and nothing the writer is still
// making (see the contract in timeline.hpp).
#include "fold/timeline.hpp"

#include "fold/timeline_impl.hpp"

#include <algorithm>
#include <cmath>

namespace pollscope::fold {

namespace {

// The first index in [lo, hi) where `pred` is false (pred is true, then false).
template <typename Pred>
std::size_t partition(std::size_t lo, std::size_t hi, Pred pred) {
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (pred(mid))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

// Pixel columns, one function for the index and the naive recompute in the
// tests alike: a time before t0 is in column 0.
struct Columns {
  Columns(std::uint64_t t0, std::uint64_t t1, double pixels)
      : t0(t0), scale(t1 > t0 && pixels > 0 ? pixels / static_cast<double>(t1 - t0) : 0.0) {}
  [[nodiscard]] std::uint64_t of(std::uint64_t t) const noexcept {
    const std::uint64_t d = t > t0 ? t - t0 : 0;
    return static_cast<std::uint64_t>(std::floor(static_cast<double>(d) * scale));
  }
  std::uint64_t t0;
  double scale;
};

} // namespace

const Track* Timeline::Impl::track(LaneId lane, std::size_t t) const noexcept {
  if (lane >= lanes.published()) return nullptr;
  const LaneData& ld = lanes[lane];
  if (t < kTracks) return ld.tracks[t].load(std::memory_order_acquire);
  const ExtraRows* x = ld.extra.load(std::memory_order_acquire);
  if (x == nullptr || t - kTracks >= x->rows.published()) return nullptr;
  return x->rows[t - kTracks].track;
}

std::size_t Timeline::Impl::closed_spans(const Track& tr, std::uint64_t upto) const noexcept {
  return partition(0, tr.spans.published(),
                   [&](std::size_t i) { return tr.spans[i].end_event < upto; });
}

// --- lanes ---------------------------------------------------------------------

std::size_t Timeline::lane_count(std::uint64_t upto) const noexcept {
  const auto& lanes = impl_->lanes;
  return partition(0, lanes.published(),
                   [&](std::size_t i) { return lanes[i].info.named_event < upto; });
}

const LaneInfo& Timeline::lane(LaneId id) const noexcept { return impl_->lanes[id].current(); }

std::size_t Timeline::span_count(LaneId lane, std::size_t track,
                                 std::uint64_t upto) const noexcept {
  const Track* tr = impl_->track(lane, track);
  return tr ? impl_->closed_spans(*tr, upto) : 0;
}

Span Timeline::span(LaneId lane, std::size_t track, std::size_t index) const noexcept {
  const Track* tr = impl_->track(lane, track);
  return tr->spans[index].span(tr->keys[index]);
}

std::size_t Timeline::row_count(LaneId lane, std::uint64_t upto) const noexcept {
  if (lane >= impl_->lanes.published()) return 1;
  const ExtraRows* x = impl_->lanes[lane].extra.load(std::memory_order_acquire);
  if (x == nullptr) return 1;
  const auto& rows = x->rows;
  return 1 +
         partition(0, rows.published(), [&](std::size_t r) { return rows[r].opened_event < upto; });
}

std::optional<std::size_t> Timeline::timer_row(LaneId lane, TimerId timer, std::uint64_t at,
                                               std::uint64_t upto) const noexcept {
  const auto& takes = impl_->row_takes;
  const std::uint64_t end = std::min(at + 1, upto);
  const std::size_t n =
      partition(0, takes.published(), [&](std::size_t k) { return takes[k].event < end; });
  for (std::size_t k = n; k > 0 && n - k < kRowLookBack; --k) {
    const RowTake& r = takes[k - 1];
    if (r.lane == lane && r.timer == timer) return track_row(r.track);
  }
  return std::nullopt;
}

std::optional<Span> Timeline::find_span(SpanRef ref, std::uint64_t upto) const noexcept {
  if (ref.lane == kNoIndex || ref.index == kNoIndex) return std::nullopt;
  if (ref.lane >= lane_count(upto) || ref.index >= span_count(ref.lane, ref.track, upto))
    return std::nullopt;
  return span(ref);
}

std::size_t Timeline::first_span_ending_at_or_after(LaneId lane, std::size_t track, std::uint64_t t,
                                                    std::uint64_t upto) const noexcept {
  const Track* tr = impl_->track(lane, track);
  if (tr == nullptr) return 0;
  const std::size_t n = impl_->closed_spans(*tr, upto);
  return partition(0, n, [&](std::size_t i) {
    const SpanKey& k = tr->keys[i];
    return k.begin + k.duration < t;
  });
}

void Timeline::query(LaneId lane, std::size_t track, std::uint64_t t0, std::uint64_t t1,
                     double pixels, std::uint64_t upto, std::vector<LodItem>& out) const {
  out.clear();
  const Track* tr = impl_->track(lane, track);
  if (tr == nullptr || t1 < t0) return;
  const auto& keys = tr->keys;
  const std::size_t n = impl_->closed_spans(*tr, upto);
  const Columns col(t0, t1, pixels);
  const Pyramid::Counts levels = tr->longest.published();
  auto begin = [](const SpanKey& k) { return k.begin; };
  auto duration = [](const SpanKey& k) { return k.duration; };
  std::size_t i =
      partition(0, n, [&](std::size_t k) { return keys[k].begin + keys[k].duration < t0; });
  while (i < n && keys[i].begin <= t1) {
    const std::uint64_t c = col.of(keys[i].begin);
    // Every span that begins in column c (and in the view) joins the item.
    const std::size_t j = tr->begins_every.find(
        i + 1, n, keys, begin, [&](std::uint64_t b) { return b <= t1 && col.of(b) <= c; });
    const SpanKey& last = keys[j - 1];
    LodItem item;
    item.begin_t = keys[i].begin;
    item.end_t = last.begin + last.duration;
    item.busy_ns = last.busy - (i == 0 ? 0 : keys[i - 1].busy);
    item.first = static_cast<std::uint32_t>(i);
    item.count = static_cast<std::uint32_t>(j - i);
    item.longest = j - i == 1 ? item.first : tr->longest.best(i, j, levels, keys, duration);
    out.push_back(item);
    i = j;
  }
}

// --- counters --------------------------------------------------------------------

std::size_t Timeline::sample_count(Counter c, std::uint64_t upto) const noexcept {
  const auto& events = impl_->counters[static_cast<std::size_t>(c)].events;
  return partition(0, events.published(), [&](std::size_t i) { return events[i] < upto; });
}

CounterSample Timeline::sample(Counter c, std::size_t index) const noexcept {
  const CounterTrack& ct = impl_->counters[static_cast<std::size_t>(c)];
  return CounterSample{ct.keys[index].t, ct.events[index], ct.keys[index].value};
}

void Timeline::query(Counter c, std::uint64_t t0, std::uint64_t t1, double pixels,
                     std::uint64_t upto, std::vector<CounterItem>& out) const {
  out.clear();
  if (t1 < t0) return;
  const CounterTrack& ct = impl_->counters[static_cast<std::size_t>(c)];
  const auto& keys = ct.keys;
  const std::size_t n = sample_count(c, upto);
  const Columns col(t0, t1, pixels);
  const RangePyramid::Counts levels = ct.range.published();
  auto time = [](const CounterKey& k) { return k.t; };
  auto value = [](const CounterKey& k) { return k.value; };
  std::size_t i = partition(0, n, [&](std::size_t k) { return keys[k].t < t0; });
  if (i > 0) --i; // the sample that holds the value at t0
  while (i < n && keys[i].t <= t1) {
    const std::uint64_t cc = col.of(keys[i].t);
    const std::size_t j = ct.times_every.find(
        i + 1, n, keys, time, [&](std::uint64_t t) { return t <= t1 && col.of(t) <= cc; });
    CounterItem item;
    item.begin_t = keys[i].t;
    item.end_t = keys[j - 1].t;
    const RangePyramid::Entry r = ct.range.range(i, j, levels, keys, value);
    item.min = r.min;
    item.max = r.max;
    item.last = keys[j - 1].value;
    item.first = static_cast<std::uint32_t>(i);
    item.count = static_cast<std::uint32_t>(j - i);
    out.push_back(item);
    i = j;
  }
}

// --- arrows ----------------------------------------------------------------------

std::size_t Timeline::arrow_count(std::uint64_t upto) const noexcept {
  const auto& a = impl_->arrows;
  return partition(0, a.published(), [&](std::size_t i) { return a[i].to_event < upto; });
}

Arrow Timeline::arrow(std::size_t index) const noexcept { return impl_->arrow(index); }

Arrow Timeline::Impl::arrow(std::size_t k) const noexcept {
  const ArrowRec& r = arrows[k];
  if (r.wide) return wide_arrows[r.poll_index];
  Arrow a;
  a.from_event = r.to_event - r.from_de;
  a.from_t = r.from_t;
  a.push_event = r.to_event - r.push_de;
  a.push_t = r.from_t + r.push_dt;
  a.to_event = r.to_event;
  a.to_t = r.to_t;
  a.from_thread = a.push_thread = r.from_thread;
  a.from_track = r.from_track;
  a.to_thread = r.poll_lane + 1;
  a.task = r.task;
  a.waker = r.waker;
  a.poll = SpanRef{r.poll_lane, 0, r.poll_index};
  a.kind = r.kind;
  return a;
}

void Timeline::arrows_in(std::uint64_t t0, std::uint64_t t1, std::uint64_t upto,
                         std::vector<std::uint32_t>& out, std::size_t limit) const {
  out.clear();
  if (t1 < t0 || limit == 0) return;
  const auto& a = impl_->arrows;
  const std::size_t n = arrow_count(upto);
  // Class k holds arrows shorter than 2^k, sorted by to_t: one crosses the
  // view only if its to_t is in [t0, t1 + 2^k). Past t1 + 2^(k-1) most of
  // what a class holds starts after the view, so the scan wastes little.
  for (std::size_t k = 0; k < Impl::kLengthClasses; ++k) {
    const auto& cls = impl_->by_length[k];
    const std::size_t m = partition(0, cls.published(), [&](std::size_t x) { return cls[x] < n; });
    if (m == 0) continue;
    const std::uint64_t reach =
        k >= 64 ? UINT64_MAX : t1 + std::min((std::uint64_t{1} << k), UINT64_MAX - t1);
    std::size_t x = partition(0, m, [&](std::size_t y) { return a[cls[y]].to_t < t0; });
    for (std::size_t taken = 0; x < m && a[cls[x]].to_t <= reach && taken < limit; ++x)
      if (a[cls[x]].from_t <= t1) {
        out.push_back(cls[x]);
        ++taken;
      }
  }
  // In order of their polls (arrow order), the first `limit`.
  std::sort(out.begin(), out.end());
  if (out.size() > limit) out.resize(limit);
}

void Timeline::arrows_of(TaskKey task, std::uint64_t upto, std::vector<std::uint32_t>& out) const {
  out.clear();
  if (task >= impl_->tasks.published()) return;
  std::uint32_t k = impl_->tasks[task].last_arrow.load(std::memory_order_acquire);
  for (; k != kNoIndex; k = impl_->arrow_prev[k])
    if (impl_->arrows[k].to_event < upto) out.push_back(k);
  std::reverse(out.begin(), out.end());
}

// --- tasks -----------------------------------------------------------------------

std::size_t Timeline::task_count(std::uint64_t upto) const noexcept {
  const auto& t = impl_->tasks;
  return partition(0, t.published(), [&](std::size_t i) { return t[i].info.spawn_event < upto; });
}

const TaskInfo& Timeline::task(TaskKey key) const noexcept { return impl_->tasks[key].info; }

std::optional<TaskKey> Timeline::find_task(TaskId id, std::uint64_t upto) const noexcept {
  for (std::size_t k = task_count(upto); k > 0; --k)
    if (impl_->tasks[k - 1].info.id == id) return static_cast<TaskKey>(k - 1);
  return std::nullopt;
}

namespace {

// The task's closed polls among the first `upto` events, oldest first.
template <typename F>
void each_poll(const Timeline::Impl& im, TaskKey task, std::uint64_t upto, F f) {
  if (task >= im.tasks.published()) return;
  std::vector<std::uint32_t> found;
  for (std::uint32_t k = im.tasks[task].last_poll.load(std::memory_order_acquire); k != kNoIndex;
       k = im.polls[k].prev_of_task)
    if (im.polls[k].end_event < upto) found.push_back(k);
  for (auto it = found.rbegin(); it != found.rend(); ++it) f(im.polls[*it]);
}

} // namespace

void Timeline::polls_of(TaskKey task, std::uint64_t upto, std::vector<SpanRef>& out) const {
  out.clear();
  each_poll(*impl_, task, upto, [&](const PollRecord& p) { out.push_back(p.span()); });
}

// --- histograms ------------------------------------------------------------------

Histogram Timeline::histogram(Metric m, std::uint64_t upto) const {
  const Series& s = impl_->series[static_cast<std::size_t>(m)];
  if (m == Metric::PollDuration) { // the polls are its samples
    const auto& polls = impl_->polls;
    const std::size_t n =
        partition(0, polls.published(), [&](std::size_t i) { return polls[i].end_event < upto; });
    const std::size_t c = std::min(n / kCumulativeStride, s.cumulative.published());
    Histogram h = c > 0 ? s.cumulative[c - 1] : Histogram{};
    for (std::size_t i = c * kCumulativeStride; i < n; ++i) h.add(polls[i].duration);
    return h;
  }
  const std::size_t n =
      partition(0, s.samples.published(), [&](std::size_t i) { return s.samples[i].event < upto; });
  const std::size_t c = std::min(n / kCumulativeStride, s.cumulative.published());
  Histogram h = c > 0 ? s.cumulative[c - 1] : Histogram{};
  for (std::size_t i = c * kCumulativeStride; i < n; ++i) h.add(s.samples[i].value);
  return h;
}

Histogram Timeline::task_histogram(Metric m, TaskKey task, std::uint64_t upto) const {
  Histogram h;
  if (m == Metric::TimerLateness) {
    std::vector<SampleRef> all;
    for (std::size_t k = 0; k < Histogram::kBuckets; ++k) {
      in_bucket(m, k, upto, task, all);
      for (const auto& r : all) h.add(r.value);
    }
    return h;
  }
  each_poll(*impl_, task, upto, [&](const PollRecord& p) {
    if (m == Metric::PollDuration)
      h.add(p.duration);
    else if (p.has_delay)
      h.add(p.delay);
  });
  return h;
}

void Timeline::in_bucket(Metric m, std::size_t bucket, std::uint64_t upto,
                         std::optional<TaskKey> task, std::vector<SampleRef>& out) const {
  out.clear();
  if (task && m != Metric::TimerLateness) {
    const TaskId id = task < impl_->tasks.published() ? impl_->tasks[*task].info.id : 0;
    each_poll(*impl_, *task, upto, [&](const PollRecord& p) {
      if (m == Metric::ScheduledDelay && !p.has_delay) return;
      const std::uint64_t v = m == Metric::PollDuration ? p.duration : p.delay;
      if (Histogram::bucket_of(v) != bucket) return;
      const SpanRef ref = p.span();
      const std::uint64_t event =
          m == Metric::PollDuration || ref.lane == kNoIndex ? p.end_event : span(ref).begin_event;
      out.push_back(SampleRef{v, event, ref, id});
    });
    return;
  }
  if (m == Metric::PollDuration) { // every poll, from the polls themselves
    const auto& polls = impl_->polls;
    const std::size_t n =
        partition(0, polls.published(), [&](std::size_t i) { return polls[i].end_event < upto; });
    for (std::size_t i = 0; i < n; ++i) {
      const PollRecord& p = polls[i];
      if (Histogram::bucket_of(p.duration) != bucket) continue;
      out.push_back(SampleRef{p.duration, p.end_event, p.span(), impl_->tasks[p.task].info.id});
    }
    return;
  }
  const Series& s = impl_->series[static_cast<std::size_t>(m)];
  const std::size_t n =
      partition(0, s.samples.published(), [&](std::size_t i) { return s.samples[i].event < upto; });
  // A task's timers: those its id names from its spawn on (ids restart after a reset).
  std::uint64_t from = 0;
  TaskId id = 0;
  if (task && *task < impl_->tasks.published()) {
    from = impl_->tasks[*task].info.spawn_event;
    id = impl_->tasks[*task].info.id;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const SampleRef& r = s.samples[i];
    if (Histogram::bucket_of(r.value) != bucket) continue;
    if (task && (r.task != id || r.event < from)) continue;
    out.push_back(r);
  }
}

// --- time ------------------------------------------------------------------------

std::uint64_t Timeline::axis_offset_at(std::uint64_t event, std::uint64_t upto) const noexcept {
  const auto& o = impl_->offsets;
  const std::size_t n = partition(
      0, o.published(), [&](std::size_t i) { return o[i].event <= event && o[i].event < upto; });
  return n == 0 ? 0 : o[n - 1].offset;
}

namespace {
std::size_t time_entries(const AppendOnly<std::uint64_t>& times, std::uint64_t upto) {
  const std::uint64_t stride = Timeline::kTimeIndexStride;
  return std::min<std::size_t>(times.published(), (upto + stride - 1) / stride);
}
} // namespace

std::uint64_t Timeline::end_time(std::uint64_t upto) const noexcept {
  const std::size_t n = time_entries(impl_->times, upto);
  return n == 0 ? 0 : impl_->times[n - 1];
}

std::uint64_t Timeline::begin_time(std::uint64_t upto) const noexcept {
  return time_entries(impl_->times, upto) == 0 ? 0 : impl_->times[0];
}

std::uint64_t Timeline::event_near_time(std::uint64_t t, std::uint64_t upto) const noexcept {
  const auto& times = impl_->times;
  const std::size_t n = time_entries(times, upto);
  const std::size_t k = partition(0, n, [&](std::size_t i) { return times[i] < t; });
  if (k == 0) return 0;
  return std::min<std::uint64_t>(upto, (k - 1) * kTimeIndexStride + 1);
}

} // namespace pollscope::fold

// --- memory ----------------------------------------------------------------------

namespace pollscope::fold {

namespace {
template <typename T, std::size_t N>
std::size_t bytes_of(const std::array<AppendOnly<T>, N>& all) {
  std::size_t b = 0;
  for (const auto& a : all) b += a.bytes();
  return b;
}
} // namespace

std::size_t Timeline::bytes() const noexcept {
  const Impl& im = *impl_;
  std::size_t b = im.lanes.bytes();
  for (std::size_t l = 0; l < im.lanes.published(); ++l)
    for (std::size_t t = 0; t < row_track(row_count(static_cast<LaneId>(l), UINT64_MAX)); ++t)
      if (const Track* tr = im.track(static_cast<LaneId>(l), t))
        b += sizeof(Track) + tr->spans.bytes() + tr->keys.bytes() +
             bytes_of(tr->begins_every.keys) + bytes_of(tr->longest.levels);
  for (const CounterTrack& c : im.counters)
    b +=
        c.events.bytes() + c.keys.bytes() + bytes_of(c.times_every.keys) + bytes_of(c.range.levels);
  b += im.arrows.bytes() + im.wide_arrows.bytes() + im.arrow_prev.bytes() + im.row_takes.bytes() +
       im.tasks.bytes() + im.polls.bytes() + im.offsets.bytes() + im.times.bytes() +
       bytes_of(im.by_length);
  for (const Series& s : im.series) b += s.samples.bytes() + s.cumulative.bytes();
  return b;
}

} // namespace pollscope::fold
