// ScenarioFile: a scenario as data — the model of one assets/scenarios/*.json
// file and its parser. Files are untrusted input: the parser accepts only
// what the format below says, within hard limits, and every refusal names the
// file, the line and the field.
//
//   {
//     "name": "hello-world",                 // [a-z0-9-], unique
//     "summary": "one line for lists",       // optional (default: explanation)
//     "explanation": "one paragraph, shown on screen",
//     "order": 10,                           // optional: place in the picker
//     "defaults": {"capacity": 1, "clock": "virtual",    // optional, each key too
//                  "queue_policy": "notified", "timer_policy": "timer-thread",
//                  "count": 10000},              // --count's default ("instances": "count")
//     "compare": {                           // optional: a lesson, opened in compare mode
//       "a": {"queue_policy": "book"},       // optional, each key too (left out: the
//       "b": {"queue_policy": "notified"},   //   default, book / thread-per-timer)
//       "lesson": "what to watch, what differs, why"},
//     "tasks": [
//       {"name": "timer-{i}", "instances": "count", "steps": [...]},
//       {"name": "helper", "start": false, "steps": [...]}
//     ]
//   }
//
// A task is spawned once at load ("start", default true), `instances` times
// (a number, or "count": ScenarioParams::count, i.e. --count), or only by a
// "spawn" step of another task ("start": false). "{i}" in its name and in
// print texts is the instance number, from 1.
//
// "compare" (issue #14 §2): the same scenario under two policy sets, side A
// and side B, with the lesson's text. Sides A and B must differ; the lesson
// is required (it is the point of the section). Run headless, such a file
// runs compare mode unless --compare says otherwise (cli/cli.hpp).
//
// Steps (each an object with exactly one key):
//   {"print": "text"}          an Output line; "{i}", "{ms}" (last timer) substituted
//   {"timer_ms": 2000}         await a TimerFuture; or {"timer_ms": {"random": [200, 3000]}}:
//                              drawn at spawn from mt19937_64(ScenarioParams::seed)
//   {"yield": 3}               yield_now() that many times
//   {"join_ms": [500, 1500]}   join_all over one TimerFuture per duration
//   {"spawn": "helper"}        spawn that task (blocking, as the book's spawner)
//   {"repeat": {"times": 3, "steps": [...]}}
//   fault steps (runtime/fault_futures.hpp):
//   {"lose_waker": true}       Pending without storing the waker
//   {"double_wake": true}      wake two clones of the waker in one poll
//   {"block_ms": 1200}         block inside poll (virtual clock: time jumps)
//   {"wake_before_store_ms": 1000}  a timer whose wake races its waker's store
#pragma once

#include "policy.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pollscope {

// Hard limits: nothing a file says allocates or runs beyond these.
namespace scenario_limits {
inline constexpr std::size_t kMaxFileBytes = 256 * 1024;
inline constexpr std::size_t kMaxJsonDepth = 32;
inline constexpr std::size_t kMaxTasks = 64;
inline constexpr std::size_t kMaxSteps = 512; // per file, nested steps included
inline constexpr std::size_t kMaxRepeatDepth = 4;
inline constexpr std::uint64_t kMaxRepeat = 10000;
inline constexpr std::uint64_t kMaxYields = 10000;
inline constexpr std::uint64_t kMaxInstances = 1000; // a number; "count" follows --count
// "defaults": {"count": N}: --count's default for this file, in --count's own
// range (the 10,000-timers lesson). Tests and the app pass their own count.
inline constexpr std::uint64_t kMaxCount = 100000;
inline constexpr std::size_t kMaxJoin = 64;
inline constexpr std::uint64_t kMaxDurationMs = 24ull * 3600 * 1000; // a day
inline constexpr std::uint64_t kMaxBlockMs = 10000;
inline constexpr std::size_t kMaxCapacity = 10'000'000;
inline constexpr std::size_t kMaxNameBytes = 64;
inline constexpr std::size_t kMaxTextBytes = 4096;
inline constexpr std::uint64_t kMaxSpawnsPerRun = 10000; // "spawn" steps of one load
} // namespace scenario_limits

enum class StepKind : std::uint8_t {
  Print,
  Timer,
  Yield,
  Join,
  Spawn,
  Repeat,
  LoseWaker,
  DoubleWake,
  BlockPoll,
  WakeBeforeStore,
};
std::string_view to_string(StepKind k) noexcept; // the JSON key

struct ScenarioStep {
  StepKind kind = StepKind::Print;
  std::string text;                // Print
  std::uint64_t ms = 0;            // Timer, BlockPoll, WakeBeforeStore
  bool random = false;             // Timer: drawn in [lo_ms, ms]
  std::uint64_t lo_ms = 0;         // Timer (random)
  std::size_t slot = 0;            // Timer (random): its draw, in the task's walk order
  std::uint64_t count = 0;         // Yield, Repeat
  std::vector<std::uint64_t> join; // Join: one duration per timer
  std::size_t task = 0;            // Spawn: index into ScenarioModel::tasks
  std::vector<ScenarioStep> body;  // Repeat
};

struct ScenarioTaskSpec {
  std::string name;                  // may contain "{i}"
  bool start = true;                 // spawned at load
  std::uint64_t instances = 1;       // copies spawned at load
  bool instances_from_count = false; // "instances": "count"
  std::size_t random_slots = 0;      // random timer steps (each drawn once per instance)
  std::vector<ScenarioStep> steps;
};

struct ScenarioModel {
  std::string name;
  std::string summary;
  std::string explanation;
  std::int64_t order = 1000;
  std::optional<std::size_t> capacity;     // defaults
  std::optional<bool> virtual_clock;       // defaults: "clock"
  std::optional<QueuePolicy> queue_policy; // defaults: "queue_policy" (policy.hpp names)
  std::optional<TimerPolicy> timer_policy; // defaults: "timer_policy"
  std::optional<unsigned> count;           // defaults: "count" (--count's default)
  std::vector<ScenarioTaskSpec> tasks;
  std::optional<ScenarioCompare> compare; // "compare": a lesson opens in compare mode
  std::string source;                     // the file it came from ("" for text)
  bool spawns = false;                    // some step spawns a task
};

struct ScenarioParseResult {
  std::optional<ScenarioModel> model;
  std::string error; // when !model: "FILE:LINE: FIELD: what is wrong"
};

// Parses `text`; `origin` names it in messages (the path).
[[nodiscard]] ScenarioParseResult parse_scenario(std::string_view text, std::string_view origin);
// Reads and parses a file (refuses a missing, unreadable or oversized one).
[[nodiscard]] ScenarioParseResult load_scenario_model(const std::string& path);

} // namespace pollscope
