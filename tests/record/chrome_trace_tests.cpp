// The Chrome trace export, checked structurally on real runs: the JSON
// parses, every thread is named, every poll has its slice, every wake that
// caused a poll has a flow ending at that poll, every spawn one to its first
// poll, and user strings are escaped.
#include "recording_test_support.hpp"

#include "record/chrome_trace.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <set>

using namespace pollscope;
using Json = nlohmann::json;

namespace {

Json export_json(std::span<const Event> events, const StringTable& strings,
                 ChromeTraceStats* stats = nullptr) {
  std::string text;
  ChromeTraceExporter exporter([&](std::string_view piece) { text.append(piece); }, strings,
                               "pollscope");
  // In uneven batches, as a loader's sink delivers them.
  for (std::size_t i = 0; i < events.size(); i += 13)
    exporter.add(events.subspan(i, std::min<std::size_t>(13, events.size() - i)));
  exporter.finish();
  if (stats != nullptr) *stats = exporter.stats();
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

// µs in the trace for a raw time.
double us(std::uint64_t t, std::uint64_t base) {
  return (static_cast<double>(t) - static_cast<double>(base)) / 1000.0;
}
bool same_time(const Json& ts, double expected) {
  return std::abs(ts.get<double>() - expected) < 1e-3;
}

std::vector<Event> real_run_events(test::TestRuntime& t) {
  test::run_scenario(t, "hello-world");
  test::run_scenario(t, "random-timers", ScenarioParams{.count = 12, .seed = 3});
  test::run_scenario(t, "join");
  return t.events();
}

} // namespace

TEST_CASE("every thread of the run is named, and every event sits on a named thread") {
  test::TestRuntime t;
  const std::vector<Event> events = real_run_events(t);
  const Json trace = export_json(events, t.strings);

  std::map<std::uint64_t, std::string> names;
  for (const Json& r : trace["traceEvents"]) {
    if (r["ph"] == "M" && r["name"] == "thread_name") names[r["tid"]] = r["args"]["name"];
  }
  std::set<ThreadIndex> rows;
  for (const Event& e : events) {
    if (e.kind == EventKind::ThreadNamed) {
      rows.insert(e.thread);
      CHECK(names[e.thread] == t.strings.get(field::thread_name(e)));
    }
  }
  CHECK(rows.size() >= 3); // the spawner, the executor, timer threads
  CHECK(names.size() == rows.size());
  for (const Json& r : trace["traceEvents"]) {
    if (r["ph"] == "M" || r["ph"] == "C") continue; // counters belong to the process
    CAPTURE(r.dump());
    CHECK(names.count(r["tid"].get<std::uint64_t>()) == 1);
  }
  CHECK(trace["traceEvents"][0]["name"] == "process_name");
}

TEST_CASE("every poll is an X slice on the polling thread, named after its task, with its "
          "number, result and suspension point") {
  test::TestRuntime t;
  const std::vector<Event> events = real_run_events(t);
  ChromeTraceStats stats;
  const Json trace = export_json(events, t.strings, &stats);
  const std::uint64_t base = events.front().t;

  std::vector<Json> slices;
  for (const Json& r : trace["traceEvents"]) {
    if (r["ph"] == "X" && r["cat"] == "poll") slices.push_back(r);
  }
  std::map<TaskId, StringId> names;
  std::map<TaskId, const Event*> begun;
  std::map<TaskId, std::uint64_t> polls;
  std::size_t matched = 0, ends = 0;
  for (const Event& e : events) {
    if (e.kind == EventKind::RuntimeReset) names.clear();
    if (e.kind == EventKind::TaskSpawned) names[e.task] = field::task_name(e);
    if (e.kind == EventKind::PollBegin) begun[e.task] = &e;
    if (e.kind != EventKind::PollEnd) continue;
    ++ends;
    const Event& b = *begun.at(e.task);
    const std::uint64_t n = ++polls[e.task];
    // Runs in one TestRuntime share task ids across runtimes only after a
    // reset; here every run has its own RuntimeStarted and ids keep growing.
    const auto it = std::find_if(slices.begin(), slices.end(), [&](const Json& s) {
      return s["args"]["task"] == e.task && s["args"]["poll"] == n;
    });
    REQUIRE(it != slices.end());
    const Json& s = *it;
    CHECK(s["tid"] == b.thread);
    CHECK(same_time(s["ts"], us(b.t, base)));
    CHECK(same_time(s["dur"], us(e.t, base) - us(b.t, base)));
    CHECK(s["name"] == t.strings.get(names.at(e.task)));
    CHECK(s["args"]["result"] == (field::ready(e) ? "Ready" : "Pending"));
    if (!field::ready(e)) CHECK(s["args"]["suspended_at"] == t.strings.get(field::suspended_at(e)));
    ++matched;
  }
  CHECK(ends > 20);
  CHECK(matched == ends);
  CHECK(slices.size() == ends);
  CHECK(stats.polls == ends);
}

TEST_CASE("every wake that led to a poll has a flow from the wake to that poll, and every spawn "
          "one to the task's first poll") {
  test::TestRuntime t;
  const std::vector<Event> events = real_run_events(t);
  const Json trace = export_json(events, t.strings);
  const std::uint64_t base = events.front().t;

  std::map<std::uint64_t, Json> starts, finishes;
  std::vector<Json> poll_slices;
  for (const Json& r : trace["traceEvents"]) {
    if (r["ph"] == "s") starts[r["id"]] = r;
    if (r["ph"] == "f") finishes[r["id"]] = r;
    if (r["ph"] == "X" && r["cat"] == "poll") poll_slices.push_back(r);
  }
  // The flow starting at (thread, time) must end at a poll slice that
  // begins at the given (thread, time).
  auto check_flow = [&](ThreadIndex from_tid, std::uint64_t from_t, ThreadIndex to_tid,
                        std::uint64_t to_t, std::set<std::uint64_t>& used) {
    std::uint64_t id = 0;
    for (const auto& [i, s] : starts) {
      if (s["tid"] == from_tid && same_time(s["ts"], us(from_t, base)) && used.count(i) == 0 &&
          finishes.count(i) == 1 && finishes[i]["tid"] == to_tid &&
          same_time(finishes[i]["ts"], us(to_t, base))) {
        id = i;
        break;
      }
    }
    REQUIRE(id != 0);
    used.insert(id);
    const Json& f = finishes[id];
    CHECK(f["bp"] == "e");
    CHECK(f["cat"] == starts[id]["cat"]);
    CHECK(f["name"] == starts[id]["name"]);
    const bool at_a_poll = std::any_of(poll_slices.begin(), poll_slices.end(), [&](const Json& s) {
      return s["tid"] == f["tid"] && same_time(s["ts"], f["ts"].get<double>());
    });
    CHECK(at_a_poll);
  };

  // Follow the book's path by hand: wake -> push by that waker -> pop of
  // that ticket -> the task's next poll.
  std::set<std::uint64_t> used;
  std::size_t wakes_followed = 0, spawns_followed = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    if (e.kind == EventKind::TaskSpawned) {
      for (std::size_t j = i + 1; j < events.size(); ++j) {
        if (events[j].kind == EventKind::PollBegin && events[j].task == e.task) {
          check_flow(e.thread, e.t, events[j].thread, events[j].t, used);
          ++spawns_followed;
          break;
        }
      }
    }
    if (e.kind != EventKind::WakerWoken) continue;
    std::size_t j = i + 1;
    while (j < events.size() &&
           !(events[j].kind == EventKind::QueuePush && events[j].waker == e.waker))
      ++j;
    if (j == events.size()) continue;
    const std::uint64_t ticket = field::ticket(events[j]);
    while (j < events.size() &&
           !(events[j].kind == EventKind::QueuePop && field::ticket(events[j]) == ticket))
      ++j;
    while (j < events.size() &&
           !(events[j].kind == EventKind::PollBegin && events[j].task == e.task))
      ++j;
    REQUIRE(j < events.size()); // in these runs every wake leads to a poll
    CAPTURE(i);
    check_flow(e.thread, e.t, events[j].thread, events[j].t, used);
    ++wakes_followed;
  }
  CHECK(wakes_followed >= 13); // hello-world's timer, 12 random timers, join's
  CHECK(spawns_followed >= 14);
  CHECK(used.size() == finishes.size()); // no flow ends anywhere else
}

TEST_CASE("timer threads get their life as slices on their own row, and counters track the queue "
          "and the live timer threads") {
  test::TestRuntime t;
  test::run_scenario(t, "random-timers", ScenarioParams{.count = 5, .seed = 9});
  const std::vector<Event> events = t.events();
  const Json trace = export_json(events, t.strings);

  std::map<TimerId, ThreadIndex> timer_rows;
  for (const Event& e : events) {
    if (e.kind == EventKind::TimerThreadExited) timer_rows[e.timer] = e.thread;
  }
  REQUIRE(timer_rows.size() == 5);
  for (const auto& [timer, row] : timer_rows) {
    std::set<std::string> phases;
    for (const Json& r : trace["traceEvents"]) {
      if (r["tid"] == row && (r["ph"] == "X" || r["ph"] == "i")) phases.insert(r["name"]);
    }
    CAPTURE(timer);
    CHECK(phases.count("started") == 1);
    CHECK(phases.count("waiting until the deadline") == 1);
    CHECK(phases.count("fired") == 1);
    CHECK(phases.count("exited") == 1);
    CHECK(std::any_of(phases.begin(), phases.end(), [&](const std::string& p) {
      return p.rfind("timer " + std::to_string(timer) + " (", 0) == 0;
    }));
  }
  std::uint64_t peak_live = 0, last_live = 99, queue_samples = 0;
  for (const Json& r : trace["traceEvents"]) {
    if (r["ph"] != "C") continue;
    if (r["name"] == "timer threads") {
      last_live = r["args"]["live"];
      peak_live = std::max(peak_live, last_live);
    }
    if (r["name"] == "queue length") ++queue_samples;
  }
  CHECK(peak_live >= 1);
  CHECK(last_live == 0);
  CHECK(queue_samples >= 10); // 5 spawns + 5 wakes pushed, 10 pops
}

TEST_CASE("task names and output from user files are escaped, invalid UTF-8 included") {
  StringTable strings;
  const std::string nasty = "quote\" back\\slash\nnew\tline \x01 \xff\xfe end";
  const StringId name = strings.intern(nasty);
  const StringId thread = strings.intern("executor");
  std::vector<Event> events(5);
  events[0].kind = EventKind::ThreadNamed;
  events[0].thread = 1;
  events[0].a = thread;
  events[1].kind = EventKind::TaskSpawned;
  events[1].task = 1;
  events[1].a = name;
  events[1].thread = 1;
  events[2].kind = EventKind::PollBegin;
  events[2].task = 1;
  events[2].thread = 1;
  events[2].t = 1500;
  events[3].kind = EventKind::Output;
  events[3].task = 1;
  events[3].a = name;
  events[3].thread = 1;
  events[3].t = 1700;
  events[4].kind = EventKind::PollEnd;
  events[4].task = 1;
  events[4].thread = 1;
  events[4].t = 2500;
  events[4].flags = kFlagReady;
  const Json trace = export_json(events, strings);
  bool seen_poll = false, seen_output = false;
  for (const Json& r : trace["traceEvents"]) {
    if (r["ph"] == "X" && r["cat"] == "poll") {
      seen_poll = true;
      const std::string n = r["name"];
      CHECK(n.rfind("quote\" back\\slash\nnew\tline \x01 ", 0) == 0);
      CHECK(same_time(r["dur"], 1.0));
    }
    if (r["name"] == "output") {
      seen_output = true;
      CHECK(r["args"]["text"].get<std::string>().find("\n") != std::string::npos);
    }
  }
  CHECK(seen_poll);
  CHECK(seen_output);
}

TEST_CASE("exporting to a folder that does not exist says so instead of throwing") {
  StringTable strings;
  const RecordingStatus s = export_chrome_trace("/nonexistent-dir/t.json", {}, strings);
  CHECK(s.error.find("/nonexistent-dir/t.json: cannot create") == 0);
}

TEST_CASE("an export reports monotone progress to the total, and a cancelled export leaves no "
          "file and the old one as it was") {
  test::TestRuntime t;
  const std::vector<Event> run = real_run_events(t);
  std::vector<Event> events;
  while (events.size() < 3 * (std::size_t{1} << 16) + 100)
    events.insert(events.end(), run.begin(), run.end());
  test::ScratchDir dir;
  const auto path = dir / "t.json";

  std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
  auto record = [&](std::uint64_t done, std::uint64_t total) {
    calls.emplace_back(done, total);
    return true;
  };
  REQUIRE(export_chrome_trace(path, events, t.strings, nullptr, record).error == "");
  REQUIRE(calls.size() >= 4);
  for (std::size_t i = 1; i < calls.size(); ++i) {
    CHECK(calls[i].first >= calls[i - 1].first);
    CHECK(calls[i].second == events.size());
  }
  CHECK(calls.front().first == 0);
  CHECK(calls.back().first == events.size());
  const auto exported = std::filesystem::file_size(path);

  int n = 0;
  const RecordingStatus s = export_chrome_trace(
      path, events, t.strings, nullptr, [&](std::uint64_t, std::uint64_t) { return ++n < 2; });
  CHECK(s.cancelled);
  CHECK(s.error.find("cancelled") != std::string::npos);
  CHECK(n == 2);
  CHECK(std::filesystem::file_size(path) == exported); // the earlier export, untouched
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path),
                      std::filesystem::directory_iterator()) == 1);
}
