// spawn N: spawn, poll and drop N trivial tasks (`async {}`: a coroutine that
// returns at once). As in the anchor's `book spawn`, a producer thread spawns
// while run() drains the bounded queue on the main thread: spawning 1M tasks
// before run() would block at task 10001, as the book does.
#include "workloads.hpp"

#include "runtime/async.hpp"
#include "runtime/executor.hpp"

#include <stdexcept>
#include <thread>
#include <pthread.h>
#include <cstdlib>
// PIN_HACK

namespace pollscope::bench {
namespace {

Async<void> empty_task() { co_return; }

} // namespace

Json spawn_bench(std::size_t n, bool events) {
  BenchRuntime br(events);
  auto [executor, spawner] = bench_executor(*br.rt);
  const auto t0 = SteadyClock::now();
  const std::uint64_t c0 = process_cpu_ns();
  const bool pin = std::getenv("PIN") != nullptr;
  auto pin_to = [](int cpu) { cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu, &s); pthread_setaffinity_np(pthread_self(), sizeof s, &s); };
  if (pin) pin_to(0);
  std::thread producer([sp = std::move(spawner), n, pin, pin_to]() mutable {
    if (pin) pin_to(1);
    for (std::size_t i = 0; i < n; ++i) sp.spawn(empty_task(), "empty");
    sp = Spawner{}; // the last sender but the tasks': run() can finish
  });
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
