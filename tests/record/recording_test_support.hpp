// Shared by the recording and trace-export suites: real runs on the virtual
// clock whose events are kept, and a scratch folder removed afterwards.
#pragma once

#include "runtime/executor.hpp"
#include "runtime/scenarios.hpp"
#include "runtime/support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <random>
#include <string>
#include <thread>

namespace pollscope::test {

// Runs `scenario` to the end (ScenarioParams as given) on `t`'s virtual
// clock; every event stays in `t.events()`. The run gets a thread of its own:
// the runtime caches a thread's table row per thread, keyed by the log's
// address, and a test's log can reuse the address of an earlier test's log,
// so a long-lived test thread could write rows the new log never named.
inline void run_scenario(TestRuntime& t, std::string_view scenario, ScenarioParams params = {}) {
  const Scenario* s = find_scenario(scenario);
  REQUIRE(s != nullptr);
  bool spawned = false;
  std::thread runner([&] {
    auto [executor, spawner] = executor_and_spawner(t.rt);
    spawned = s->spawn(spawner, params);
    spawner = Spawner{};
    executor.run();
  });
  runner.join();
  REQUIRE(spawned);
  (void)t.events();
}

// A fresh folder under the system temp dir, removed with everything in it.
struct ScratchDir {
  ScratchDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() /
           ("pollscope-rec-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::filesystem::path operator/(std::string_view name) const { return path / name; }
  std::filesystem::path path;
};

} // namespace pollscope::test
