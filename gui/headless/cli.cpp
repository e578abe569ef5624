#include "cli.hpp"

#include "runtime/scenarios.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

namespace pollscope {
namespace {

constexpr const char* kVersion = "pollscope 0.1.0 (event schema v1)";

std::string scenario_list() {
  std::string out = "scenarios:\n";
  for (const Scenario& s : scenarios()) {
    out += "  " + std::string(s.name) +
           std::string(s.name.size() < 16 ? 16 - s.name.size() : 1, ' ') + std::string(s.summary) +
           "\n";
  }
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
  app.add_option("--clock", o.clock,
                 "real (default) or virtual (instant: time jumps to the next deadline)")
      ->check(CLI::IsMember({"real", "virtual"}));
  app.add_option("--events", o.events_path, "Write every event to this file as JSON lines");
  app.add_option("--time-scale", o.time_scale,
                 "Real clock speed: 1 = real time, 0.25 = 4x slow motion")
      ->check(CLI::Range(0.001, 1000.0));
  app.add_option("--capacity", o.capacity, "Run queue capacity (the book's sync_channel bound)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  app.add_option("--count", o.count, "random-timers: how many timer tasks")
      ->check(CLI::Range(1u, 100000u));
  app.add_option("--seed", o.seed, "random-timers: seed for the durations");
  app.add_flag("--quiet", o.quiet_timeline,
               "Headless: print only the output lines and the summary");
  app.add_flag("--lint", o.lint,
               "Headless: print the lints (lost waker, double wake, deadlock, blocking poll, "
               "...) at the end of the run; exit status 3 if any fired");
  app.add_option("--screenshot", o.screenshot_path,
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
             "No display? Use --headless, or run the app under xvfb-run with --screenshot.");

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
    std::puts(kVersion);
    result.exit_code = 0;
    return result;
  }
  if (list) {
    std::fputs(scenario_list().c_str(), stdout);
    result.exit_code = 0;
    return result;
  }
  o.scenario_given = scen->count() > 0;
  if (find_scenario(o.scenario) == nullptr) {
    std::fprintf(stderr, "pollscope: unknown scenario '%s'\n%s", o.scenario.c_str(),
                 scenario_list().c_str());
    result.exit_code = 2;
    return result;
  }
  return result;
}

} // namespace pollscope
