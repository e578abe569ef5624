// The scenario interpreter: turns a ScenarioModel's tasks into real coroutine
// tasks on the real executor. Every step is an ordinary `co_await` of a real
// future (TimerFuture, YieldNow, JoinAll, the fault futures), so what the GUI
// shows for a file-defined task is what it shows for hand-written C++.
//
// Threading: spawn_model may be called from any thread that may use the
// Spawner; the tasks it spawns run on the executor like any other.
#pragma once

#include "scenario_file.hpp"
#include "scenarios.hpp"

#include <memory>

namespace pollscope {

// Spawns every task with "start" (try_spawn: never blocks). False when the
// queue filled up first (the tasks spawned so far stay).
[[nodiscard]] bool spawn_model(const std::shared_ptr<const ScenarioModel>& model, Spawner& spawner,
                               const ScenarioParams& params);

} // namespace pollscope
