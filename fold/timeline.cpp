// Timeline, the writer's side: one event at a time into lanes, counters,
// arrows and histogram series (the queries are in timeline_query.cpp).
//
// Sections: 1. names  2. the writer's bookkeeping  3. spans  4. append,
// one handler per kind of event it cares about
#include "fold/timeline.hpp"

#include "fold/timeline_impl.hpp"

#include <algorithm>
#include <bit>
#include <unordered_map>
#include <utility>

namespace pollscope::fold {

// --- 1. Names ----------------------------------------------------------------

std::string_view to_string(SpanKind k) noexcept {
  switch (k) {
  case SpanKind::Poll: return "poll";
  case SpanKind::WaitingEmpty: return "waiting on an empty queue";
  case SpanKind::Paused: return "paused";
  case SpanKind::StepWait: return "waiting for a step";
  case SpanKind::BlockedSend: return "blocked sending to a full queue";
  case SpanKind::LockWait: return "waiting for a timer's lock";
  case SpanKind::TimerStarting: return "started";
  case SpanKind::TimerWaiting: return "waiting until the deadline";
  case SpanKind::TimerFired: return "fired";
  }
  return "?";
}

std::string_view to_string(Counter c) noexcept {
  switch (c) {
  case Counter::QueueLength: return "queue length";
  case Counter::TimerThreads: return "live timer threads";
  }
  return "?";
}

// --- 2. The writer's bookkeeping ----------------------------------------------

namespace {

// Where an arrow starts: the wake (or spawn), waiting for its push. 32 bytes,
// not an Arrow: the writer keeps one per waker and per task in flight.
struct Origin {
  std::uint64_t event = kNoEvent; // kNoEvent: none
  std::uint64_t t = 0;
  ThreadIndex thread = 0;
  WakerId waker = 0;
  std::uint32_t track = 0; // Arrow::from_track
  ArrowKind kind = ArrowKind::Wake;
  [[nodiscard]] bool has() const noexcept { return event != kNoEvent; }
};

// A queue entry waiting for its pop: the push, and the origin it carries.
struct PendingArrow {
  Origin from;
  std::uint64_t push_event = kNoEvent; // kNoEvent: a free ring slot
  std::uint64_t push_t = 0;            // for the scheduled delay
  ThreadIndex push_thread = 0;
};

// What the writer remembers of a task of the current runtime: 8 bytes, so
// that 10,000 tasks polled in turn stay in cache (the spawn's origin, used
// once, lives apart).
struct TaskWriter {
  TaskKey key = kNoIndex;
  std::uint32_t polls = 0;
};

// Runtime ids (tasks, wakers) are dense from 1 within a runtime: a vector,
// no allocation per event and no hashing. An id far past the ids seen so far
// (a hand-made or corrupt log's) goes to a map, so memory stays bounded by
// the ids a log names; the vector takes such entries over once it grows
// past them.
template <typename T>
class DenseTable {
public:
  static constexpr std::size_t kSlack = 4096; // ids this far past the vector still grow it
  T& operator[](std::uint32_t id) {
    if (id < dense_.size()) return dense_[id];
    if (id >= 2 * dense_.size() + kSlack) return sparse_[id];
    dense_.resize(std::max<std::size_t>(id + 1, dense_.size() * 2));
    for (auto it = sparse_.begin(); it != sparse_.end();) {
      if (it->first < dense_.size()) {
        dense_[it->first] = std::move(it->second);
        it = sparse_.erase(it);
      } else {
        ++it;
      }
    }
    return dense_[id];
  }
  void clear() {
    dense_.clear();
    sparse_.clear();
  }

private:
  std::vector<T> dense_;
  std::unordered_map<std::uint32_t, T> sparse_;
};

// Queue entries by ticket, waiting for their pop. Tickets rise in push order
// and pops come nearly in that order (the channel is FIFO), so a ring indexed
// by ticket, covering [base_, end_) (base_: the oldest entry not popped): no
// allocation per push, one mask per lookup. A ticket below the base, or far
// beyond it, goes to a map.
class TicketRing {
public:
  // Entries in flight are bounded by the queue's capacity (plus blocked
  // senders); a ticket further out than this is an odd log's.
  static constexpr std::uint64_t kSpan = std::uint64_t{1} << 16;
  void put(std::uint64_t ticket, const PendingArrow& p) {
    // The last ticket of all has no end_ past it: the map's.
    if (base_ == end_ && ticket != UINT64_MAX) base_ = end_ = ticket;
    if (ticket < base_ || ticket - base_ > kSpan || ticket == UINT64_MAX) {
      sparse_[ticket] = p;
      return;
    }
    while (ticket - base_ >= ring_.size()) grow();
    ring_[ticket & (ring_.size() - 1)] = p;
    end_ = std::max(end_, ticket + 1);
  }
  // The entry of `ticket`, taken out; push_event kNoEvent if none.
  PendingArrow take(std::uint64_t ticket) {
    PendingArrow out;
    if (ticket >= base_ && ticket < end_) {
      out = std::exchange(ring_[ticket & (ring_.size() - 1)], PendingArrow{});
      while (base_ < end_ && ring_[base_ & (ring_.size() - 1)].push_event == kNoEvent) ++base_;
    } else if (auto it = sparse_.find(ticket); it != sparse_.end()) {
      out = it->second;
      sparse_.erase(it);
    }
    return out;
  }
  void clear() {
    for (auto& slot : ring_) slot = PendingArrow{};
    base_ = end_ = 0;
    sparse_.clear();
  }

private:
  // Twice the slots, each live entry moved to its ticket's new place.
  void grow() {
    std::vector<PendingArrow> bigger(std::max<std::size_t>(64, ring_.size() * 2));
    for (std::uint64_t t = base_; t < end_; ++t)
      bigger[t & (bigger.size() - 1)] = ring_[t & (ring_.size() - 1)];
    ring_.swap(bigger);
  }
  std::uint64_t base_ = 0, end_ = 0;
  std::vector<PendingArrow> ring_; // a power of two slots (or none)
  std::unordered_map<std::uint64_t, PendingArrow> sparse_;
};

struct LaneWriter {
  // Per track (rows past the first included): the span open there, and the
  // end of the last one closed (spans never start before it).
  std::vector<std::optional<Span>> open = std::vector<std::optional<Span>>(kTracks);
  std::vector<std::uint64_t> last_end = std::vector<std::uint64_t>(kTracks);
  bool named = false; // false: a gap lane, its row not named yet
  // Rows (Timeline::row_count): the track each timer served here holds from
  // its first event to its exit, tracks given back, rows made so far.
  std::unordered_map<TimerId, std::uint32_t> timer_track;
  std::vector<std::uint32_t> free_tracks;
  std::uint32_t rows = 0;
  // The track of the timer that fired here and has not exited: a wake on
  // this thread now is that timer's (Arrow::from_track). kNoIndex: none.
  std::uint32_t firing = kNoIndex;
};

} // namespace

struct Writer {
  std::vector<LaneWriter> lanes;
  std::uint64_t offset = 0;   // added to raw times in this runtime
  std::uint64_t max_axis = 0; // the largest axis time so far
  std::uint64_t display = 0;  // the axis display time of the last event

  // The executor, as the fold tracks it (fold.cpp's settle_executor).
  std::optional<LaneId> exec_lane;
  ExecutorMode mode = ExecutorMode::Run;
  std::uint64_t steps_owed = 0;
  bool waiting = false;
  bool in_poll = false;
  bool holding = false; // popped a task, its poll not over (the fold's current_task)
  bool done = false;

  // The current runtime's ids (cleared when a runtime opens).
  DenseTable<TaskWriter> tasks;
  DenseTable<Origin> spawned; // by task: spawned, not pushed yet
  std::unordered_map<TimerId, TaskId> timer_tasks;
  DenseTable<Origin> woken; // by waker: woken, not pushed yet
  // The entry the executor popped, waiting for its PollBegin (one executor:
  // a pop is followed by the poll of that task, or by the next pop).
  TaskId popped_task = 0;
  PendingArrow popped; // push_event kNoEvent: nothing popped
  TicketRing queued;
  // The poll open on the executor: its arrow and delay.
  std::uint32_t poll_arrow = kNoIndex;
  std::uint64_t poll_delay = 0;
  bool poll_has_delay = false;

  std::uint64_t live_timers = 0;
  std::array<Histogram, kMetricCount> running;
};

Timeline::Impl::Impl() : w(std::make_unique<Writer>()) {}

void Timeline::Impl::push_arrow(const Arrow& a) {
  ArrowRec r;
  r.to_event = a.to_event;
  r.from_t = a.from_t;
  r.to_t = a.to_t;
  r.from_thread = a.from_thread;
  r.task = a.task;
  r.waker = a.waker;
  r.kind = a.kind;
  r.from_track = a.from_track;
  auto fits = [](std::uint64_t lo, std::uint64_t hi) { return lo <= hi && hi - lo <= UINT32_MAX; };
  const bool compact = fits(a.from_event, a.to_event) && fits(a.push_event, a.to_event) &&
                       fits(a.from_t, a.push_t) && a.push_thread == a.from_thread &&
                       a.poll.lane != kNoIndex && a.poll.track == 0 &&
                       a.to_thread == a.poll.lane + 1;
  if (compact) {
    r.from_de = static_cast<std::uint32_t>(a.to_event - a.from_event);
    r.push_de = static_cast<std::uint32_t>(a.to_event - a.push_event);
    r.push_dt = static_cast<std::uint32_t>(a.push_t - a.from_t);
    r.poll_lane = a.poll.lane;
    r.poll_index = a.poll.index;
  } else {
    // Before the record: a reader that sees the record sees this.
    r.wide = true;
    r.poll_index = static_cast<std::uint32_t>(wide_arrows.writer_size());
    wide_arrows.push_back(a);
  }
  arrows.push_back(r);
}
Timeline::Impl::~Impl() = default;

Timeline::Timeline() : impl_(std::make_unique<Impl>()) {}
Timeline::~Timeline() = default;

// --- 3. Spans --------------------------------------------------------------------

namespace {

// Writer: the track, null if nothing made it yet (rows past the first are
// made with their track).
Track* writer_track(Timeline::Impl& im, LaneId lane, std::size_t t) {
  LaneData& ld = im.lanes.mut(lane);
  if (t < kTracks) return ld.tracks[t].load(std::memory_order_relaxed);
  return ld.extra.load(std::memory_order_relaxed)->rows.mut(t - kTracks).track;
}

// Writer: the index the next span closed on the track will have.
std::uint32_t next_span(Timeline::Impl& im, LaneId lane, std::size_t t) {
  const Track* tr = writer_track(im, lane, t);
  return static_cast<std::uint32_t>(tr ? tr->spans.writer_size() : 0);
}

void push_span(Timeline::Impl& im, LaneId lane, std::size_t t, Span s) {
  LaneData& ld = im.lanes.mut(lane);
  Track* tr = writer_track(im, lane, t);
  if (tr == nullptr) {
    tr = new Track;
    // Release: a reader that loads the pointer sees the empty track whole.
    ld.tracks[t].store(tr, std::memory_order_release);
  }
  const std::size_t n = tr->keys.writer_size();
  const std::uint64_t before = n == 0 ? 0 : tr->keys[n - 1].busy;
  // Keys and pyramid entries first: a reader that sees span n sees
  // everything about spans [0, n) (it bounds its reads by the span count).
  tr->begins_every.push(n, s.begin_t);
  tr->keys.push_back(SpanKey{s.begin_t, s.duration(), before + s.duration()});
  tr->spans.push_back(SpanRec(s));
  tr->longest.grow(n + 1, [&](std::size_t k) { return tr->keys[k].duration; });
}

void push_sample(Timeline::Impl& im, Counter c, std::uint64_t t, std::uint64_t event,
                 std::uint64_t value) {
  CounterTrack& ct = im.counters[static_cast<std::size_t>(c)];
  const std::size_t n = ct.keys.writer_size();
  if (n > 0) t = std::max(t, ct.keys[n - 1].t); // sorted by time, for the queries
  ct.times_every.push(n, t);
  ct.keys.push_back(CounterKey{t, value});
  ct.events.push_back(event); // last: a reader bounds its reads by this count
  auto value_of = [&](std::size_t k) { return ct.keys[k].value; };
  ct.range.grow(n + 1, value_of);
}

void push_sample(Timeline::Impl& im, Metric m, const SampleRef& r) {
  Series& s = im.series[static_cast<std::size_t>(m)];
  Histogram& h = im.w->running[static_cast<std::size_t>(m)];
  h.add(r.value);
  s.samples.push_back(r);
  if (s.samples.writer_size() % kCumulativeStride == 0) s.cumulative.push_back(h);
}

} // namespace

// --- 4. Append ---------------------------------------------------------------

namespace {

class Appender {
public:
  static constexpr std::size_t kMaxRowGap = 1024;

  Appender(Timeline::Impl& im, std::uint64_t index, const Event& e)
      : im_(im), w_(*im.w), i_(index), e_(e) {}

  void run() {
    time();
    if (e_.thread != 0 && e_.kind != EventKind::ThreadNamed) lane_ = lane_of(e_.thread);
    switch (e_.kind) {
    case EventKind::RuntimeStarted:
    case EventKind::RuntimeReset:
    case EventKind::RuntimeAbandoned: runtime_opened(); break;
    case EventKind::ThreadNamed: thread_named(); break;
    case EventKind::TaskSpawned: task_spawned(); break;
    case EventKind::QueuePush: queue_push(); break;
    case EventKind::QueuePop: queue_pop(); break;
    case EventKind::SendBlocked: open(1, SpanKind::BlockedSend); break;
    case EventKind::SendUnblocked: close(lane_, 1); break;
    case EventKind::LockWaitBegin: open(1, SpanKind::LockWait); break;
    case EventKind::LockWaitEnd: close(lane_, 1); break;
    case EventKind::ExecutorWaiting:
      note_executor();
      w_.waiting = true;
      w_.holding = false; // it cannot wait on the queue while holding a task
      settle_executor();
      break;
    case EventKind::ExecutorMode:
      w_.mode = field::mode(e_);
      if (w_.mode != ExecutorMode::Step) w_.steps_owed = 0;
      settle_executor();
      break;
    case EventKind::StepRequested:
      w_.steps_owed = field::steps_owed(e_);
      settle_executor();
      break;
    case EventKind::PollBegin: poll_begin(); break;
    case EventKind::PollEnd: poll_end(); break;
    case EventKind::ExecutorDone:
      w_.done = true;
      w_.in_poll = false;
      w_.holding = false;
      settle_executor();
      break;
    case EventKind::WakerWoken: waker_woken(); break;
    case EventKind::TimerCreated: w_.timer_tasks[e_.timer] = e_.task; break;
    case EventKind::TimerThreadStarted: timer_started(); break;
    case EventKind::TimerThreadWaiting: timer_waiting(); break;
    case EventKind::TimerFired: timer_fired(); break;
    case EventKind::TimerThreadExited: timer_exited(); break;
    default: break;
    }
  }

private:
  // The axis: raw time plus the runtime's offset (see timeline.hpp).
  void time() {
    if (e_.kind == EventKind::RuntimeStarted || e_.kind == EventKind::RuntimeReset ||
        e_.kind == EventKind::RuntimeAbandoned) {
      const std::uint64_t offset = e_.t >= w_.max_axis ? 0 : w_.max_axis - e_.t;
      if (offset != w_.offset || im_.offsets.writer_size() == 0) {
        w_.offset = offset;
        im_.offsets.push_back(OffsetChange{i_, offset});
      }
      w_.display = e_.t + w_.offset;
    } else {
      w_.display = std::max(w_.display, e_.t + w_.offset);
    }
    t_ = e_.t + w_.offset;
    w_.max_axis = std::max(w_.max_axis, t_);
    if (i_ % Timeline::kTimeIndexStride == 0) im_.times.push_back(w_.display);
  }

  std::optional<LaneId> lane_of(ThreadIndex thread) const {
    const std::size_t n = im_.lanes.writer_size();
    if (thread == 0 || thread > n) return std::nullopt;
    return static_cast<LaneId>(thread - 1);
  }

  void open(std::size_t track, SpanKind kind, std::uint64_t extra = 0) {
    if (!lane_) return;
    open_on(*lane_, track, kind, extra);
  }
  void open_on(LaneId lane, std::size_t track, SpanKind kind, std::uint64_t extra = 0) {
    close(lane, track);
    LaneWriter& lw = w_.lanes[lane];
    Span s;
    s.kind = kind;
    s.begin_t = std::max(t_, lw.last_end[track]);
    s.begin_event = i_;
    s.task = e_.task;
    s.timer = e_.timer;
    s.extra = extra;
    lw.open[track] = s;
  }
  // Closes the span open on the track, if any, at this event.
  void close(std::optional<LaneId> lane, std::size_t track) {
    if (!lane) return;
    LaneWriter& lw = w_.lanes[*lane];
    if (!lw.open[track]) return;
    Span s = *lw.open[track];
    lw.open[track].reset();
    s.end_t = std::max(t_, s.begin_t);
    s.end_event = i_;
    lw.last_end[track] = s.end_t;
    push_span(im_, *lane, track, s);
  }

  void note_executor() {
    if (lane_ && im_.lanes[*lane_].current().kind == Lane::Executor) w_.exec_lane = lane_;
  }

  // The idle span the executor's lane shows now, with the fold's precedence.
  void settle_executor() {
    if (!w_.exec_lane) return;
    std::optional<SpanKind> want;
    if (w_.done || w_.in_poll || w_.holding)
      want.reset();
    else if (w_.mode == ExecutorMode::Pause)
      want = SpanKind::Paused;
    else if (w_.mode == ExecutorMode::Step && w_.steps_owed == 0)
      want = SpanKind::StepWait;
    else if (w_.waiting)
      want = SpanKind::WaitingEmpty;
    LaneWriter& lw = w_.lanes[*w_.exec_lane];
    const auto& open = lw.open[0];
    const bool idle_open = open && open->kind != SpanKind::Poll;
    if (idle_open && want && open->kind == *want) return;
    if (idle_open) close(w_.exec_lane, 0);
    if (want) {
      if (open) return; // a poll the log never closed: leave it be
      Span s;
      s.kind = *want;
      s.begin_t = std::max(t_, lw.last_end[0]);
      s.begin_event = i_;
      lw.open[0] = s;
    }
  }

  void runtime_opened() {
    // Ids restart: nothing pending carries over. The old executor's idle
    // span ends here.
    w_.in_poll = false;
    w_.holding = false;
    w_.waiting = false;
    w_.done = true;
    settle_executor();
    if (w_.exec_lane) close(w_.exec_lane, 0);
    w_.done = false;
    w_.mode = ExecutorMode::Run;
    w_.steps_owed = 0;
    w_.tasks.clear();
    w_.timer_tasks.clear();
    w_.woken.clear();
    w_.spawned.clear();
    w_.queued.clear();
    w_.popped = PendingArrow{};
    w_.poll_arrow = kNoIndex;
    if (im_.counters[0].keys.writer_size() > 0) push_sample(im_, Counter::QueueLength, t_, i_, 0);
    if (w_.live_timers != 0) {
      w_.live_timers = 0;
      push_sample(im_, Counter::TimerThreads, t_, i_, 0);
    }
  }

  void thread_named() {
    const ThreadIndex row = e_.thread;
    if (row == 0) return;
    if (row <= im_.lanes.writer_size()) { // a gap lane named now, or named before
      name_gap(row);
      return;
    }
    // Rows are dense from 1; a few missing rows (a hand-made log) get unnamed
    // lanes, a row far beyond the table (a corrupt log) none at all.
    if (row - im_.lanes.writer_size() > kMaxRowGap) return;
    while (im_.lanes.writer_size() + 1 < row) {
      LaneInfo gap;
      gap.thread = static_cast<ThreadIndex>(im_.lanes.writer_size() + 1);
      gap.named_event = i_;
      w_.lanes.emplace_back();
      im_.lanes.push_back(gap);
    }
    const LaneInfo info = info_here(row);
    w_.lanes.emplace_back();
    w_.lanes.back().named = true;
    im_.lanes.push_back(info);
    if (info.kind == Lane::Executor) w_.exec_lane = static_cast<LaneId>(row - 1);
  }

  LaneInfo info_here(ThreadIndex row) const {
    LaneInfo info;
    info.thread = row;
    info.name = field::thread_name(e_);
    info.kind = field::thread_lane(e_);
    info.timer = e_.timer;
    if (auto it = w_.timer_tasks.find(e_.timer); e_.timer != 0 && it != w_.timer_tasks.end())
      info.task = it->second;
    info.named_event = i_;
    return info;
  }

  // A row whose lane was made unnamed (a later row was named first): name
  // it once. Its lane keeps the gap's named_event, so lanes stay in order.
  void name_gap(ThreadIndex row) {
    const auto id = static_cast<LaneId>(row - 1);
    if (w_.lanes[id].named) return;
    w_.lanes[id].named = true;
    LaneData& lane = im_.lanes.mut(id);
    auto* late = new LaneInfo(info_here(row));
    late->named_event = lane.info.named_event;
    lane.named_late.store(late, std::memory_order_release);
    if (late->kind == Lane::Executor) w_.exec_lane = id;
  }

  TaskKey task_key(TaskId id, StringId name) {
    TaskWriter& tw = w_.tasks[id];
    if (tw.key != kNoIndex) return tw.key;
    tw.key = static_cast<TaskKey>(im_.tasks.writer_size());
    im_.tasks.push_back(TaskInfo{id, name, i_});
    return tw.key;
  }

  Origin origin_here(ArrowKind kind) const {
    std::uint32_t track = 0;
    if (lane_ && w_.lanes[*lane_].firing != kNoIndex) track = w_.lanes[*lane_].firing;
    return Origin{i_, t_, e_.thread, e_.waker, track, kind};
  }

  void task_spawned() {
    // A second spawn of an id within one runtime (a hand-made log) is a new task.
    w_.tasks[e_.task] = TaskWriter{};
    task_key(e_.task, field::task_name(e_));
    w_.spawned[e_.task] = origin_here(ArrowKind::Spawn);
  }

  void waker_woken() { w_.woken[e_.waker] = origin_here(ArrowKind::Wake); }

  void queue_push() {
    push_sample(im_, Counter::QueueLength, t_, i_, field::queue_length(e_));
    PendingArrow p;
    p.push_event = i_;
    p.push_t = t_;
    p.push_thread = e_.thread;
    Origin& from = e_.waker != 0 ? w_.woken[e_.waker] : w_.spawned[e_.task];
    p.from = std::exchange(from, Origin{});
    w_.queued.put(field::ticket(e_), p);
  }

  void queue_pop() {
    push_sample(im_, Counter::QueueLength, t_, i_, field::queue_length(e_));
    w_.popped = w_.queued.take(field::ticket(e_));
    w_.popped_task = e_.task;
    note_executor();
    if (lane_ && lane_ == w_.exec_lane) {
      w_.waiting = false;
      w_.holding = true; // from the pop to the poll's end the executor is busy with it
      if (w_.steps_owed > 0) --w_.steps_owed;
      settle_executor();
    }
  }

  void poll_begin() {
    note_executor();
    w_.in_poll = true;
    w_.waiting = false;
    settle_executor();
    w_.poll_arrow = kNoIndex;
    w_.poll_has_delay = false;
    const TaskKey key = task_key(e_.task, 0);
    const std::uint32_t number = ++w_.tasks[e_.task].polls;
    // The index the poll's span will have: nothing else closes on track 0
    // of this lane before its PollEnd.
    SpanRef ref;
    if (lane_) {
      const Track* tr = im_.lanes[*lane_].tracks[0].load(std::memory_order_relaxed);
      ref = SpanRef{*lane_, 0, static_cast<std::uint32_t>(tr ? tr->spans.writer_size() : 0)};
      // A poll already open (a log that never closed it) ends here.
      if (w_.lanes[*lane_].open[0]) {
        close(lane_, 0);
        ++ref.index;
      }
    }
    if (w_.popped.push_event != kNoEvent && w_.popped_task == e_.task) {
      const PendingArrow p = std::exchange(w_.popped, PendingArrow{});
      w_.poll_delay = t_ - std::min(t_, p.push_t);
      w_.poll_has_delay = true;
      push_sample(im_, Metric::ScheduledDelay,
                  SampleRef{w_.poll_delay, i_, lane_ ? ref : SpanRef{}, e_.task});
      if (p.from.has()) {
        Arrow a;
        a.kind = p.from.kind;
        a.from_event = p.from.event;
        a.from_t = p.from.t;
        a.from_thread = p.from.thread;
        a.waker = p.from.waker;
        a.from_track = p.from.track;
        a.push_event = p.push_event;
        a.push_t = p.push_t;
        a.push_thread = p.push_thread;
        a.to_event = i_;
        // Sorted by to_t for arrows_in: never before the previous arrow's end.
        const std::size_t na = im_.arrows.writer_size();
        a.to_t = na == 0 ? t_ : std::max(t_, im_.arrows[na - 1].to_t);
        a.to_thread = e_.thread;
        a.task = e_.task;
        a.poll = lane_ ? ref : SpanRef{};
        const auto index = static_cast<std::uint32_t>(im_.arrows.writer_size());
        TaskRecord& rec = im_.tasks.mut(key);
        im_.arrow_prev.push_back(rec.last_arrow.load(std::memory_order_relaxed));
        im_.push_arrow(a);
        rec.last_arrow.store(index, std::memory_order_release);
        const std::uint64_t len = a.to_t - std::min(a.to_t, a.from_t);
        im_.by_length[static_cast<std::size_t>(std::bit_width(len))].push_back(index);
        w_.poll_arrow = index;
      }
    }
    if (!lane_) return;
    LaneWriter& lw = w_.lanes[*lane_];
    Span s;
    s.kind = SpanKind::Poll;
    s.begin_t = std::max(t_, lw.last_end[0]);
    s.begin_event = i_;
    s.task = e_.task;
    s.poll_number = number;
    s.arrow = w_.poll_arrow;
    s.extra = w_.poll_has_delay ? w_.poll_delay : 0;
    lw.open[0] = s;
  }

  void poll_end() {
    w_.in_poll = false;
    w_.holding = false;
    std::optional<SpanRef> ref;
    if (lane_) {
      LaneWriter& lw = w_.lanes[*lane_];
      if (lw.open[0] && lw.open[0]->kind == SpanKind::Poll && lw.open[0]->task == e_.task) {
        lw.open[0]->ready = field::ready(e_);
        lw.open[0]->suspended_at = field::ready(e_) ? 0 : field::suspended_at(e_);
        const Track* tr = im_.lanes[*lane_].tracks[0].load(std::memory_order_relaxed);
        ref = SpanRef{*lane_, 0, static_cast<std::uint32_t>(tr ? tr->spans.writer_size() : 0)};
        close(lane_, 0);
      }
    }
    const TaskKey key = task_key(e_.task, 0);
    PollRecord p;
    if (ref && ref->lane < PollRecord::kNoLane) {
      p.lane = ref->lane;
      p.index = ref->index;
    }
    p.task = key;
    p.end_event = i_;
    p.duration = field::poll_duration_ns(e_);
    p.has_delay = w_.poll_has_delay ? 1 : 0;
    p.delay = w_.poll_has_delay ? w_.poll_delay : 0;
    w_.poll_has_delay = false;
    TaskRecord& rec = im_.tasks.mut(key);
    p.prev_of_task = rec.last_poll.load(std::memory_order_relaxed);
    const auto index = static_cast<std::uint32_t>(im_.polls.writer_size());
    im_.polls.push_back(p);
    rec.last_poll.store(index, std::memory_order_release);
    // The poll is the poll-duration histogram's sample: only its running
    // count is kept here.
    Histogram& h = w_.running[static_cast<std::size_t>(Metric::PollDuration)];
    h.add(p.duration);
    if (im_.polls.writer_size() % kCumulativeStride == 0)
      im_.series[static_cast<std::size_t>(Metric::PollDuration)].cumulative.push_back(h);
    settle_executor();
  }

  // The track this event's timer holds on its lane: its row, given it at
  // its first event here (a free row, else row 0 if unused, else a new one).
  std::uint32_t timer_track(LaneId lane) {
    LaneWriter& lw = w_.lanes[lane];
    if (auto it = lw.timer_track.find(e_.timer); it != lw.timer_track.end()) return it->second;
    std::uint32_t track = 0;
    if (!lw.free_tracks.empty()) {
      track = lw.free_tracks.back();
      lw.free_tracks.pop_back();
    } else if (lw.rows == 0 && im_.lanes[lane].current().kind != Lane::Executor) {
      lw.rows = 1; // row 0, track 0
    } else {
      lw.rows = std::max<std::uint32_t>(lw.rows, 1); // the executor's row 0 is its polls'
      track = new_row(lane);
    }
    lw.timer_track.emplace(e_.timer, track);
    im_.row_takes.push_back(RowTake{i_, lane, e_.timer, track});
    return track;
  }
  // A further row of the lane, published with its empty track.
  std::uint32_t new_row(LaneId lane) {
    LaneWriter& lw = w_.lanes[lane];
    const auto track = static_cast<std::uint32_t>(Timeline::row_track(lw.rows++));
    LaneData& ld = im_.lanes.mut(lane);
    ExtraRows* x = ld.extra.load(std::memory_order_relaxed);
    if (x == nullptr) {
      x = new ExtraRows;
      // Release: a reader that loads the pointer sees the empty list whole.
      ld.extra.store(x, std::memory_order_release);
    }
    x->rows.push_back(RowSlot{new Track, i_});
    lw.open.resize(track + 1);
    lw.last_end.resize(track + 1);
    return track;
  }

  // The counter counts threads serving at least one timer, as the fold's
  // Counters::live_timer_threads does: one thread per timer under the book,
  // the one driver thread under timer-thread (which starts every timer on it).
  void timer_started() {
    if (!lane_) {
      push_sample(im_, Counter::TimerThreads, t_, i_, ++w_.live_timers);
      return;
    }
    const bool first_on_thread = w_.lanes[*lane_].timer_track.empty();
    const std::uint32_t track = timer_track(*lane_);
    if (first_on_thread) push_sample(im_, Counter::TimerThreads, t_, i_, ++w_.live_timers);
    open_on(*lane_, track, SpanKind::TimerStarting);
  }
  void timer_waiting() {
    if (lane_)
      open_on(*lane_, timer_track(*lane_), SpanKind::TimerWaiting,
              field::deadline_ns(e_) + w_.offset);
  }
  void timer_fired() {
    if (!lane_) return;
    const std::uint32_t track = timer_track(*lane_);
    const auto& open = w_.lanes[*lane_].open[track];
    if (open && open->kind == SpanKind::TimerWaiting) {
      const std::uint64_t deadline = open->extra;
      const SpanRef ref{*lane_, track, next_span(im_, *lane_, track)};
      push_sample(im_, Metric::TimerLateness,
                  SampleRef{t_ - std::min(t_, deadline), i_, ref, e_.task});
    }
    open_on(*lane_, track, SpanKind::TimerFired);
    w_.lanes[*lane_].firing = track;
  }
  void timer_exited() {
    if (!lane_) {
      if (w_.live_timers > 0) push_sample(im_, Counter::TimerThreads, t_, i_, --w_.live_timers);
      return;
    }
    const std::uint32_t track = timer_track(*lane_);
    LaneWriter& lw = w_.lanes[*lane_];
    if (field::cancelled(e_) && lw.open[track]) lw.open[track]->cancelled = true;
    close(lane_, track);
    // The row is free for the lane's next timer.
    lw.timer_track.erase(e_.timer);
    lw.free_tracks.push_back(track);
    if (lw.firing == track) lw.firing = kNoIndex;
    if (lw.timer_track.empty() && w_.live_timers > 0)
      push_sample(im_, Counter::TimerThreads, t_, i_, --w_.live_timers);
  }

  Timeline::Impl& im_;
  Writer& w_;
  std::uint64_t i_;
  const Event& e_;
  std::uint64_t t_ = 0;
  std::optional<LaneId> lane_;
};

} // namespace

void Timeline::append(const Event& e) {
  Appender(*impl_, events_, e).run();
  ++events_;
}

} // namespace pollscope::fold
