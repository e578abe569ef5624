// log [M]: the event pipeline's costs, measured on their own.
//
//   append_ns_1p / _3p   EventLog::append, in ns of the producer thread's CPU
//                        time per event, with 1 and with 3 producers each
//                        appending M events while a consumer thread drains
//                        concurrently (as the GUI does). CPU time, not wall:
//                        on a 2-core machine 3 producers + a consumer share
//                        the cores, and a descheduled thread costs nothing.
//   append_wall_ns_*     wall time / all events appended: the throughput view.
//   emit_ns_1p           RuntimeContext::emit from a thread outside a poll:
//                        append plus the clock read and the lane lookup (what
//                        spawners and timer threads pay per event).
//   rmw_ns, clock_read_ns  the two floors the targets run into on this machine:
//                        one uncontended atomic fetch_add (every append claims
//                        its ticket with one; a self-wake claims a queue slot
//                        with one) and one read of the runtime's clock (a
//                        logged poll takes two).
//   fold_events_per_s    drain + fold: a log pre-filled with a recorded run
//                        (yield 1000x100 and 200 timers, every event logged)
//                        drained in batches of 4096 and folded, in events/s.
//   drain_events_per_s, fold_only_events_per_s: the two halves alone.
// Each figure is the median of 3 repetitions within the process.
#include "workloads.hpp"

#include "fold/fold.hpp"
#include "runtime/async.hpp"
#include "runtime/executor.hpp"
#include "runtime/ticks.hpp"
#include "runtime/timer_future.hpp"

#include <algorithm>
#include <barrier>
#include <bit>
#include <span>

namespace pollscope::bench {
namespace {

constexpr int kReps = 3;
constexpr std::size_t kBatch = 4096;

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct AppendResult {
  double cpu_ns_per_event = 0;  // mean over producers
  double wall_ns_per_event = 0; // wall of the whole run / all events
  std::uint64_t producer_waits = 0;
};

// `producers` threads append `m` events each into a default-sized log (the
// Controller's 1 Mi slots) while a LogConsumer drains it.
AppendResult append_run(unsigned producers, std::size_t m) {
  EventLog log;
  LogConsumer consumer(log);
  std::barrier start(producers + 1);
  std::vector<double> cpu_ns(producers, 0.0);
  std::vector<std::thread> threads;
  for (unsigned p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      Event e;
      e.kind = EventKind::PollBegin;
      e.lane = Lane::External;
      e.task = p + 1;
      start.arrive_and_wait();
      const std::uint64_t c0 = thread_cpu_ns();
      for (std::size_t i = 0; i < m; ++i) {
        e.t = i;
        log.append(e);
      }
      cpu_ns[p] = static_cast<double>(thread_cpu_ns() - c0);
    });
  }
  start.arrive_and_wait();
  const auto t0 = SteadyClock::now();
  for (auto& t : threads) t.join();
  const double wall = ns_since(t0);
  consumer.stop();
  AppendResult r;
  double sum = 0;
  for (double c : cpu_ns) sum += c / static_cast<double>(m);
  r.cpu_ns_per_event = sum / producers;
  r.wall_ns_per_event = wall / static_cast<double>(m * producers);
  r.producer_waits = log.producer_waits();
  return r;
}

// RuntimeContext::emit from one thread outside any poll (real clock, lane
// lookup, append), consumer draining.
double emit_run(std::size_t m) {
  BenchRuntime br(true);
  Event e;
  e.kind = EventKind::Output;
  const std::uint64_t c0 = thread_cpu_ns();
  for (std::size_t i = 0; i < m; ++i) {
    e.a = i;
    br.rt->emit(e);
  }
  return static_cast<double>(thread_cpu_ns() - c0) / static_cast<double>(m);
}

// CPU ns per uncontended fetch_add on a line only this thread touches.
double rmw_run(std::size_t m) {
  static std::atomic<std::uint64_t> counter{0};
  const std::uint64_t c0 = thread_cpu_ns();
  for (std::size_t i = 0; i < m; ++i) counter.fetch_add(1, std::memory_order_relaxed);
  return static_cast<double>(thread_cpu_ns() - c0) / static_cast<double>(m);
}

// CPU ns per RealClock::now_ns(), the clock every logged event is stamped with.
double clock_run(std::size_t m) {
  RealClock clock;
  std::uint64_t sink = 0;
  const std::uint64_t c0 = thread_cpu_ns();
  for (std::size_t i = 0; i < m; ++i) sink += clock.now_ns();
  const double ns = static_cast<double>(thread_cpu_ns() - c0) / static_cast<double>(m);
  return sink == 1 ? 0.0 : ns; // uses sink: the reads cannot be dropped
}

Async<void> yield_task(std::size_t k) {
  for (std::size_t i = 0; i < k; ++i) co_await yield_now();
}
Async<void> timer_task() { co_await TimerFuture(std::chrono::milliseconds(1)); }

// A realistic stream: every event of yield 1000x100 followed by 200 timers
// of 1 ms, from a real runtime, collected by a thread draining the log.
std::vector<Event> record_stream() {
  RealClock clock;
  StringTable strings;
  EventLog log(std::size_t{1} << 16);
  std::vector<Event> out;
  std::atomic<bool> done{false};
  std::thread collector([&] {
    while (!done.load(std::memory_order_acquire)) {
      if (log.drain(out, kBatch) == 0) (void)log.wait_readable(1);
    }
    while (log.drain(out) > 0) {
    }
  });
  {
    RuntimeContext::Options o;
    o.clock = &clock;
    o.strings = &strings;
    o.log = &log;
    RuntimeContext rt(o);
    {
      auto [executor, spawner] = bench_executor(rt);
      for (int i = 0; i < 1000; ++i) spawner.spawn(yield_task(100), "yield");
      spawner = Spawner{};
      executor.run();
    }
    {
      auto [executor, spawner] = bench_executor(rt);
      for (int i = 0; i < 200; ++i) spawner.spawn(timer_task(), "timer");
      spawner = Spawner{};
      executor.run();
    }
  } // timer threads joined: every event is in the log
  done.store(true, std::memory_order_release);
  collector.join();
  return out;
}

void fill(EventLog& log, const std::vector<Event>& events) {
  for (const Event& e : events) log.append(e);
}

} // namespace

Json log_bench(std::size_t m) {
  std::vector<double> a1, a1w, a3, a3w, emit, rmw, clock_read;
  std::uint64_t waits1 = 0, waits3 = 0;
  for (int r = 0; r < kReps; ++r) {
    const AppendResult one = append_run(1, m);
    a1.push_back(one.cpu_ns_per_event);
    a1w.push_back(one.wall_ns_per_event);
    waits1 += one.producer_waits;
    const AppendResult three = append_run(3, m);
    a3.push_back(three.cpu_ns_per_event);
    a3w.push_back(three.wall_ns_per_event);
    waits3 += three.producer_waits;
    emit.push_back(emit_run(m));
    rmw.push_back(rmw_run(m));
    clock_read.push_back(clock_run(m / 4));
  }

  const std::vector<Event> stream = record_stream();
  const double total = static_cast<double>(stream.size());
  EventLog log(std::bit_ceil(stream.size()));
  std::vector<Event> batch;
  batch.reserve(kBatch);
  std::vector<double> drain_fold, drain_only, fold_only;
  std::uint64_t checksum = 0;
  for (int r = 0; r < kReps; ++r) {
    fill(log, stream);
    fold::Fold f;
    auto t0 = SteadyClock::now();
    while (log.drain(batch, kBatch) > 0) {
      f.apply(std::span<const Event>(batch));
      batch.clear();
    }
    drain_fold.push_back(total / (ns_since(t0) / 1e9));
    checksum += f.state().log.events_applied;

    fill(log, stream);
    t0 = SteadyClock::now();
    while (log.drain(batch, kBatch) > 0) batch.clear();
    drain_only.push_back(total / (ns_since(t0) / 1e9));

    fold::Fold g;
    t0 = SteadyClock::now();
    g.apply(std::span<const Event>(stream));
    fold_only.push_back(total / (ns_since(t0) / 1e9));
    checksum += g.state().log.events_applied;
  }

  Json j;
  j["exec"] = "pollscope";
  j["workload"] = "log";
  j["m"] = m;
  j["append_ns_1p"] = round_to(median_of(a1), 2);
  j["append_ns_3p"] = round_to(median_of(a3), 2);
  j["append_wall_ns_1p"] = round_to(median_of(a1w), 2);
  j["append_wall_ns_3p"] = round_to(median_of(a3w), 2);
  j["producer_waits_1p"] = waits1 / kReps;
  j["producer_waits_3p"] = waits3 / kReps;
  j["emit_ns_1p"] = round_to(median_of(emit), 2);
  j["rmw_ns"] = round_to(median_of(rmw), 2);
  j["clock_read_ns"] = round_to(median_of(clock_read), 2);
  // What the runtime's clock reads: the TSC only where the kernel trusts it
  // (runtime/ticks.hpp); emit and yield --events depend on it.
  j["clock_ticks"] = tick_rate().tsc ? "tsc" : "steady_clock";
  j["stream_events"] = stream.size();
  j["fold_events_per_s"] = std::round(median_of(drain_fold));
  j["drain_events_per_s"] = std::round(median_of(drain_only));
  j["fold_only_events_per_s"] = std::round(median_of(fold_only));
  j["fold_ns_per_event"] = round_to(1e9 / median_of(drain_fold), 2);
  j["folded_events"] = checksum / (2 * kReps);
  j["vm_hwm_kb"] = vm_hwm_kb();
  return j;
}

} // namespace pollscope::bench
