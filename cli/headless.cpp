// The headless path: a scenario run on this thread by the book's
// Executor::run(), with the record layer's FoldPump draining the event log,
// folding it, and printing a readable timeline as it happens (the same pump
// the GUI uses).
//
// Threading: the main thread runs the executor; the pump thread is the log's
// only consumer and the only user of the printer and the JSON writer. Every
// event must reach the file and the timeline: timer threads log their exit
// after their last wake, so after run() returns the main thread joins them
// (TimerThreads::shutdown) and only then stops the pump, which drains the log
// to its end before it returns.
//
// SIGINT and SIGTERM are blocked in every thread and taken by a signal thread
// (sigwaitinfo), which stops the runtime the way a reset does: it shuts the
// channel and cancels the timer threads, so run() returns, the timeline and
// the --events file are complete, and the exit status is 128 + the signal.
#include "cli.hpp"

#include "cli/replay.hpp"
#include "cli/timeline.hpp"
#include "fold/describe.hpp"
#include "fold/lints.hpp"
#include "record/display_time.hpp"
#include "record/events_file.hpp"
#include "record/fold_pump.hpp"
#include "runtime/clock.hpp"
#include "runtime/event_log.hpp"
#include "runtime/executor.hpp"
#include "runtime/runtime_context.hpp"
#include "runtime/scenarios.hpp"
#include "runtime/string_table.hpp"
#include "runtime/timer_threads.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <pthread.h>
#include <signal.h>
#include <thread>
#include <vector>

namespace pollscope {
namespace {

// Sent by the main thread to the signal thread when run() has returned. It is
// blocked like the quit signals, so it is only ever taken by sigwaitinfo.
constexpr int kRunEnded = SIGUSR1;

} // namespace

int run_headless(const CliOptions& o) {
  const Scenario* scenario = find_scenario(o.scenario);
  if (scenario == nullptr) {
    std::fprintf(stderr, "pollscope: unknown scenario '%s' (see --list-scenarios)\n",
                 o.scenario.c_str());
    return 2;
  }
  record::EventsFile json;
  if (!o.events_path.empty()) {
    std::string error;
    if (!json.open(o.events_path, error)) {
      std::fprintf(stderr, "pollscope: %s\n", error.c_str());
      return 2;
    }
  }

  LiveRecording recording; // --record: streamed batch by batch on the pump thread
  if (const RecordingStatus r = recording.open(o.record_path, live_recording_header(o)); !r) {
    std::fprintf(stderr, "pollscope: %s\n", r.error.c_str());
    return 2;
  }

  std::unique_ptr<Clock> clock;
  if (o.clock == "virtual") {
    clock = std::make_unique<VirtualClock>();
  } else {
    clock = std::make_unique<RealClock>(o.time_scale);
  }
  StringTable strings;
  EventLog log(std::size_t{1} << 16);
  RuntimeContext rt({clock.get(), &strings, &log, false});

  // Before any thread starts: every thread (pump, timer threads) inherits
  // the mask, so only the signal thread below receives them.
  sigset_t quit_signals;
  sigemptyset(&quit_signals);
  sigaddset(&quit_signals, SIGINT);
  sigaddset(&quit_signals, SIGTERM);
  sigaddset(&quit_signals, kRunEnded);
  // Left blocked when the run is over: a signal that comes that late finds
  // nothing to stop, and the process is about to exit with the run's status.
  pthread_sigmask(SIG_BLOCK, &quit_signals, nullptr);

  record::DisplayTime shown; // pump thread only
  record::FoldPump pump(
      log,
      [&](std::span<const Event> batch) {
        json.write(batch, strings);
        recording.write(batch, strings);
        std::fflush(stdout);
      },
      [&](const Event& e, const fold::FoldState& state) {
        print_event(e, shown.next(e), strings, state, o.quiet_timeline);
      });

  print_timeline_header(scenario->name, o.clock);
  const auto wall0 = std::chrono::steady_clock::now();
  std::uint64_t polls = 0;
  bool spawned = false;
  std::atomic<int> signal_taken{0};
  {
    auto [executor, spawner] = executor_and_spawner(rt, o.capacity);
    std::thread signals([&, channel = &executor.channel()] {
      for (;;) {
        const int sig = sigwaitinfo(&quit_signals, nullptr);
        if (sig == kRunEnded) return;
        if (sig == SIGINT || sig == SIGTERM) {
          signal_taken.store(sig, std::memory_order_relaxed);
          channel->shut_down(); // blocked senders give up; wakes fail
          rt.timers().cancel(); // timer threads drop their wakers: tasks go
          return;
        }
      }
    });
    ScenarioParams params;
    params.count = o.count;
    params.seed = o.seed;
    spawned = scenario->spawn(spawner, params);
    spawner = Spawner{}; // drop(spawner): run() returns once every task is done
    polls = executor.run();
    if (signal_taken.load(std::memory_order_relaxed) == 0)
      pthread_kill(signals.native_handle(), kRunEnded); // no signal came: stop waiting for one
    signals.join();
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const double runtime_secs = static_cast<double>(clock->now_ns()) / 1e9;
  // Timer threads log their exit after their last wake: join them, then
  // drain to the end of the log, so the file and the timeline get it all.
  rt.timers().shutdown();
  pump.stop();
  // A stopped run's recording is complete up to the stop too.
  const RecordingStatus recorded = recording.finish();
  if (!recorded) std::fprintf(stderr, "pollscope: %s\n", recorded.error.c_str());
  if (!o.trace_path.empty()) {
    const record::Snapshot& last = pump.latest();
    if (const RecordingStatus s = export_trace(o.trace_path, last.events.all(), strings); !s) {
      std::fprintf(stderr, "pollscope: %s\n", s.error.c_str());
      return 2;
    }
  }

  if (const int sig = signal_taken.load(); sig != 0) {
    (void)json.close();
    std::fflush(stdout);
    std::fprintf(stderr, "pollscope: %s: stopped the runtime after %llu polls\n",
                 sig == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)",
                 static_cast<unsigned long long>(polls));
    return 128 + sig;
  }

  if (!recorded) return 2;
  if (!json.close()) {
    std::fprintf(stderr, "pollscope: %s\n", json.error().c_str());
    return 2;
  }
  if (!spawned) {
    std::fprintf(stderr,
                 "pollscope: the run queue (capacity %zu) filled up before the scenario had "
                 "spawned every task; "
                 "use a larger --capacity\n",
                 o.capacity);
    return 2;
  }
  std::printf(
      "executor: run() returned: channel closed and empty after %llu polls, %.3f s of %s time "
      "(%.3f s wall)\n",
      static_cast<unsigned long long>(polls), runtime_secs, o.clock.c_str(), wall);
  if (!o.events_path.empty()) {
    std::printf("events: %llu written to %s\n", static_cast<unsigned long long>(json.written()),
                o.events_path.c_str());
  }
  // Like a failed --events file: output that went nowhere is a failed run.
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    std::fprintf(stderr, "pollscope: writing to standard output failed (disk full?)\n");
    return 2;
  }
  return o.lint ? print_lints(pump.latest().state, strings) : 0;
}

} // namespace pollscope
