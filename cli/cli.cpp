#include "cli.hpp"

#include "runtime/event.hpp"
#include "runtime/scenarios.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <system_error>
#include <utility>

namespace pollscope {
namespace {

constexpr const char* kVersion = "pollscope 0.2.0";

// A seed is any whole number a uint64 holds, written in decimal. Parsed here
// rather than by CLI11, which takes "-1" as 2^64-1 and wraps values past
// 2^64 without a word.
bool parse_seed(const std::string& text, std::uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  for (const char ch : text) {
    if (ch < '0' || ch > '9') return false;
  }
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

int bad_input(const std::string& message) {
  std::fprintf(stderr, "pollscope: %s\nRun 'pollscope --help' for the options.\n", message.c_str());
  return 2;
}

std::string scenario_list() {
  const std::string dir = scenarios_dir();
  std::string out = "scenarios (" + (dir.empty() ? std::string("no folder found") : dir) + "):\n";
  for (const Scenario& s : scenarios()) {
    out += "  " + s.name + std::string(s.name.size() < 22 ? 22 - s.name.size() : 1, ' ') +
           s.summary + "\n";
  }
  for (const std::string& e : scenario_load_errors()) out += "  (skipped) " + e + "\n";
  return out;
}

} // namespace

CliParse parse_cli(int argc, char** argv) {
  CliParse result;
  CliOptions& o = result.options;
  CLI::App app{
      "pollscope: watch a real async executor work — the Rust async book's executor in C++20.\n"
      "With no flags, opens the desktop app on the hello-world scenario, paused, ready to step.",
      "pollscope"};
  app.get_formatter()->column_width(34);
  bool version = false;
  bool list = false;
  app.add_flag("--version", version, "Print the version and exit");
  app.add_flag("--list-scenarios", list, "List the scenarios and exit");
  app.add_flag("--headless", o.headless,
               "Run without a window: print output and an event timeline");
  auto* scen = app.add_option("--scenario", o.scenario, "Scenario to load (see --list-scenarios)");
  auto* scen_file = app.add_option("--scenario-file", o.scenario_file,
                                   "Load a scenario from this JSON file (see the README)");
  scen_file->excludes(scen);
  auto* clk = app.add_option("--clock", o.clock,
                             "real (default) or virtual (instant: time jumps to the next deadline)")
                  ->check(CLI::IsMember({"real", "virtual"}));
  auto* events =
      app.add_option("--events", o.events_path, "Write every event to this file as JSON lines");
  auto* time_scale = app.add_option("--time-scale", o.time_scale,
                                    "Real clock speed: 1 = real time, 0.25 = 4x slow motion")
                         ->check(CLI::Range(0.001, 1000.0));
  auto* cap =
      app.add_option("--capacity", o.capacity, "Run queue capacity (the book's sync_channel bound)")
          ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  std::string queue_policy_text;
  std::string timer_policy_text;
  auto* qpol = app.add_option("--queue-policy", queue_policy_text,
                              "Where wakes queue tasks: book (default: every wake queues, "
                              "duplicates too), notified, local");
  auto* tpol = app.add_option("--timer-policy", timer_policy_text,
                              "Who sleeps until deadlines: thread-per-timer (default, the "
                              "book) or timer-thread");
  std::string compare_text;
  auto* cmp = app.add_option("--compare", compare_text,
                             "Compare mode: side B runs these policies beside side A (the "
                             "policies above), e.g. notified or local,timer-thread");
  auto* count = app.add_option("--count", o.count,
                               "random-timers and lesson-10000-timers: how many timer tasks")
                    ->check(CLI::Range(1u, 100000u));
  std::string seed_text;
  auto* seed =
      app.add_option("--seed", seed_text,
                     "random-timers and lesson-10000-timers: seed for the durations (0 to 2^64-1)");
  app.add_flag("--quiet", o.quiet_timeline,
               "Headless: print only the output lines and the summary");
  app.add_flag("--lint", o.lint,
               "Headless: print the lints (lost waker, double wake, deadlock, blocking poll, "
               "...) at the end of the run; exit status 3 if any fired");
  auto* record = app.add_option("--record", o.record_path,
                                "Stream the run to this .pscope recording as it goes");
  auto* open = app.add_option("--open", o.open_path,
                              "Open a .pscope recording (no runtime behind it); with --headless, "
                              "print its timeline");
  std::string positional;
  auto* positional_opt =
      app.add_option("recording", positional, "A FILE.pscope to open: the same as --open FILE");
  app.add_option_function<std::string>(
         "--deliver",
         [&o](const std::string& text) {
           // "3,1,2": distinct timer ids, each a whole number from 1 to 2^32-1.
           o.deliver.clear();
           std::size_t at = 0;
           for (;;) {
             const std::size_t comma = std::min(text.find(',', at), text.size());
             const std::string item = text.substr(at, comma - at);
             std::uint64_t id = 0;
             const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), id);
             if (item.empty() || ec != std::errc() || end != item.data() + item.size() || id == 0 ||
                 id > 0xFFFFFFFFu)
               throw CLI::ValidationError("--deliver",
                                          "'" + item + "' is not a timer id (1, 2, ...)");
             if (std::find(o.deliver.begin(), o.deliver.end(), id) != o.deliver.end())
               throw CLI::ValidationError("--deliver", "timer " + item + " is named twice");
             o.deliver.push_back(static_cast<std::uint32_t>(id));
             if (comma == text.size()) break;
             at = comma + 1;
           }
         },
         "Headless, virtual clock: hold due timers' wakes and deliver them in this order of "
         "timer ids, e.g. 3,1,2 (the rest in deadline order)")
      ->type_name("IDS");
  auto* metrics = app.add_option("--metrics-json", o.metrics_path,
                                 "Headless: at the end, write the run's metrics (polls, duplicate "
                                 "entries, timer threads, lateness, ...) as one JSON object to "
                                 "FILE, or with - to stdout instead of the timeline");
  metrics->type_name("FILE|-");
  auto* trace = app.add_option("--export-trace", o.trace_path,
                               "Headless: write the run's (or the recording's) Chrome trace "
                               "JSON here (Perfetto, chrome://tracing, speedscope)");
  open->excludes(scen)->excludes(scen_file)->excludes(record)->excludes(positional_opt);
  positional_opt->excludes(scen)->excludes(scen_file)->excludes(record);
  auto* screenshot = app.add_option("--screenshot", o.screenshot_path,
                                    "App: render --frames frames, save a PNG here, exit");
  app.add_option("--frames", o.frames, "App: frames to render before --screenshot")
      ->check(CLI::Range(1u, 100000u));
  app.add_flag("--print-ready", o.print_ready,
               "App: print a ready line with button rectangles after the first frame");
  app.add_option("--mode", o.mode, "App: how the executor starts: step (default), run or pause")
      ->check(CLI::IsMember({"run", "pause", "step"}));
  app.footer("Examples:\n"
             "  pollscope                                    the desktop app\n"
             "  pollscope --headless --scenario hello-world  the book's test in the terminal\n"
             "  pollscope --headless --clock virtual --events run.jsonl\n"
             "  pollscope --headless --clock virtual --lint  exit 3 if a lint fired\n"
             "  pollscope --headless --record run.pscope     record a run\n"
             "  pollscope run.pscope                         open it in the app\n"
             "  pollscope --headless --open run.pscope --export-trace run.json\n"
             "  pollscope --headless --scenario double-wake --compare notified\n"
             "                                               book vs notified, side by side\n"
             "No display? Use --headless, or run the app under xvfb-run with --screenshot.\n"
             "Headless exit status: 0 done; 1 stopped because it could make no more progress\n"
             "(a deadlock, or tasks nothing is left to wake: it says which); 3 with --lint when\n"
             "a lint fired; 2 bad input or unwritable output; 128+N stopped by signal N.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    result.exit_code = 0;
    return result;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "pollscope: %s\nRun 'pollscope --help' for the options.\n", e.what());
    result.exit_code = 2;
    return result;
  }
  if (version) {
    std::printf("%s (event schema v%u, reads recordings of v%u to v%u)\n", kVersion,
                unsigned{kEventSchemaVersion}, unsigned{kOldestReadableSchema},
                unsigned{kEventSchemaVersion});
    result.exit_code = 0;
    return result;
  }
  if (list) {
    std::fputs(scenario_list().c_str(), stdout);
    result.exit_code = 0;
    return result;
  }
  // What CLI11's checks let through: each is an exit 2 with a message.
  if (seed->count() > 0 && !parse_seed(seed_text, o.seed)) {
    result.exit_code = bad_input("--seed: '" + seed_text +
                                 "' is not a whole number from 0 to 18446744073709551615");
    return result;
  }
  if (time_scale->count() > 0 && !std::isfinite(o.time_scale)) {
    // NaN passes the range check: every comparison with it is false.
    result.exit_code = bad_input("--time-scale: not a number; give a speed from 0.001 to 1000");
    return result;
  }
  if (events->count() > 0 && o.events_path.empty()) {
    result.exit_code = bad_input("--events: the file name is empty");
    return result;
  }
  for (const auto& [opt, path] :
       {std::pair{record, &o.record_path}, std::pair{open, &o.open_path},
        std::pair{trace, &o.trace_path}, std::pair{metrics, &o.metrics_path}}) {
    if (opt->count() > 0 && path->empty()) {
      result.exit_code = bad_input(opt->get_name() + ": the file name is empty");
      return result;
    }
  }
  if (positional_opt->count() > 0) {
    // Only a recording goes without a flag: a stray word is more likely a typo.
    if (!positional.ends_with(".pscope")) {
      result.exit_code = bad_input("'" + positional +
                                   "': a file to open must be a .pscope recording (for a scenario "
                                   "file use --scenario-file)");
      return result;
    }
    o.open_path = positional;
  }
  if (screenshot->count() > 0 && o.screenshot_path.empty()) {
    result.exit_code = bad_input("--screenshot: the file name is empty");
    return result;
  }
  if (trace->count() > 0 && !o.headless) {
    result.exit_code =
        bad_input("--export-trace goes with --headless (in the app: File > Export trace)");
    return result;
  }
  if (metrics->count() > 0 && !o.headless) {
    result.exit_code = bad_input("--metrics-json goes with --headless");
    return result;
  }
  // Checked here, not by CLI11, so the message lists the names policy.hpp knows.
  if (qpol->count() > 0) {
    const auto q = parse_queue_policy(queue_policy_text);
    if (!q) {
      result.exit_code = bad_input("--queue-policy: '" + queue_policy_text +
                                   "' is not a queue policy; use book, notified or local");
      return result;
    }
    o.queue_policy = *q;
  }
  if (tpol->count() > 0) {
    const auto t = parse_timer_policy(timer_policy_text);
    if (!t) {
      result.exit_code = bad_input("--timer-policy: '" + timer_policy_text +
                                   "' is not a timer policy; use thread-per-timer or timer-thread");
      return result;
    }
    o.timer_policy = *t;
  }
  if (cmp->count() > 0) {
    if (!o.open_path.empty()) {
      result.exit_code = bad_input("--compare runs a scenario twice; a recording has one run");
      return result;
    }
    // Side B: a comma-separated list of policy names, each from either set;
    // a set it leaves out is side A's.
    o.compare = true;
    o.compare_queue_policy = o.queue_policy;
    o.compare_timer_policy = o.timer_policy;
    std::string_view rest = compare_text;
    while (true) {
      const auto comma = rest.find(',');
      const std::string_view name = rest.substr(0, comma);
      if (const auto q = parse_queue_policy(name)) {
        o.compare_queue_policy = *q;
      } else if (const auto t = parse_timer_policy(name)) {
        o.compare_timer_policy = *t;
      } else {
        result.exit_code = bad_input(
            "--compare: '" + std::string(name) +
            "' is not a policy; use book, notified, local, thread-per-timer or timer-thread");
        return result;
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (!o.open_path.empty()) return result; // a recording: no scenario to check
  o.scenario_given = scen->count() > 0;
  if (scen_file->count() > 0) {
    // A bad file is bad input: its message names the file, line and field.
    const ScenarioLoad load = load_scenario_file(o.scenario_file);
    if (load.scenario == nullptr) {
      std::fprintf(stderr, "pollscope: %s\n", load.error.c_str());
      result.exit_code = 2;
      return result;
    }
    o.scenario = load.scenario->name;
    o.scenario_given = true;
  }
  // The scenario's defaults, unless the user set them.
  if (const Scenario* s = find_scenario(o.scenario)) {
    if (s->capacity && cap->count() == 0) o.capacity = *s->capacity;
    if (s->virtual_clock && clk->count() == 0) o.clock = *s->virtual_clock ? "virtual" : "real";
    if (s->queue_policy && qpol->count() == 0) o.queue_policy = *s->queue_policy;
    if (s->timer_policy && tpol->count() == 0) o.timer_policy = *s->timer_policy;
    if (s->count && count->count() == 0) o.count = *s->count;
    // A lesson opens in compare mode, with its own sides. --compare wins (side
    // A is then the policies above); so does a policy flag alone, which runs
    // that one side by itself.
    if (s->compare && cmp->count() == 0 && qpol->count() == 0 && tpol->count() == 0) {
      o.compare = true;
      o.queue_policy = s->compare->a_queue;
      o.timer_policy = s->compare->a_timer;
      o.compare_queue_policy = s->compare->b_queue;
      o.compare_timer_policy = s->compare->b_timer;
    }
  }
  if (find_scenario(o.scenario) == nullptr) {
    std::fprintf(stderr, "pollscope: unknown scenario '%s'\n%s", o.scenario.c_str(),
                 scenario_list().c_str());
    result.exit_code = 2;
    return result;
  }
  if (o.compare && o.headless) {
    // Headless compare runs two sides: a file of a run becomes a file per
    // side (FILE-A.ext, FILE-B.ext: compare_side_file), written by the side's
    // own process, whose standard output carries its metrics to us.
    const std::pair<CLI::Option*, const std::string*> per_side[] = {
        {record, &o.record_path}, {events, &o.events_path}, {trace, &o.trace_path}};
    for (const auto& [opt, path] : per_side) {
      if (opt->count() == 0 || *path != "-") continue;
      result.exit_code = bad_input(opt->get_name() +
                                   " -: compare mode writes a file per side (FILE-A and FILE-B), "
                                   "and standard output carries the sides' metrics; name a file");
      return result;
    }
    if (metrics->count() > 0) {
      result.exit_code = bad_input("--metrics-json writes one run's metrics, and compare mode "
                                   "prints both sides' in its table; run one side by itself "
                                   "(--queue-policy/--timer-policy without --compare)");
      return result;
    }
    if (!o.deliver.empty()) {
      result.exit_code =
          bad_input("--deliver does not go with compare mode: the two sides' timers differ; "
                    "run one side by itself (--queue-policy/--timer-policy without --compare)");
      return result;
    }
  }
  return result;
}

std::string compare_side_file(const std::string& path, char side) {
  // The extension is the last '.' of the file's name, not of a folder's,
  // and a name that starts with its only dot (".hidden") has none.
  const std::size_t slash = path.find_last_of('/');
  const std::size_t name_start = slash == std::string::npos ? 0 : slash + 1;
  const std::size_t dot = path.find_last_of('.');
  const bool has_ext = dot != std::string::npos && dot > name_start;
  const std::string tag = std::string("-") + side;
  if (!has_ext) return path + tag;
  return path.substr(0, dot) + tag + path.substr(dot);
}

} // namespace pollscope
