#include "scenarios.hpp"

#include "async.hpp"
#include "executor.hpp"
#include "timer_future.hpp"

#include <array>
#include <chrono>
#include <random>
#include <string>

namespace pollscope {
namespace {

using namespace std::chrono_literals;

// The book's test, line for line.
Async<void> hello_world() {
  print("Hello");
  co_await TimerFuture(2s);
  print("World");
}

Async<void> wait_and_report(std::chrono::milliseconds d, unsigned index) {
  co_await TimerFuture(d);
  print("timer " + std::to_string(index) + " done after " + std::to_string(d.count()) + " ms");
}

Async<void> yielder(unsigned index, unsigned times) {
  for (unsigned i = 0; i < times; ++i) co_await yield_now();
  print("yielder " + std::to_string(index) + " done after " + std::to_string(times) + " yields");
}

Async<void> join_three() {
  print("waiting for three timers at once");
  std::vector<TimerFuture> timers;
  timers.emplace_back(500ms);
  timers.emplace_back(1500ms);
  timers.emplace_back(1000ms);
  co_await join_all(std::move(timers));
  print("all three timers done");
}

bool spawn_hello(Spawner& s, const ScenarioParams&) {
  return s.try_spawn(hello_world(), "hello-world") == SendResult::Ok;
}

bool spawn_random_timers(Spawner& s, const ScenarioParams& p) {
  std::mt19937_64 rng(p.seed);
  std::uniform_int_distribution<std::uint64_t> ms(p.min_ms, p.max_ms);
  for (unsigned i = 1; i <= p.count; ++i) {
    const auto d = std::chrono::milliseconds(ms(rng));
    if (s.try_spawn(wait_and_report(d, i), "timer-" + std::to_string(i)) != SendResult::Ok)
      return false;
  }
  return true;
}

bool spawn_yielders(Spawner& s, const ScenarioParams&) {
  for (unsigned i = 1; i <= 3; ++i) {
    if (s.try_spawn(yielder(i, 3), "yielder-" + std::to_string(i)) != SendResult::Ok) return false;
  }
  return true;
}

bool spawn_join(Spawner& s, const ScenarioParams&) {
  return s.try_spawn(join_three(), "join-three") == SendResult::Ok;
}

const std::array<Scenario, 4> kScenarios = {{
    {"hello-world", "The book's test: print Hello, await a 2 s TimerFuture, print World.",
     spawn_hello},
    {"random-timers", "N tasks, each awaiting a TimerFuture of a random (seeded) duration.",
     spawn_random_timers},
    {"yielders", "Three tasks that each yield three times: the run queue takes turns.",
     spawn_yielders},
    {"join", "One task awaits three timers at once with join_all: three wakers, one task.",
     spawn_join},
}};

} // namespace

std::span<const Scenario> scenarios() { return kScenarios; }

const Scenario* find_scenario(std::string_view name) {
  for (const Scenario& s : kScenarios) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

} // namespace pollscope
