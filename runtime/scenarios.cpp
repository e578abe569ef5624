#include "scenarios.hpp"

#include "scenario_file.hpp"
#include "scenario_runner.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#ifndef POLLSCOPE_SOURCE_SCENARIOS_DIR
#define POLLSCOPE_SOURCE_SCENARIOS_DIR ""
#endif

namespace pollscope {
namespace {

namespace fs = std::filesystem;

// The registry: entries are appended into storage reserved up front (so no
// push_back ever moves one) and published by `size` under the mutex.
struct Registry {
  std::mutex mutex;
  std::vector<Scenario> entries;   // capacity kMaxScenarios, never reallocated
  std::vector<std::string> texts;  // each entry's file contents, to spot a changed reload
  std::vector<std::string> errors; // bundled files refused
  std::string dir;
  bool loaded = false;

  Registry() {
    entries.reserve(kMaxScenarios);
    texts.reserve(kMaxScenarios);
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Scenario make_scenario(std::shared_ptr<const ScenarioModel> model, std::string name) {
  Scenario s;
  s.name = std::move(name);
  s.summary = model->summary;
  s.explanation = model->explanation;
  s.source = model->source;
  s.capacity = model->capacity;
  s.virtual_clock = model->virtual_clock;
  s.queue_policy = model->queue_policy;
  s.timer_policy = model->timer_policy;
  s.compare = model->compare;
  s.count = model->count;
  s.spawn = [model](Spawner& sp, const ScenarioParams& p) { return spawn_model(model, sp, p); };
  return s;
}

bool name_taken(const Registry& r, std::string_view name) {
  return std::any_of(r.entries.begin(), r.entries.end(),
                     [&](const Scenario& s) { return s.name == name; });
}

std::string find_bundled_dir() {
  auto usable = [](const fs::path& p) {
    std::error_code ec;
    return !p.empty() && fs::is_directory(p, ec);
  };
  if (const char* env = std::getenv("POLLSCOPE_SCENARIOS"); env != nullptr && *env != '\0')
    return env; // the user said so: use it even if it is wrong (loading will say why)
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share/pollscope/scenarios";
    if (usable(installed)) return installed.string();
  }
  const fs::path source = POLLSCOPE_SOURCE_SCENARIOS_DIR;
  if (usable(source)) return source.string();
  return {};
}

// Called with the mutex held, once.
void load_bundled(Registry& r) {
  r.loaded = true;
  r.dir = find_bundled_dir();
  if (r.dir.empty()) {
    r.errors.push_back("no scenarios folder found (set POLLSCOPE_SCENARIOS to one)");
    return;
  }
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(r.dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json") files.push_back(it->path());
  }
  if (ec) r.errors.push_back(r.dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<std::shared_ptr<const ScenarioModel>> models;
  for (const fs::path& f : files) {
    ScenarioParseResult p = load_scenario_model(f.string());
    if (!p.model) {
      r.errors.push_back(p.error);
      continue;
    }
    models.push_back(std::make_shared<const ScenarioModel>(std::move(*p.model)));
  }
  // The picker's order: "order", then name.
  std::stable_sort(models.begin(), models.end(), [](const auto& a, const auto& b) {
    return a->order != b->order ? a->order < b->order : a->name < b->name;
  });
  for (auto& m : models) {
    if (r.entries.size() == kMaxScenarios) break;
    if (name_taken(r, m->name)) {
      r.errors.push_back(m->source + ": the name '" + m->name + "' is taken by another file");
      continue;
    }
    r.texts.push_back(read_all(m->source));
    r.entries.push_back(make_scenario(m, m->name));
  }
}

Registry& loaded_registry(std::unique_lock<std::mutex>& lock) {
  Registry& r = registry();
  lock = std::unique_lock(r.mutex);
  if (!r.loaded) load_bundled(r);
  return r;
}

} // namespace

std::span<const Scenario> scenarios() {
  std::unique_lock<std::mutex> lock;
  Registry& r = loaded_registry(lock);
  return {r.entries.data(), r.entries.size()};
}

const Scenario* find_scenario(std::string_view name) {
  std::unique_lock<std::mutex> lock;
  Registry& r = loaded_registry(lock);
  for (const Scenario& s : r.entries) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

ScenarioLoad load_scenario_file(const std::string& path) {
  ScenarioLoad out;
  ScenarioParseResult p = load_scenario_model(path); // outside the lock: it reads a file
  if (!p.model) {
    out.error = p.error;
    return out;
  }
  const std::string text = read_all(path);
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(path, ec);
  std::unique_lock<std::mutex> lock;
  Registry& r = loaded_registry(lock);
  // The same file, unchanged: its entry is already there.
  for (std::size_t i = 0; i < r.entries.size(); ++i) {
    std::error_code ec2;
    const fs::path other = fs::weakly_canonical(r.entries[i].source, ec2);
    if (!ec && !ec2 && other == canonical && r.texts[i] == text) {
      out.scenario = &r.entries[i];
      return out;
    }
  }
  if (r.entries.size() == kMaxScenarios) {
    out.error = path + ": " + std::to_string(kMaxScenarios) +
                " scenarios are loaded already; restart pollscope to load more";
    return out;
  }
  std::string name = p.model->name;
  for (int n = 2; name_taken(r, name); ++n) name = p.model->name + "-" + std::to_string(n);
  auto model = std::make_shared<const ScenarioModel>(std::move(*p.model));
  r.texts.push_back(text);
  r.entries.push_back(make_scenario(std::move(model), name));
  out.scenario = &r.entries.back();
  return out;
}

std::string scenarios_dir() {
  std::unique_lock<std::mutex> lock;
  return loaded_registry(lock).dir;
}

std::vector<std::string> scenario_load_errors() {
  std::unique_lock<std::mutex> lock;
  return loaded_registry(lock).errors;
}

} // namespace pollscope
