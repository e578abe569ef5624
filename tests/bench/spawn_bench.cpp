// spawn N: spawn, poll and drop N trivial tasks (`async {}`: a coroutine that
// returns at once). As in the anchor's `book spawn`, a producer thread spawns
// while run() drains the bounded queue on the main thread: spawning 1M tasks
// before run() would block at task 10001, as the book does.
//
// --pin-cores puts the executor on CPU 0 and the spawner on CPU 1. Unpinned,
// the scheduler runs the two on one core (they take turns, a queue-full at a
// time) or on two (every task's memory crosses between the cores) from run
// to run, and the two regimes differ several times over; pinned, a run
// measures the second alone, so two builds can be compared on it.
#include "workloads.hpp"

#include "runtime/async.hpp"
#include "runtime/executor.hpp"

#include <pthread.h>
#include <sched.h>

#include <stdexcept>
#include <string>
#include <thread>

namespace pollscope::bench {
namespace {

Async<void> empty_task() { co_return; }

// Pins `thread` to `cpu`; throws if it cannot (a machine with one CPU).
void pin(pthread_t thread, int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (const int e = pthread_setaffinity_np(thread, sizeof set, &set); e != 0)
    throw std::runtime_error("spawn --pin-cores: cannot pin a thread to CPU " +
                             std::to_string(cpu) + " (error " + std::to_string(e) + ")");
}

} // namespace

Json spawn_bench(std::size_t n, bool events, bool pin_cores) {
  BenchRuntime br(events);
  auto [executor, spawner] = bench_executor(*br.rt);
  const auto t0 = SteadyClock::now();
  const std::uint64_t c0 = process_cpu_ns();
  if (pin_cores) {
    pin(pthread_self(), 0);
    pin(pthread_self(), 1); // the spawner inherits it; the executor goes back to 0 below
  }
  std::thread producer([sp = std::move(spawner), n]() mutable {
    for (std::size_t i = 0; i < n; ++i) sp.spawn(empty_task(), "empty");
    sp = Spawner{}; // the last sender but the tasks': run() can finish
  });
  if (pin_cores) pin(pthread_self(), 0); // checked on CPU 0 above: cannot fail now
  const std::uint64_t polls = executor.run();
  producer.join();
  const double ns = ns_since(t0);
  const auto cpu = static_cast<double>(process_cpu_ns() - c0);
  if (polls != n)
    throw std::runtime_error("spawn: " + std::to_string(polls) + " polls for " + std::to_string(n) +
                             " tasks");

  Json j;
  j["exec"] = "pollscope";
  j["workload"] = "spawn";
  j["n"] = n;
  j["events"] = events;
  j["wall_ms"] = round_to(ns / 1e6, 3);
  j["ns_per_task"] = round_to(ns / static_cast<double>(n), 2);
  // CPU time of the whole process per task (producer + executor, and the
  // consumer with --events): what the wall time would be on one core.
  j["cpu_ns_per_task"] = round_to(cpu / static_cast<double>(n), 2);
  if (events) {
    br.consumer->stop();
    j["events_logged"] = br.log->appended();
    j["events_per_task"] =
        round_to(static_cast<double>(br.log->appended()) / static_cast<double>(n), 2);
    j["producer_waits"] = br.log->producer_waits();
  }
  j["vm_hwm_kb"] = vm_hwm_kb();
  return j;
}

} // namespace pollscope::bench
