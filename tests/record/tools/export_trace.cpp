// pollscope-export-trace: a developer tool until the CLI grows --record and
// --export-trace. Runs a scenario (real clock unless --virtual) and writes
// its Chrome trace and/or its .pscope recording, or exports a recording:
//
//   pollscope-export-trace --scenario hello-world --trace hello.json
//   pollscope-export-trace --scenario random-timers --count 50 --record run.pscope
//   pollscope-export-trace --open run.pscope --trace run.json
//
// The e2e speedscope check and the fuzz corpus script call it. Bad input: a
// message on stderr and exit status 2.
#include "record/chrome_trace.hpp"
#include "record/recording_file.hpp"
#include "runtime/clock.hpp"
#include "runtime/event_log.hpp"
#include "runtime/executor.hpp"
#include "runtime/runtime_context.hpp"
#include "runtime/scenarios.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <thread>

using namespace pollscope;

int main(int argc, char** argv) {
  CLI::App app{"pollscope-export-trace: run a scenario or open a recording; write a Chrome trace "
               "and/or a .pscope recording"};
  std::string scenario, open_path, trace_path, record_path;
  ScenarioParams params;
  bool virtual_clock = false;
  std::size_t batch = 0;
  auto* sc =
      app.add_option("--scenario", scenario, "scenario to run (see pollscope --list-scenarios)");
  auto* op = app.add_option("--open", open_path, "a .pscope recording to export instead");
  sc->excludes(op);
  app.add_option("--count", params.count, "random-timers: timer tasks")
      ->check(CLI::Range(1u, 10000u));
  app.add_option("--seed", params.seed, "random-timers: durations' seed");
  app.add_flag("--virtual", virtual_clock, "virtual clock: timers are instant");
  app.add_option("--trace", trace_path, "write the Chrome trace JSON here");
  app.add_option("--record", record_path, "write the .pscope recording here");
  app.add_option("--batch", batch,
                 "stream the recording in batches of this many events (0: save at once)");
  try {
    app.parse(argc, argv);
    if (scenario.empty() && open_path.empty())
      throw CLI::ValidationError("--scenario or --open", "one of them is required");
    if (trace_path.empty() && record_path.empty())
      throw CLI::ValidationError("--trace or --record", "say what to write");
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::Error& e) {
    (void)app.exit(e);
    return 2;
  }

  StringTable strings;
  std::vector<Event> events;
  RecordingHeader header;
  if (!open_path.empty()) {
    RecordingInfo info;
    if (auto s = load_recording(open_path, strings, events, info); !s) {
      std::fprintf(stderr, "pollscope-export-trace: %s\n", s.error.c_str());
      return 2;
    }
    if (!info.notice.empty())
      std::fprintf(stderr, "pollscope-export-trace: %s\n", info.notice.c_str());
    header = info.header;
  } else {
    const Scenario* s = find_scenario(scenario);
    if (s == nullptr) {
      std::fprintf(stderr, "pollscope-export-trace: unknown scenario '%s'\n", scenario.c_str());
      return 2;
    }
    std::unique_ptr<Clock> clock;
    if (virtual_clock) {
      clock = std::make_unique<VirtualClock>(/*auto_advance=*/true);
    } else {
      clock = std::make_unique<RealClock>();
    }
    EventLog log(std::size_t{1} << 22);
    {
      RuntimeContext rt(RuntimeContext::Options{clock.get(), &strings, &log, false});
      std::thread runner([&] {
        auto [executor, spawner] = executor_and_spawner(rt);
        if (!s->spawn(spawner, params))
          std::fprintf(stderr, "pollscope-export-trace: queue full\n");
        spawner = Spawner{};
        executor.run();
      });
      runner.join();
    }
    log.drain(events);
    header.clock = virtual_clock ? RecordedClock::Virtual : RecordedClock::Real;
    header.metadata = recording_metadata(
        scenario, {{"count", params.count}, {"seed", params.seed}, {"virtual", virtual_clock}});
  }
  if (!record_path.empty() && batch > 0) {
    // As a live run streams: one append per drained batch, then the footer.
    RecordingWriter w;
    RecordingStatus s = w.open(record_path, header);
    for (std::size_t i = 0; s && i < events.size(); i += batch)
      s = w.append(std::span(events).subspan(i, std::min(batch, events.size() - i)), strings);
    if (s) s = w.finish();
    if (!s) {
      std::fprintf(stderr, "pollscope-export-trace: %s\n", s.error.c_str());
      return 1;
    }
  } else if (!record_path.empty()) {
    if (auto s = save_recording(record_path, events, strings, header); !s) {
      std::fprintf(stderr, "pollscope-export-trace: %s\n", s.error.c_str());
      return 1;
    }
  }
  if (!trace_path.empty()) {
    ChromeTraceStats stats;
    if (auto s = export_chrome_trace(trace_path, events, strings, &stats); !s) {
      std::fprintf(stderr, "pollscope-export-trace: %s\n", s.error.c_str());
      return 1;
    }
    std::fprintf(stderr,
                 "pollscope-export-trace: %zu events -> %llu polls, %llu flows, %llu threads\n",
                 events.size(), static_cast<unsigned long long>(stats.polls),
                 static_cast<unsigned long long>(stats.flows),
                 static_cast<unsigned long long>(stats.threads));
  }
  return 0;
}
