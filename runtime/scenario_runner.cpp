#include "scenario_runner.hpp"

#include "async.hpp"
#include "executor.hpp"
#include "fault_futures.hpp"
#include "timer_future.hpp"

#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace pollscope {
namespace {

using std::chrono::milliseconds;

// Shared by every task of one load: the model, the seed, the spawn budget.
struct Run {
  std::shared_ptr<const ScenarioModel> model;
  std::uint64_t seed = 1;
  std::atomic<std::uint64_t> spawns{0}; // "spawn" steps carried out
};

// One spawned copy of a task spec.
struct Instance {
  std::shared_ptr<Run> run;
  std::size_t task = 0;
  std::uint64_t number = 1;           // "{i}"
  std::vector<std::uint64_t> randoms; // one per random timer step (its slot)
  std::uint64_t last_ms = 0;          // "{ms}"
  Spawner spawner;                    // only when the model spawns
};

std::string substitute(std::string_view text, const Instance& in) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "{i}") == 0) {
      out += std::to_string(in.number);
      i += 2;
    } else if (text.compare(i, 4, "{ms}") == 0) {
      out += std::to_string(in.last_ms);
      i += 3;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string instance_name(const ScenarioTaskSpec& spec, std::uint64_t number) {
  Instance in;
  in.number = number;
  return substitute(spec.name, in);
}

void draw_randoms(const std::vector<ScenarioStep>& steps, std::vector<std::uint64_t>& out,
                  std::mt19937_64& rng) {
  for (const ScenarioStep& s : steps) {
    if (s.kind == StepKind::Timer && s.random) {
      std::uniform_int_distribution<std::uint64_t> ms(s.lo_ms, s.ms);
      out[s.slot] = ms(rng);
    } else if (s.kind == StepKind::Repeat) {
      draw_randoms(s.body, out, rng);
    }
  }
}

std::unique_ptr<Instance> make_instance(const std::shared_ptr<Run>& run, std::size_t task,
                                        std::uint64_t number, std::mt19937_64& rng,
                                        const Spawner& spawner) {
  auto in = std::make_unique<Instance>();
  in->run = run;
  in->task = task;
  in->number = number;
  const ScenarioTaskSpec& spec = run->model->tasks[task];
  in->randoms.assign(spec.random_slots, 0);
  draw_randoms(spec.steps, in->randoms, rng);
  if (run->model->spawns) in->spawner = spawner;
  return in;
}

Async<void> run_task(std::unique_ptr<Instance> in);

Async<void> run_steps(const std::vector<ScenarioStep>& steps, Instance& in) {
  for (const ScenarioStep& s : steps) {
    switch (s.kind) {
    case StepKind::Print: print(substitute(s.text, in)); break;
    case StepKind::Timer:
      in.last_ms = s.random ? in.randoms[s.slot] : s.ms;
      co_await TimerFuture(milliseconds(in.last_ms));
      break;
    case StepKind::Yield:
      for (std::uint64_t i = 0; i < s.count; ++i) co_await yield_now();
      break;
    case StepKind::Join: {
      std::vector<TimerFuture> timers;
      timers.reserve(s.join.size());
      for (std::uint64_t ms : s.join) timers.emplace_back(milliseconds(ms));
      co_await join_all(std::move(timers));
      break;
    }
    case StepKind::Spawn: {
      const ScenarioTaskSpec& spec = in.run->model->tasks[s.task];
      const std::uint64_t n = in.run->spawns.fetch_add(1, std::memory_order_relaxed) + 1;
      if (n > scenario_limits::kMaxSpawnsPerRun || !in.spawner.valid()) {
        print("spawn of " + spec.name + " refused: the scenario's spawn budget (" +
              std::to_string(scenario_limits::kMaxSpawnsPerRun) + ") is spent");
        break;
      }
      // Its random durations come from a stream of their own, so a spawn's
      // timing never shifts the draws of the tasks spawned at load.
      std::mt19937_64 rng(in.run->seed + n * 0x9E3779B97F4A7C15ull);
      auto child = make_instance(in.run, s.task, n, rng, in.spawner);
      // Blocking, as the book's spawner: on a full queue the executor waits
      // on its own queue (that is a fault scenario, not a bug here).
      (void)in.spawner.spawn(run_task(std::move(child)), instance_name(spec, n));
      break;
    }
    case StepKind::Repeat:
      for (std::uint64_t i = 0; i < s.count; ++i) co_await run_steps(s.body, in);
      break;
    case StepKind::LoseWaker: co_await LostWakerFuture{}; break;
    case StepKind::DoubleWake: co_await DoubleWakeFuture{}; break;
    case StepKind::BlockPoll: co_await BlockingPollFuture(milliseconds(s.ms)); break;
    case StepKind::WakeBeforeStore:
      in.last_ms = s.ms;
      co_await WakeBeforeStoreFuture(milliseconds(s.ms));
      break;
    }
  }
}

Async<void> run_task(std::unique_ptr<Instance> in) {
  co_await run_steps(in->run->model->tasks[in->task].steps, *in);
  in->spawner = Spawner{}; // done spawning: hold no sender longer than needed
}

} // namespace

bool spawn_model(const std::shared_ptr<const ScenarioModel>& model, Spawner& spawner,
                 const ScenarioParams& params) {
  auto run = std::make_shared<Run>();
  run->model = model;
  run->seed = params.seed;
  std::mt19937_64 rng(params.seed);
  for (std::size_t t = 0; t < model->tasks.size(); ++t) {
    const ScenarioTaskSpec& spec = model->tasks[t];
    if (!spec.start) continue;
    const std::uint64_t copies = spec.instances_from_count ? params.count : spec.instances;
    for (std::uint64_t i = 1; i <= copies; ++i) {
      auto in = make_instance(run, t, i, rng, spawner);
      if (spawner.try_spawn(run_task(std::move(in)), instance_name(spec, i)) != SendResult::Ok)
        return false;
    }
  }
  return true;
}

} // namespace pollscope
