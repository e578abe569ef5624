// seek [E] [T] [S]: the history a user drags the bar across. T tasks each
// yield until the real runtime has logged about E events, all drained by the
// record layer's FoldPump (fold, store, checkpoints: what the app does), then
// S seeks of a Cursor to random events: the time each takes (p50/p99/max),
// and what the checkpoints cost in memory next to the store. The pump's rate
// (fold_mevents_per_s: wall; fold_cpu_mevents_per_s: the pump thread's CPU)
// covers fold + timeline + store + checkpoints; timeline_bytes is the
// timeline index's own count (peak RSS holds it with the store and the log).
#include "workloads.hpp"

#include "record/cursor.hpp"
#include "record/fold_pump.hpp"
#include "runtime/async.hpp"
#include "runtime/executor.hpp"

#include <algorithm>
#include <random>
#include <vector>

namespace pollscope::bench {
namespace {

Async<void> yield_task(std::size_t k) {
  for (std::size_t i = 0; i < k; ++i) co_await yield_now();
}

// Events a yield poll logs: pop, begin, wake_by_ref, push, end.
constexpr std::size_t kEventsPerPoll = 5;

} // namespace

Json seek_bench(std::size_t events, std::size_t tasks, std::size_t seeks) {
  RealClock clock;
  StringTable strings;
  EventLog log(std::size_t{1} << 20);
  const std::size_t yields = std::max<std::size_t>(1, events / (tasks * kEventsPerPoll));
  record::FoldPump pump(log);
  const auto t0 = SteadyClock::now();
  {
    RuntimeContext rt({&clock, &strings, &log, false});
    auto [executor, spawner] = bench_executor(rt);
    for (std::size_t i = 0; i < tasks; ++i) spawner.spawn(yield_task(yields), "yield");
    spawner = Spawner{};
    executor.run();
  }
  pump.stop(); // every event folded, stored and checkpointed
  const double record_ms = ns_since(t0) / 1e6;
  const record::Snapshot& snap = pump.latest();
  const std::size_t n = snap.events.count;

  record::Cursor cursor(pump.store(), pump.checkpoints());
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::size_t> any(0, n);
  std::vector<double> ms, cpu_ms; // wall, and this thread's CPU (immune to a busy machine)
  ms.reserve(seeks);
  cpu_ms.reserve(seeks);
  std::uint64_t sink = 0;
  for (std::size_t s = 0; s < seeks; ++s) {
    const std::size_t i = any(rng);
    const auto s0 = SteadyClock::now();
    const std::uint64_t c0 = thread_cpu_ns();
    sink += cursor.seek(i, n).log.events_applied;
    cpu_ms.push_back(static_cast<double>(thread_cpu_ns() - c0) / 1e6);
    ms.push_back(ns_since(s0) / 1e6);
  }

  std::sort(ms.begin(), ms.end());
  std::sort(cpu_ms.begin(), cpu_ms.end());
  const std::size_t store_bytes = record::EventStore::bytes(n);
  const std::size_t cp_bytes = pump.checkpoints().bytes();
  Json j;
  j["exec"] = "pollscope";
  j["workload"] = "seek";
  j["events"] = n;
  j["tasks"] = tasks;
  j["seeks"] = seeks;
  j["seek_p50_ms"] = round_to(percentile(ms, 50), 3);
  j["seek_p99_ms"] = round_to(percentile(ms, 99), 3);
  j["seek_max_ms"] = round_to(ms.back(), 3);
  j["seek_cpu_p50_ms"] = round_to(percentile(cpu_ms, 50), 3);
  j["seek_cpu_p99_ms"] = round_to(percentile(cpu_ms, 99), 3);
  j["checkpoints"] = pump.checkpoints().count();
  j["checkpoint_bytes"] = cp_bytes;
  j["store_bytes"] = store_bytes;
  j["checkpoint_ratio"] =
      round_to(static_cast<double>(cp_bytes) / static_cast<double>(store_bytes), 4);
  j["state_bytes_at_end"] = record::approx_bytes(snap.state);
  j["record_ms"] = round_to(record_ms, 1); // run + drain + fold + store + checkpoints
  j["fold_mevents_per_s"] =
      round_to(static_cast<double>(n) / (static_cast<double>(pump.stats().fold_ns) / 1e3), 2);
  j["fold_cpu_mevents_per_s"] =
      round_to(static_cast<double>(n) / (static_cast<double>(pump.stats().fold_cpu_ns) / 1e3), 2);
  // The timeline's index (fold/timeline.hpp), counted element by element.
  j["timeline_bytes"] = pump.timeline().bytes();
  j["timeline_bytes_per_event"] =
      round_to(static_cast<double>(pump.timeline().bytes()) / static_cast<double>(n), 1);
  j["check"] = sink > 0 ? "ok" : "empty";
  j["vm_hwm_kb"] = vm_hwm_kb();
  return j;
}

} // namespace pollscope::bench
