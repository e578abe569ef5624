// Scenarios: named workloads a user can load by name (CLI --scenario, the
// GUI's scenario picker). Each one spawns tasks through a Spawner.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

namespace pollscope {

class Spawner;

struct ScenarioParams {
  unsigned count = 10;        // random-timers: how many timer tasks
  std::uint64_t seed = 1;     // random-timers: the durations' seed
  std::uint64_t min_ms = 200; // random-timers: duration range
  std::uint64_t max_ms = 3000;
};

struct Scenario {
  std::string_view name;
  std::string_view summary; // one line, for --list-scenarios and the picker's tooltip
  // Spawns the scenario's tasks; returns false if the queue was full (try_spawn).
  std::function<bool(Spawner&, const ScenarioParams&)> spawn;
};

[[nodiscard]] std::span<const Scenario> scenarios();
[[nodiscard]] const Scenario* find_scenario(std::string_view name);

} // namespace pollscope
