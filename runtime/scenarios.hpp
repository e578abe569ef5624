// Scenarios: named workloads a user can load by name (CLI --scenario, the
// GUI's scenario picker). Every scenario is a file (see scenario_file.hpp):
// the bundled ones in assets/scenarios/, found at first use, and any the user
// loads (--scenario-file, File -> Open scenario). Each spawns real tasks
// through a Spawner (scenario_runner.hpp).
//
// Where the bundled files are found, first match wins:
//   1. $POLLSCOPE_SCENARIOS, if set;
//   2. <dir of the executable>/../share/pollscope/scenarios (the installed app);
//   3. the source tree's assets/scenarios (the build tree).
//
// Threading contract: every function may be called from any thread. The
// registry only grows, into storage reserved once, and an entry never changes
// after it is published: a span or pointer handed out stays valid and
// immutable for the life of the process.
#pragma once

#include "policy.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pollscope {

class Spawner;

struct ScenarioParams {
  unsigned count = 10;    // tasks with "instances": "count" (--count)
  std::uint64_t seed = 1; // random durations' seed (--seed)
};

struct Scenario {
  std::string name;
  std::string summary;                 // one line, for --list-scenarios and the picker's tooltip
  std::string explanation;             // one paragraph, shown on screen
  std::string source;                  // the file it was read from
  std::optional<std::size_t> capacity; // the file's defaults, if it sets them
  std::optional<bool> virtual_clock;
  std::optional<QueuePolicy> queue_policy; // the file's defaults (policy.hpp)
  std::optional<TimerPolicy> timer_policy;
  std::optional<unsigned> count;          // --count's default (ScenarioParams::count)
  std::optional<ScenarioCompare> compare; // a lesson: opens in compare mode (scenario_file.hpp)
  // Spawns the scenario's tasks; returns false if the queue was full (try_spawn).
  std::function<bool(Spawner&, const ScenarioParams&)> spawn;
};

inline constexpr std::size_t kMaxScenarios = 256; // bundled + loaded, for the process

[[nodiscard]] std::span<const Scenario> scenarios();
[[nodiscard]] const Scenario* find_scenario(std::string_view name);

struct ScenarioLoad {
  const Scenario* scenario = nullptr; // null: see error
  std::string error;                  // "FILE:LINE: FIELD: what is wrong"
};
// Reads, checks and registers a scenario file. Loading a file whose name is
// already registered from another file or with other contents registers it
// as "NAME-2" (then -3, ...): entries never change once published.
[[nodiscard]] ScenarioLoad load_scenario_file(const std::string& path);

// The folder the bundled scenarios came from ("" if none was found), and the
// bundled files that were refused (one message each).
[[nodiscard]] std::string scenarios_dir();
[[nodiscard]] std::vector<std::string> scenario_load_errors();

} // namespace pollscope
