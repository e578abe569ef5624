// The timeline's packed storage (fold/timeline_impl.hpp): what goes in comes
// back whole. Arrows the 64-byte record cannot hold (a push on another
// thread than the wake, a wake queued for more than 2^32 ns, a poll with no
// lane) are kept aside and must read back exactly as packed ones do; spans,
// polls and counter samples must survive the chunk boundaries of their
// AppendOnly arrays.
#include "fold/timeline.hpp"

#include <doctest/doctest.h>

#include <vector>

namespace pollscope::fold {
namespace {

struct Log {
  Timeline tl;
  std::vector<Event> events;
  std::uint64_t add(EventKind k, std::uint64_t t, ThreadIndex thread, TaskId task = 0,
                    WakerId waker = 0, std::uint64_t a = 0, std::uint64_t b = 0,
                    std::uint8_t flags = 0) {
    Event e;
    e.kind = k;
    e.t = t;
    e.thread = thread;
    e.task = task;
    e.waker = waker;
    e.a = a;
    e.b = b;
    e.flags = flags;
    tl.append(e);
    events.push_back(e);
    return events.size() - 1;
  }
};

TEST_CASE("arrows the packed record cannot hold read back whole, like the packed ones") {
  Log g;
  g.add(EventKind::ThreadNamed, 0, 1, 0, 0, 0, static_cast<std::uint64_t>(Lane::Executor));
  g.add(EventKind::ThreadNamed, 0, 2, 0, 0, 0, static_cast<std::uint64_t>(Lane::Control));
  g.add(EventKind::ThreadNamed, 0, 3, 0, 0, 0, static_cast<std::uint64_t>(Lane::Timer));
  std::uint64_t ticket = 0;
  struct Want {
    std::uint64_t from, push, to, from_t, push_t, to_t;
    ThreadIndex from_thread, push_thread, to_thread;
    TaskId task;
    WakerId waker;
    ArrowKind kind;
  };
  std::vector<Want> want;
  // One arrow: from (spawn or wake) -> push -> pop -> poll, at the times given.
  auto arrow = [&](ArrowKind kind, TaskId task, WakerId waker, ThreadIndex from_thread,
                   ThreadIndex push_thread, ThreadIndex poll_thread, std::uint64_t t_from,
                   std::uint64_t t_push, std::uint64_t t_poll) {
    const std::uint64_t from = kind == ArrowKind::Spawn
                                   ? g.add(EventKind::TaskSpawned, t_from, from_thread, task)
                                   : g.add(EventKind::WakerWoken, t_from, from_thread, task, waker);
    const std::uint64_t push = g.add(EventKind::QueuePush, t_push, push_thread, task,
                                     kind == ArrowKind::Spawn ? 0 : waker, ticket, 1);
    g.add(EventKind::QueuePop, t_poll, poll_thread, task, 0, ticket++, 0);
    const std::uint64_t to = g.add(EventKind::PollBegin, t_poll, poll_thread, task);
    g.add(EventKind::PollEnd, t_poll + 5, poll_thread, task, 0, 5, 0, kFlagReady);
    want.push_back({from, push, to, t_from, t_push, t_poll, from_thread, push_thread, poll_thread,
                    task, kind == ArrowKind::Spawn ? 0 : waker, kind});
  };
  arrow(ArrowKind::Spawn, 1, 0, 2, 2, 1, 10, 11, 20); // packed
  arrow(ArrowKind::Wake, 1, 7, 3, 1, 1, 30, 31, 40);  // pushed on another thread
  arrow(ArrowKind::Wake, 1, 7, 1, 1, 1, 50, 50 + (1ull << 33), 9'000'000'000); // queued 8.6 s
  arrow(ArrowKind::Wake, 1, 7, 1, 1, 0, 10'000'000'000, 10'000'000'001,
        10'000'000'002); // polled on no known thread: no lane
  arrow(ArrowKind::Wake, 1, 7, 1, 1, 1, 10'000'000'010, 10'000'000'011, 10'000'000'020); // packed
  const std::uint64_t n = g.events.size();
  REQUIRE(g.tl.arrow_count(n) == want.size());
  for (std::size_t k = 0; k < want.size(); ++k) {
    CAPTURE(k);
    const Arrow a = g.tl.arrow(k);
    const Want& w = want[k];
    CHECK(a.kind == w.kind);
    CHECK(a.from_event == w.from);
    CHECK(a.push_event == w.push);
    CHECK(a.to_event == w.to);
    CHECK(a.from_t == w.from_t);
    CHECK(a.push_t == w.push_t);
    CHECK(a.to_t == w.to_t);
    CHECK(a.from_thread == w.from_thread);
    CHECK(a.push_thread == w.push_thread);
    CHECK(a.to_thread == w.to_thread);
    CHECK(a.task == w.task);
    CHECK(a.waker == w.waker);
    if (w.to_thread == 0) {
      CHECK(a.poll.lane == kNoIndex);
    } else {
      const std::optional<Span> poll = g.tl.find_span(a.poll, n);
      REQUIRE(poll.has_value());
      CHECK(poll->begin_event == w.to);
      CHECK(poll->arrow == k);
    }
  }
  // The scan over time finds packed and whole ones alike.
  std::vector<std::uint32_t> in;
  g.tl.arrows_in(0, UINT64_MAX - 1, n, in);
  CHECK(in.size() == want.size());
  g.tl.arrows_in(9'000'000'000, 9'000'000'000, n, in); // inside the 8.6 s one only
  REQUIRE(in.size() == 1);
  CHECK(in[0] == 2);
  // The task's arrows, oldest first.
  const std::optional<TaskKey> task = g.tl.find_task(1, n);
  REQUIRE(task.has_value());
  g.tl.arrows_of(*task, n, in);
  CHECK(in == std::vector<std::uint32_t>{0, 1, 2, 3, 4});
}

TEST_CASE("spans, polls and counter samples read back whole across their storage's chunks") {
  // 5,000 polls: the AppendOnly chunks of 16, 32, 64 ... elements end many
  // times over (the 4,096-element boundary among them).
  Log g;
  g.add(EventKind::ThreadNamed, 0, 1, 0, 0, 0, static_cast<std::uint64_t>(Lane::Executor));
  constexpr std::size_t kPolls = 5000;
  std::uint64_t t = 100;
  for (std::size_t p = 0; p < kPolls; ++p) {
    const auto task = static_cast<TaskId>(p % 7 + 1);
    g.add(EventKind::QueuePush, t, 1, task, task, p, 1);
    g.add(EventKind::QueuePop, t + 1, 1, task, 0, p, 0);
    g.add(EventKind::PollBegin, t + 2, 1, task);
    g.add(EventKind::PollEnd, t + 2 + p, 1, task, 0, p, 0, p % 2 != 0 ? kFlagReady : 0);
    t += 10 + p;
  }
  const std::uint64_t n = g.events.size();
  REQUIRE(g.tl.span_count(0, 0, n) == kPolls);
  std::uint64_t expect_t = 100;
  for (std::size_t p = 0; p < kPolls; ++p) {
    CAPTURE(p);
    const Span s = g.tl.span(0, 0, p);
    CHECK(s.kind == SpanKind::Poll);
    CHECK(s.begin_t == expect_t + 2);
    CHECK(s.end_t == expect_t + 2 + p);
    CHECK(s.begin_event == 4 * p + 3);
    CHECK(s.end_event == 4 * p + 4);
    CHECK(s.task == p % 7 + 1);
    CHECK(s.poll_number == p / 7 + 1);
    CHECK(s.ready == (p % 2 != 0));
    CHECK(s.extra == 2); // the scheduled delay, push -> poll
    expect_t += 10 + p;
  }
  // The poll-duration histogram's samples are the polls.
  const Histogram h = g.tl.histogram(Metric::PollDuration, n);
  CHECK(h.total == kPolls);
  CHECK(h.max == kPolls - 1);
  std::vector<SampleRef> refs;
  std::size_t seen = 0;
  for (std::size_t b = 0; b < Histogram::kBuckets; ++b) {
    g.tl.in_bucket(Metric::PollDuration, b, n, std::nullopt, refs);
    for (const SampleRef& r : refs) {
      const Span s = g.tl.span(r.span);
      CHECK(r.event == s.end_event);
      CHECK(r.task == s.task);
      CHECK(r.value == s.duration());
      ++seen;
    }
  }
  CHECK(seen == kPolls);
  // Counter samples: one per push and per pop, each with its event.
  REQUIRE(g.tl.sample_count(Counter::QueueLength, n) == 2 * kPolls);
  for (std::size_t i = 0; i < 2 * kPolls; ++i) {
    const CounterSample c = g.tl.sample(Counter::QueueLength, i);
    CHECK(c.event == 4 * (i / 2) + 1 + i % 2);
    CHECK(c.value == (i % 2 == 0 ? 1 : 0));
  }
}

} // namespace
} // namespace pollscope::fold
