// The scenario file format: what the parser accepts, and a table of the
// malformed files it refuses, each with the message a user sees (the file,
// the line, the field).
#include "runtime/scenario_file.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace pollscope;

namespace {

std::string error_of(const std::string& text) {
  const ScenarioParseResult r = parse_scenario(text, "bad.json");
  CHECK_FALSE(r.model.has_value());
  return r.error;
}

} // namespace

TEST_CASE("a minimal scenario file parses into its name, explanation and steps") {
  const ScenarioParseResult r = parse_scenario(R"({
    "name": "mini", "explanation": "One task.",
    "defaults": {"capacity": 4, "clock": "virtual"},
    "tasks": [{"name": "t", "steps": [
      {"print": "a"}, {"timer_ms": 5}, {"yield": 2}, {"join_ms": [1, 2]},
      {"repeat": {"times": 2, "steps": [{"timer_ms": {"random": [1, 9]}}]}},
      {"spawn": "u"}, {"lose_waker": true}, {"double_wake": true},
      {"block_ms": 10}, {"wake_before_store_ms": 3}]},
      {"name": "u", "start": false, "steps": []}]
  })",
                                               "mini.json");
  REQUIRE_MESSAGE(r.model.has_value(), r.error);
  const ScenarioModel& m = *r.model;
  CHECK(m.name == "mini");
  CHECK(m.summary == "One task."); // defaults to the explanation
  CHECK(m.capacity == std::optional<std::size_t>(4));
  CHECK(m.virtual_clock == std::optional<bool>(true));
  CHECK(m.spawns);
  REQUIRE(m.tasks.size() == 2);
  CHECK_FALSE(m.tasks[1].start);
  const auto& s = m.tasks[0].steps;
  REQUIRE(s.size() == 10);
  CHECK(s[1].kind == StepKind::Timer);
  CHECK(s[1].ms == 5);
  CHECK(s[3].join == std::vector<std::uint64_t>{1, 2});
  CHECK(s[4].body[0].random);
  CHECK(m.tasks[0].random_slots == 1);
  CHECK(s[5].task == 1);
  CHECK(s[9].kind == StepKind::WakeBeforeStore);
}

TEST_CASE("every malformed scenario file is refused with a message naming the file, line and "
          "field") {
  struct Case {
    const char* what;
    std::string text;
    std::string message;
  };
  const std::string head =
      R"({"name": "x", "explanation": "e", "tasks": [{"name": "t", "steps": [)";
  const std::string tail = "]}]}";
  const Case cases[] = {
      {"invalid JSON", "{\n\"name\": \"x\",\n oops}",
       "bad.json:3: invalid JSON: syntax error while parsing object key"},
      {"not an object", "[1, 2]", "bad.json:1: (document): expected a JSON object"},
      {"missing tasks", R"({"name": "x", "explanation": "e"})",
       "bad.json:1: (document): missing field 'tasks'"},
      {"unknown top-level field", R"({"name": "x", "explanation": "e", "taks": []})",
       "bad.json:1: /taks: unknown field 'taks'"},
      {"bad scenario name", R"({"name": "Hello World", "explanation": "e", "tasks": []})",
       "bad.json:1: /name: use lowercase letters, digits and '-' only"},
      {"wrong type", head + "\n{\"timer_ms\": \"2s\"}" + tail,
       "bad.json:2: /tasks/0/steps/0/timer_ms: expected a whole number, got string"},
      {"negative duration", head + "{\"timer_ms\": -5}" + tail,
       "bad.json:1: /tasks/0/steps/0/timer_ms: must not be negative (got -5)"},
      {"fractional duration", head + "{\"timer_ms\": 1.5}" + tail,
       "/tasks/0/steps/0/timer_ms: expected a whole number, got number"},
      {"absurd duration", head + "{\"timer_ms\": 100000000000}" + tail,
       "/tasks/0/steps/0/timer_ms: 100000000000 is out of range [0, 86400000]"},
      {"absurd count", head + "{\"yield\": 1000000}" + tail,
       "/tasks/0/steps/0/yield: 1000000 is out of range [1, 10000]"},
      {"absurd block", head + "{\"block_ms\": 60000}" + tail,
       "/tasks/0/steps/0/block_ms: 60000 is out of range [0, 10000]"},
      {"unknown step", head + "\n\n{\"sleep\": 5}" + tail,
       "bad.json:3: /tasks/0/steps/0/sleep: unknown step 'sleep'"},
      {"two keys in a step", head + "{\"print\": \"a\", \"yield\": 1}" + tail,
       "/tasks/0/steps/0: a step is an object with exactly one key"},
      {"unknown task reference", head + "{\"spawn\": \"nobody\"}" + tail,
       "/tasks/0/steps/0/spawn: no task is named 'nobody'"},
      {"duplicate task names",
       R"({"name": "x", "explanation": "e", "tasks": [{"name": "t", "steps": []},
          {"name": "t", "steps": []}]})",
       "bad.json:2: /tasks/1/name: two tasks are named 't'"},
      {"no task starts",
       R"({"name": "x", "explanation": "e", "tasks": [{"name": "t", "start": false, "steps": []}]})",
       "/tasks: no task starts"},
      {"empty explanation", R"({"name": "x", "explanation": "", "tasks": []})",
       "/explanation: must not be empty"},
      {"bad clock",
       R"({"name": "x", "explanation": "e", "defaults": {"clock": "wall"}, "tasks": []})",
       "/defaults/clock: expected \"real\" or \"virtual\", got \"wall\""},
      {"zero capacity",
       R"({"name": "x", "explanation": "e", "defaults": {"capacity": 0}, "tasks": []})",
       "/defaults/capacity: 0 is out of range [1, 10000000]"},
      {"instances out of range",
       R"({"name": "x", "explanation": "e", "tasks": [{"name": "t", "instances": 5000, "steps": []}]})",
       "/tasks/0/instances: 5000 is out of range [1, 1000]"},
      {"count out of range",
       R"({"name": "x", "explanation": "e", "defaults": {"count": 100001}, "tasks": []})",
       "bad.json:1: /defaults/count: 100001 is out of range [1, 100000]"},
      {"count not a number",
       R"({"name": "x", "explanation": "e", "defaults": {"count": "many"}, "tasks": []})",
       "/defaults/count: expected a whole number, got string"},
      {"compare not an object",
       R"({"name": "x", "explanation": "e", "compare": "notified", "tasks": []})",
       "bad.json:1: /compare: expected an object (a, b, lesson)"},
      {"compare: unknown field",
       R"({"name": "x", "explanation": "e", "compare": {"c": {}, "lesson": "l"}, "tasks": []})",
       "/compare/c: unknown field 'c' (known: a, b, lesson)"},
      {"compare: no lesson",
       R"({"name": "x", "explanation": "e",
          "compare": {"b": {"queue_policy": "notified"}}, "tasks": []})",
       "bad.json:2: /compare: missing field 'lesson'"},
      {"compare: empty lesson",
       R"({"name": "x", "explanation": "e",
          "compare": {"b": {"queue_policy": "notified"}, "lesson": ""}, "tasks": []})",
       "bad.json:2: /compare/lesson: must not be empty"},
      {"compare: a side not an object",
       R"({"name": "x", "explanation": "e", "compare": {"a": [], "lesson": "l"}, "tasks": []})",
       "/compare/a: expected an object (queue_policy, timer_policy)"},
      {"compare: unknown queue policy",
       R"({"name": "x", "explanation": "e",
          "compare": {"b": {"queue_policy": "lifo"}, "lesson": "l"}, "tasks": []})",
       "bad.json:2: /compare/b/queue_policy: expected \"book\", \"notified\" or \"local\", got "
       "\"lifo\""},
      {"compare: unknown timer policy",
       R"({"name": "x", "explanation": "e",
          "compare": {"b": {"timer_policy": 1}, "lesson": "l"}, "tasks": []})",
       "/compare/b/timer_policy: expected a string, got number"},
      {"compare: a side's unknown field",
       R"({"name": "x", "explanation": "e",
          "compare": {"b": {"clock": "virtual"}, "lesson": "l"}, "tasks": []})",
       "/compare/b/clock: unknown field 'clock' (known: queue_policy, timer_policy)"},
      {"compare: both sides the same",
       R"({"name": "x", "explanation": "e", "compare": {"a": {"queue_policy": "local"},
          "b": {"queue_policy": "local"}, "lesson": "l"}, "tasks": []})",
       "/compare: sides a and b run the same policies: nothing to compare"},
      {"repeats nested too deep",
       head +
           R"({"repeat": {"times": 1, "steps": [{"repeat": {"times": 1, "steps": [{"repeat": {"times": 1, "steps": [{"repeat": {"times": 1, "steps": [{"repeat": {"times": 1, "steps": []}}]}}]}}]}}]}})" +
           tail,
       "repeats nested deeper than 4"},
      {"JSON nested too deep", std::string(100, '[') + std::string(100, ']'),
       "bad.json:1: nested deeper than 32 levels"},
      {"huge file", std::string(300 * 1024, ' '),
       "bad.json: the file is 307200 bytes; the limit is 262144"},
      {"join of nothing", head + "{\"join_ms\": []}" + tail,
       "/tasks/0/steps/0/join_ms: expected a non-empty array of durations"},
      {"random range upside down", head + "{\"timer_ms\": {\"random\": [9, 1]}}" + tail,
       "/tasks/0/steps/0/timer_ms/random: MIN_MS is above MAX_MS"},
      {"lose_waker false", head + "{\"lose_waker\": false}" + tail,
       "/tasks/0/steps/0/lose_waker: expected true"},
      {"empty document", "", "bad.json:1: invalid JSON"},
      // Found by the fuzzer: nlohmann reports this one as out_of_range, not parse_error.
      {"number too big for a double", R"({"name": "x", "order": 110E333333})",
       "bad.json: invalid JSON: number overflow parsing '110E333333'"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const std::string error = error_of(c.text);
    CHECK_MESSAGE(error.find(c.message) != std::string::npos, error);
  }
}

TEST_CASE("too many steps in one file are refused before they are all built") {
  std::string steps;
  for (int i = 0; i < 600; ++i) steps += std::string(i ? "," : "") + "{\"yield\": 1}";
  const std::string error = error_of(R"({"name": "x", "explanation": "e", "tasks": [{"name": "t",
    "steps": [)" + steps + "]}]}");
  CHECK_MESSAGE(error.find("more than 512 steps in the file") != std::string::npos, error);
}

TEST_CASE("a missing file and a folder are refused with their path") {
  CHECK(load_scenario_model("/nonexistent/x.json").error ==
        "/nonexistent/x.json: cannot open the file");
  CHECK(load_scenario_model("/tmp").error == "/tmp: is a folder, not a scenario file");
}

TEST_CASE("a scenario file may set the queue and timer policies, by the names the command line "
          "uses") {
  const ScenarioParseResult r = parse_scenario(R"({
    "name": "pol", "explanation": "Policies.",
    "defaults": {"queue_policy": "notified", "timer_policy": "timer-thread"},
    "tasks": [{"name": "t", "steps": [{"yield": 1}]}]
  })",
                                               "pol.json");
  REQUIRE_MESSAGE(r.model.has_value(), r.error);
  CHECK(r.model->queue_policy == std::optional<QueuePolicy>(QueuePolicy::Notified));
  CHECK(r.model->timer_policy == std::optional<TimerPolicy>(TimerPolicy::TimerThread));
  const ScenarioParseResult none = parse_scenario(
      R"({"name": "none", "explanation": "x", "tasks": [{"name": "t", "steps": []}]})",
      "none.json");
  REQUIRE_MESSAGE(none.model.has_value(), none.error);
  CHECK_FALSE(none.model->queue_policy.has_value());
  CHECK_FALSE(none.model->timer_policy.has_value());
}

TEST_CASE("an unknown queue or timer policy in a scenario file is refused, naming the field") {
  CHECK(error_of(R"({"name": "p", "explanation": "x", "defaults": {"queue_policy": "fifo"},
                     "tasks": [{"name": "t", "steps": []}]})") ==
        "bad.json:1: /defaults/queue_policy: expected \"book\", \"notified\" or \"local\", got "
        "\"fifo\"");
  CHECK(error_of(R"({"name": "p", "explanation": "x", "defaults": {"timer_policy": 3},
                     "tasks": [{"name": "t", "steps": []}]})")
            .find("/defaults/timer_policy") != std::string::npos);
  CHECK(error_of(R"({"name": "p", "explanation": "x", "defaults": {"timer_policy": "wheel"},
                     "tasks": [{"name": "t", "steps": []}]})")
            .find("expected \"thread-per-timer\" or \"timer-thread\", got \"wheel\"") !=
        std::string::npos);
}

TEST_CASE("a compare section gives both sides' policies and the lesson, defaults for what it "
          "leaves out") {
  const ScenarioParseResult r = parse_scenario(R"({
    "name": "lesson", "explanation": "A lesson.",
    "compare": {"b": {"queue_policy": "notified", "timer_policy": "timer-thread"},
                "lesson": "Watch the queue."},
    "defaults": {"count": 10000},
    "tasks": [{"name": "t", "instances": "count", "steps": [{"yield": 1}]}]
  })",
                                               "lesson.json");
  REQUIRE_MESSAGE(r.model.has_value(), r.error);
  REQUIRE(r.model->compare.has_value());
  const ScenarioCompare& c = *r.model->compare;
  CHECK(c.a_queue == QueuePolicy::Book);
  CHECK(c.a_timer == TimerPolicy::ThreadPerTimer);
  CHECK(c.b_queue == QueuePolicy::Notified);
  CHECK(c.b_timer == TimerPolicy::TimerThread);
  CHECK(c.lesson == "Watch the queue.");
  CHECK(r.model->count == std::optional<unsigned>(10000));
  const ScenarioParseResult none = parse_scenario(
      R"({"name": "none", "explanation": "x", "tasks": [{"name": "t", "steps": []}]})",
      "none.json");
  REQUIRE_MESSAGE(none.model.has_value(), none.error);
  CHECK_FALSE(none.model->compare.has_value());
}
