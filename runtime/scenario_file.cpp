#include "scenario_file.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace pollscope {

std::string_view to_string(StepKind k) noexcept {
  switch (k) {
  case StepKind::Print: return "print";
  case StepKind::Timer: return "timer_ms";
  case StepKind::Yield: return "yield";
  case StepKind::Join: return "join_ms";
  case StepKind::Spawn: return "spawn";
  case StepKind::Repeat: return "repeat";
  case StepKind::LoseWaker: return "lose_waker";
  case StepKind::DoubleWake: return "double_wake";
  case StepKind::BlockPoll: return "block_ms";
  case StepKind::WakeBeforeStore: return "wake_before_store_ms";
  }
  return "?";
}

namespace {

using nlohmann::json;
namespace lim = scenario_limits;

// Thrown inside the parser only; parse_scenario turns it into a message.
struct Refusal {
  std::string pointer; // JSON pointer of the offending value ("" = the document)
  std::string message;
};

std::size_t line_at(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
}

std::string escape_pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// The line each value starts on, by JSON pointer: a small scanner over text
// nlohmann has already accepted (so it only needs to follow valid JSON). Run
// only to word an error. Keys with escapes keep their raw spelling (then no
// line is found for them, which only costs the message its line).
std::map<std::string, std::size_t> value_lines(std::string_view text) {
  struct Frame {
    bool object = false;
    std::size_t index = 0;
    std::string key;
    bool expect_key = true;
  };
  std::map<std::string, std::size_t> lines;
  std::vector<Frame> stack;
  std::size_t line = 1;
  auto here = [&] {
    std::string p;
    for (const Frame& f : stack)
      p += "/" + (f.object ? escape_pointer_token(f.key) : std::to_string(f.index));
    return p;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == ':') continue;
    if (c == ',') {
      if (!stack.empty()) {
        if (stack.back().object) {
          stack.back().expect_key = true;
        } else {
          ++stack.back().index;
        }
      }
      continue;
    }
    if (c == '}' || c == ']') {
      if (!stack.empty()) stack.pop_back();
      continue;
    }
    if (c == '"') {
      std::size_t j = i + 1;
      while (j < text.size() && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
      const std::string_view raw = text.substr(i + 1, std::min(j, text.size()) - i - 1);
      if (!stack.empty() && stack.back().object && stack.back().expect_key) {
        stack.back().key = std::string(raw);
        stack.back().expect_key = false;
      } else {
        lines.emplace(here(), line);
      }
      i = j;
      continue;
    }
    lines.emplace(here(), line); // a value starts here
    if (c == '{' || c == '[') {
      Frame f;
      f.object = c == '{';
      stack.push_back(std::move(f));
      continue;
    }
    while (i + 1 < text.size() &&
           std::string_view(",]} \t\r\n").find(text[i + 1]) == std::string_view::npos)
      ++i;
  }
  return lines;
}

// Rejects nesting deeper than the limit before nlohmann builds anything.
void check_depth(std::string_view text) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > lim::kMaxJsonDepth)
        throw Refusal{"@" + std::to_string(i),
                      "nested deeper than " + std::to_string(lim::kMaxJsonDepth) + " levels"};
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
}

class Parser {
public:
  ScenarioModel parse(const json& doc) {
    if (!doc.is_object()) throw Refusal{"", "expected a JSON object (name, explanation, tasks)"};
    allow_keys(doc, "",
               {"name", "summary", "explanation", "order", "defaults", "compare", "tasks"});
    ScenarioModel m;
    m.name = name_field(doc, "", "name", /*scenario=*/true);
    m.explanation = text_field(doc, "", "explanation", true);
    m.summary = doc.contains("summary") ? text_field(doc, "", "summary", true) : m.explanation;
    if (doc.contains("order"))
      m.order = static_cast<std::int64_t>(whole(doc.at("order"), "/order", 0, 1'000'000));
    if (doc.contains("defaults")) parse_defaults(doc.at("defaults"), m);
    if (doc.contains("compare")) m.compare = parse_compare(doc.at("compare"));
    if (!doc.contains("tasks")) throw Refusal{"", "missing field 'tasks'"};
    const json& tasks = doc.at("tasks");
    if (!tasks.is_array()) throw Refusal{"/tasks", "expected an array of tasks"};
    if (tasks.empty()) throw Refusal{"/tasks", "a scenario needs at least one task"};
    if (tasks.size() > lim::kMaxTasks)
      throw Refusal{"/tasks", "more than " + std::to_string(lim::kMaxTasks) + " tasks"};
    // Names first, so a spawn step may name a task defined after it.
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      const std::string at = "/tasks/" + std::to_string(i);
      if (!tasks[i].is_object()) throw Refusal{at, "expected a task object (name, steps)"};
      const std::string name = name_field(tasks[i], at, "name", false);
      for (const ScenarioTaskSpec& t : m.tasks)
        if (t.name == name) throw Refusal{at + "/name", "two tasks are named '" + name + "'"};
      ScenarioTaskSpec spec;
      spec.name = name;
      m.tasks.push_back(std::move(spec));
    }
    for (std::size_t i = 0; i < tasks.size(); ++i) parse_task(tasks[i], i, m);
    if (std::none_of(m.tasks.begin(), m.tasks.end(), [](const auto& t) { return t.start; }))
      throw Refusal{"/tasks", "no task starts: give at least one task \"start\": true"};
    m.spawns = spawns_;
    return m;
  }

private:
  static void allow_keys(const json& obj, const std::string& at,
                         std::initializer_list<std::string_view> keys) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) {
        std::string known;
        for (std::string_view k : keys) known += (known.empty() ? "" : ", ") + std::string(k);
        throw Refusal{at + "/" + escape_pointer_token(it.key()),
                      "unknown field '" + it.key() + "' (known: " + known + ")"};
      }
    }
  }

  static std::uint64_t whole(const json& v, const std::string& at, std::uint64_t lo,
                             std::uint64_t hi) {
    if (v.is_number_integer() && !v.is_number_unsigned())
      throw Refusal{at, "must not be negative (got " + v.dump() + ")"};
    if (!v.is_number_unsigned())
      throw Refusal{at, "expected a whole number, got " + std::string(v.type_name())};
    const auto n = v.get<std::uint64_t>();
    if (n < lo || n > hi)
      throw Refusal{at, std::to_string(n) + " is out of range [" + std::to_string(lo) + ", " +
                            std::to_string(hi) + "]"};
    return n;
  }

  static std::string text_field(const json& obj, const std::string& at, const char* key,
                                bool required) {
    if (!obj.contains(key)) {
      if (required) throw Refusal{at, std::string("missing field '") + key + "'"};
      return {};
    }
    return text(obj.at(key), at + "/" + key, lim::kMaxTextBytes);
  }

  static std::string text(const json& v, const std::string& at, std::size_t max) {
    if (!v.is_string()) throw Refusal{at, "expected a string, got " + std::string(v.type_name())};
    const auto& s = v.get_ref<const std::string&>();
    if (s.empty()) throw Refusal{at, "must not be empty"};
    if (s.size() > max)
      throw Refusal{at, "longer than " + std::to_string(max) + " bytes (" +
                            std::to_string(s.size()) + ")"};
    return s;
  }

  static std::string name_field(const json& obj, const std::string& at, const char* key,
                                bool scenario) {
    if (!obj.contains(key)) throw Refusal{at, std::string("missing field '") + key + "'"};
    const std::string n = text(obj.at(key), at + "/" + key, lim::kMaxNameBytes);
    for (unsigned char c : n) {
      const bool ok = scenario ? ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
                               : (c >= 0x20 && c != 0x7f);
      if (!ok)
        throw Refusal{at + "/" + key, scenario ? "use lowercase letters, digits and '-' only"
                                               : "control characters are not allowed"};
    }
    return n;
  }

  static void parse_defaults(const json& d, ScenarioModel& m) {
    if (!d.is_object())
      throw Refusal{"/defaults",
                    "expected an object (capacity, clock, queue_policy, timer_policy, count)"};
    allow_keys(d, "/defaults", {"capacity", "clock", "queue_policy", "timer_policy", "count"});
    if (d.contains("count"))
      m.count = static_cast<unsigned>(whole(d.at("count"), "/defaults/count", 1, lim::kMaxCount));
    if (d.contains("queue_policy")) {
      const std::string q = text(d.at("queue_policy"), "/defaults/queue_policy", 32);
      m.queue_policy = parse_queue_policy(q);
      if (!m.queue_policy)
        throw Refusal{"/defaults/queue_policy",
                      "expected \"book\", \"notified\" or \"local\", got \"" + q + "\""};
    }
    if (d.contains("timer_policy")) {
      const std::string t = text(d.at("timer_policy"), "/defaults/timer_policy", 32);
      m.timer_policy = parse_timer_policy(t);
      if (!m.timer_policy)
        throw Refusal{"/defaults/timer_policy",
                      "expected \"thread-per-timer\" or \"timer-thread\", got \"" + t + "\""};
    }
    if (d.contains("capacity"))
      m.capacity = whole(d.at("capacity"), "/defaults/capacity", 1, lim::kMaxCapacity);
    if (d.contains("clock")) {
      const std::string c = text(d.at("clock"), "/defaults/clock", 16);
      if (c != "real" && c != "virtual")
        throw Refusal{"/defaults/clock", "expected \"real\" or \"virtual\", got \"" + c + "\""};
      m.virtual_clock = c == "virtual";
    }
  }

  // One side of "compare": its policies, by the names the command line uses.
  static void parse_side(const json& d, const std::string& at, QueuePolicy& queue,
                         TimerPolicy& timer) {
    if (!d.is_object()) throw Refusal{at, "expected an object (queue_policy, timer_policy)"};
    allow_keys(d, at, {"queue_policy", "timer_policy"});
    if (d.contains("queue_policy")) {
      const std::string q = text(d.at("queue_policy"), at + "/queue_policy", 32);
      const auto p = parse_queue_policy(q);
      if (!p)
        throw Refusal{at + "/queue_policy",
                      "expected \"book\", \"notified\" or \"local\", got \"" + q + "\""};
      queue = *p;
    }
    if (d.contains("timer_policy")) {
      const std::string t = text(d.at("timer_policy"), at + "/timer_policy", 32);
      const auto p = parse_timer_policy(t);
      if (!p)
        throw Refusal{at + "/timer_policy",
                      "expected \"thread-per-timer\" or \"timer-thread\", got \"" + t + "\""};
      timer = *p;
    }
  }

  static ScenarioCompare parse_compare(const json& c) {
    if (!c.is_object()) throw Refusal{"/compare", "expected an object (a, b, lesson)"};
    allow_keys(c, "/compare", {"a", "b", "lesson"});
    ScenarioCompare out;
    if (c.contains("a")) parse_side(c.at("a"), "/compare/a", out.a_queue, out.a_timer);
    if (c.contains("b")) parse_side(c.at("b"), "/compare/b", out.b_queue, out.b_timer);
    out.lesson = text_field(c, "/compare", "lesson", true);
    if (out.a_queue == out.b_queue && out.a_timer == out.b_timer)
      throw Refusal{"/compare", "sides a and b run the same policies: nothing to compare"};
    return out;
  }

  void parse_task(const json& t, std::size_t index, ScenarioModel& m) {
    const std::string at = "/tasks/" + std::to_string(index);
    allow_keys(t, at, {"name", "start", "instances", "steps"});
    ScenarioTaskSpec& spec = m.tasks[index];
    if (t.contains("start")) {
      if (!t.at("start").is_boolean()) throw Refusal{at + "/start", "expected true or false"};
      spec.start = t.at("start").get<bool>();
    }
    if (t.contains("instances")) {
      const json& n = t.at("instances");
      if (n.is_string() && n.get_ref<const std::string&>() == "count") {
        spec.instances_from_count = true;
      } else if (n.is_string()) {
        throw Refusal{at + "/instances", "expected a number or \"count\""};
      } else {
        spec.instances = whole(n, at + "/instances", 1, lim::kMaxInstances);
      }
    }
    if (!t.contains("steps")) throw Refusal{at, "missing field 'steps'"};
    slots_ = 0;
    spec.steps = parse_steps(t.at("steps"), at + "/steps", m, 0);
    spec.random_slots = slots_;
  }

  std::vector<ScenarioStep> parse_steps(const json& steps, const std::string& at,
                                        const ScenarioModel& m, std::size_t depth) {
    if (!steps.is_array()) throw Refusal{at, "expected an array of steps"};
    std::vector<ScenarioStep> out;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (++steps_seen_ > lim::kMaxSteps)
        throw Refusal{at + "/" + std::to_string(i),
                      "more than " + std::to_string(lim::kMaxSteps) + " steps in the file"};
      out.push_back(parse_step(steps[i], at + "/" + std::to_string(i), m, depth));
    }
    return out;
  }

  static std::uint64_t duration(const json& v, const std::string& at, std::uint64_t max) {
    return whole(v, at, 0, max);
  }

  ScenarioStep parse_step(const json& s, const std::string& at, const ScenarioModel& m,
                          std::size_t depth) {
    if (!s.is_object() || s.size() != 1)
      throw Refusal{at, "a step is an object with exactly one key, e.g. {\"print\": \"Hello\"}"};
    const std::string key = s.begin().key();
    const json& v = s.begin().value();
    const std::string vat = at + "/" + escape_pointer_token(key);
    ScenarioStep step;
    if (key == "print") {
      step.kind = StepKind::Print;
      step.text = text(v, vat, lim::kMaxTextBytes);
    } else if (key == "timer_ms") {
      step.kind = StepKind::Timer;
      if (v.is_object()) {
        allow_keys(v, vat, {"random"});
        const json* r = v.contains("random") ? &v.at("random") : nullptr;
        if (r == nullptr || !r->is_array() || r->size() != 2)
          throw Refusal{vat, "expected {\"random\": [MIN_MS, MAX_MS]}"};
        step.random = true;
        step.lo_ms = duration((*r)[0], vat + "/random/0", lim::kMaxDurationMs);
        step.ms = duration((*r)[1], vat + "/random/1", lim::kMaxDurationMs);
        if (step.lo_ms > step.ms) throw Refusal{vat + "/random", "MIN_MS is above MAX_MS"};
        step.slot = slots_++;
      } else {
        step.ms = duration(v, vat, lim::kMaxDurationMs);
      }
    } else if (key == "yield") {
      step.kind = StepKind::Yield;
      step.count = whole(v, vat, 1, lim::kMaxYields);
    } else if (key == "join_ms") {
      step.kind = StepKind::Join;
      if (!v.is_array() || v.empty()) throw Refusal{vat, "expected a non-empty array of durations"};
      if (v.size() > lim::kMaxJoin)
        throw Refusal{vat, "more than " + std::to_string(lim::kMaxJoin) + " timers in one join"};
      for (std::size_t i = 0; i < v.size(); ++i)
        step.join.push_back(duration(v[i], vat + "/" + std::to_string(i), lim::kMaxDurationMs));
    } else if (key == "spawn") {
      step.kind = StepKind::Spawn;
      const std::string name = text(v, vat, lim::kMaxNameBytes);
      const auto it = std::find_if(m.tasks.begin(), m.tasks.end(),
                                   [&](const ScenarioTaskSpec& t) { return t.name == name; });
      if (it == m.tasks.end()) throw Refusal{vat, "no task is named '" + name + "'"};
      step.task = static_cast<std::size_t>(it - m.tasks.begin());
      spawns_ = true;
    } else if (key == "repeat") {
      step.kind = StepKind::Repeat;
      if (depth + 1 > lim::kMaxRepeatDepth)
        throw Refusal{vat, "repeats nested deeper than " + std::to_string(lim::kMaxRepeatDepth)};
      if (!v.is_object()) throw Refusal{vat, "expected {\"times\": N, \"steps\": [...]}"};
      allow_keys(v, vat, {"times", "steps"});
      if (!v.contains("times")) throw Refusal{vat, "missing field 'times'"};
      if (!v.contains("steps")) throw Refusal{vat, "missing field 'steps'"};
      step.count = whole(v.at("times"), vat + "/times", 1, lim::kMaxRepeat);
      step.body = parse_steps(v.at("steps"), vat + "/steps", m, depth + 1);
    } else if (key == "lose_waker" || key == "double_wake") {
      step.kind = key == "lose_waker" ? StepKind::LoseWaker : StepKind::DoubleWake;
      if (!v.is_boolean() || !v.get<bool>()) throw Refusal{vat, "expected true"};
    } else if (key == "block_ms") {
      step.kind = StepKind::BlockPoll;
      step.ms = duration(v, vat, lim::kMaxBlockMs);
    } else if (key == "wake_before_store_ms") {
      step.kind = StepKind::WakeBeforeStore;
      step.ms = duration(v, vat, lim::kMaxDurationMs);
    } else {
      throw Refusal{vat, "unknown step '" + key +
                             "' (known: print, timer_ms, yield, join_ms, spawn, repeat, "
                             "lose_waker, double_wake, block_ms, wake_before_store_ms)"};
    }
    return step;
  }

  std::size_t steps_seen_ = 0; // every step of the file, nested ones included (kMaxSteps)
  std::size_t slots_ = 0;      // random timer steps of the task being parsed
  bool spawns_ = false;        // some step spawns a task
};

std::string display_origin(std::string_view origin) {
  return origin.empty() ? std::string("<scenario>") : std::string(origin);
}

} // namespace

ScenarioParseResult parse_scenario(std::string_view text, std::string_view origin) {
  ScenarioParseResult r;
  const std::string file = display_origin(origin);
  if (text.size() > lim::kMaxFileBytes) {
    r.error = file + ": the file is " + std::to_string(text.size()) + " bytes; the limit is " +
              std::to_string(lim::kMaxFileBytes);
    return r;
  }
  json doc;
  try {
    check_depth(text);
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // e.byte: 1-based offset of the last byte read.
    const std::size_t line = line_at(text, e.byte > 0 ? e.byte - 1 : 0);
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: X" -> X
    if (const auto colon = what.find(": "); colon != std::string::npos)
      what = what.substr(colon + 2);
    r.error = file + ":" + std::to_string(line) + ": invalid JSON: " + what;
    return r;
  } catch (const json::exception& e) {
    // Not a syntax error but still the document's fault, e.g. a number too
    // big for a double (out_of_range.406); nlohmann gives no position for it.
    std::string what = e.what();
    if (const auto close = what.find("] "); close != std::string::npos)
      what = what.substr(close + 2);
    r.error = file + ": invalid JSON: " + what;
    return r;
  } catch (const Refusal& f) {
    const std::size_t line = line_at(text, std::stoull(f.pointer.substr(1)));
    r.error = file + ":" + std::to_string(line) + ": " + f.message;
    return r;
  }
  try {
    ScenarioModel m = Parser().parse(doc);
    m.source = std::string(origin);
    r.model = std::move(m);
  } catch (const Refusal& f) {
    const auto lines = value_lines(text);
    const auto it = lines.find(f.pointer);
    r.error = file + (it != lines.end() ? ":" + std::to_string(it->second) : std::string()) + ": " +
              (f.pointer.empty() ? std::string("(document)") : f.pointer) + ": " + f.message;
  } catch (const json::exception& e) {
    r.error = file + ": " + e.what(); // not expected: every access above is checked
  }
  return r;
}

ScenarioParseResult load_scenario_model(const std::string& path) {
  ScenarioParseResult r;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    r.error = path + ": is a folder, not a scenario file";
    return r;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    r.error = path + ": cannot open the file";
    return r;
  }
  // Read at most one byte past the limit: a huge file is refused, not read.
  std::string text(scenario_limits::kMaxFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) {
    r.error = path + ": cannot read the file";
    return r;
  }
  if (text.size() > scenario_limits::kMaxFileBytes) {
    r.error = path + ": the file is larger than the limit of " +
              std::to_string(scenario_limits::kMaxFileBytes) + " bytes";
    return r;
  }
  return parse_scenario(text, path);
}

} // namespace pollscope
