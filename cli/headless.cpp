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
//
// A run that can make no more progress (a deadlock, or tasks nothing is left
// to wake) is stopped the same way, by the pump thread, the moment the folded
// state shows it (see "stalls" below): it prints why, the lints with --lint,
// and exits 1 (3 with --lint when a lint fired). Deterministic: no timeout.
//
// --metrics-json FILE|-: at the end, the run's RunMetrics as one JSON object
// (cli/compare_run.hpp documents its fields). With "-" the object is all that
// goes to stdout: no header, timeline, output lines, summary or lints (they
// are in the object); messages still go to stderr and the exit status is as
// without it. This is how compare mode measures a side in a child process.
// --compare (or a lesson's "compare" section) runs cli/compare_headless.cpp.
#include "cli.hpp"

#include "cli/compare_run.hpp"
#include "cli/replay.hpp"
#include "cli/timeline.hpp"
#include "fold/describe.hpp"
#include "fold/lints.hpp"
#include "fold/metrics.hpp"
#include "record/display_time.hpp"
#include "record/events_file.hpp"
#include "record/fold_pump.hpp"
#include "runtime/channel.hpp"
#include "runtime/clock.hpp"
#include "runtime/delivery_gate.hpp"
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
#include <fstream>
#include <memory>
#include <mutex>
#include <pthread.h>
#include <signal.h>
#include <string>
#include <thread>
#include <vector>

namespace pollscope {
namespace {

// Sent by the main thread to the signal thread when run() has returned. It is
// blocked like the quit signals, so it is only ever taken by sigwaitinfo.
constexpr int kRunEnded = SIGUSR1;

// --- Stalls: a run that can make no more progress ----------------------------
//
// Read from the fold's state as of each event, on the pump thread. A folded
// prefix of the log is consistent (each thread logs in program order, a push
// before its pop, SendUnblocked before the push it makes), so once either
// test holds it holds for good: no thread is left that could log another
// event, until the stop itself.
//   - A deadlock: the fold's wait-for cycle (fold/lints.hpp) is active. It
//     is closed for good: only the executor empties the queue, and through a
//     timer's lock the fold counts the cycle only while the queue is full.
//   - Nothing left to wake a task: the executor waits on an empty queue, no
//     sender is blocked, every timer has exited, and tasks are still alive.
//     Nothing outside the runtime sends: the spawner is gone before run().

std::string cycle_words(const std::vector<fold::WaitParty>& parties) {
  std::string out;
  for (const fold::WaitParty& p : parties) out += fold::party_label(p) + " -> ";
  return out + "executor";
}

std::string deadlock(const fold::FoldState& s) {
  const fold::WaitForCycle& cycle = s.lints.cycle;
  return cycle.active() ? "deadlock \u2014 " + cycle_words(cycle.parties) : std::string();
}

std::string nothing_can_wake(const fold::FoldState& s, const StringTable& strings) {
  const fold::ExecutorView& x = s.executor;
  if (!x.waiting || x.done || !s.queue.entries.empty() || !s.queue.blocked.empty() ||
      s.queue.closed || s.counters.live_tasks == 0)
    return {};
  // Every timer remembered is finished (forgotten ones always are).
  if (s.timers.size() != s.counters.finished_timers) return {};
  std::vector<TaskId> stuck;
  for (const fold::TaskView& t : s.tasks.items())
    if (!t.dropped && !t.completed) stuck.push_back(t.id);
  if (stuck.empty()) {
    return "nothing left to run, yet " + std::to_string(s.counters.live_tasks) +
           " finished task(s) are still held, so the run queue never closes";
  }
  constexpr std::size_t kNamed = 4;
  std::string out =
      stuck.size() == 1 ? "nothing left that can wake task " : "nothing left that can wake tasks ";
  for (std::size_t i = 0; i < stuck.size() && i < kNamed; ++i) {
    if (i > 0) out += i + 1 == stuck.size() ? " and " : ", ";
    // task_label says "task 1 (name)": drop the word, the list says it once.
    std::string label = fold::task_label(stuck[i], strings, &s);
    out += label.rfind("task ", 0) == 0 ? label.substr(5) : label;
  }
  if (stuck.size() > kNamed) out += " and " + std::to_string(stuck.size() - kNamed) + " more";
  return out;
}

// Why the run, as the state shows it, can never move again; "" while it can.
std::string stall(const fold::FoldState& s, const StringTable& strings) {
  if (std::string why = deadlock(s); !why.empty()) return why;
  return nothing_can_wake(s, strings);
}

// Stops the runtime the way a reset does (shuts its channel, cancels its
// timer threads), once, for whichever reason comes first: a quit signal (the
// signal thread) or a stall (the pump thread). Any thread: neither action
// waits for a runtime thread or logs an event, so the pump, the log's only
// consumer, may take them. Armed while the executor and its channel exist.
class RunStopper {
public:
  void arm(SyncChannel& channel, TimerThreads& timers) {
    std::lock_guard lock(mutex_);
    channel_ = &channel;
    timers_ = &timers;
  }
  void disarm() { // run() returned: the channel is about to go
    std::lock_guard lock(mutex_);
    channel_ = nullptr;
    timers_ = nullptr;
  }
  // `signal` 0: a stall, said by `why`. False if already stopped or not armed.
  bool stop(int signal, std::string why) {
    std::lock_guard lock(mutex_);
    if (channel_ == nullptr || stopped_) return false;
    stopped_ = true;
    signal_ = signal;
    why_ = std::move(why);
    channel_->shut_down(); // blocked senders give up; wakes fail
    timers_->cancel();     // timer threads drop their wakers: tasks go
    return true;
  }
  [[nodiscard]] bool stopped() const {
    std::lock_guard lock(mutex_);
    return stopped_;
  }
  [[nodiscard]] int signal() const {
    std::lock_guard lock(mutex_);
    return signal_;
  }
  [[nodiscard]] std::string why() const {
    std::lock_guard lock(mutex_);
    return why_;
  }

private:
  mutable std::mutex mutex_;
  SyncChannel* channel_ = nullptr;
  TimerThreads* timers_ = nullptr;
  bool stopped_ = false;
  int signal_ = 0;
  std::string why_;
};

// What --lint prints, one line per lint (the metrics JSON's "lint_lines").
std::vector<std::string> lint_lines(const fold::FoldState& state, const StringTable& strings) {
  std::vector<std::string> out;
  for (const fold::Lint& l : fold::evaluate(state, fold::LintThresholds{})) {
    char where[96];
    std::snprintf(where, sizeof where, " (x%llu; first at event #%llu, %.3f s)",
                  static_cast<unsigned long long>(l.count),
                  static_cast<unsigned long long>(l.event), static_cast<double>(l.t) / 1e9);
    std::string kind(fold::to_string(l.kind));
    kind.resize(std::max<std::size_t>(kind.size(), 18), ' ');
    out.push_back(kind + " " + fold::message(l, state, strings) + where);
  }
  return out;
}

// --metrics-json: false (and a message on stderr) if the file cannot be written.
bool write_metrics(const std::string& path, const std::string& json) {
  if (path == "-") {
    std::fputs(json.c_str(), stdout);
    std::fputc('\n', stdout);
    return true; // a failed stdout is caught by the flush check after it
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << json << '\n';
  out.close();
  if (!out) {
    std::fprintf(stderr, "pollscope: --metrics-json: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

} // namespace

int run_headless(const CliOptions& o) {
  if (o.compare) return run_compare_headless(o);
  const Scenario* scenario = find_scenario(o.scenario);
  if (scenario == nullptr) {
    std::fprintf(stderr, "pollscope: unknown scenario '%s' (see --list-scenarios)\n",
                 o.scenario.c_str());
    return 2;
  }
  const bool print = o.metrics_path != "-"; // "-": stdout carries the JSON alone
  if (!o.deliver.empty() && o.clock != "virtual") {
    std::fprintf(stderr, "pollscope: --deliver needs --clock virtual (the delivery gate holds "
                         "timers that are due on the virtual clock)\n");
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
  RuntimeContext rt({clock.get(), &strings, &log, false, o.timer_policy});
  // --deliver: due timers' wakes wait for their turn in the chosen order.
  if (!o.deliver.empty()) rt.gate().enable(DeliveryGate::Mode::Scripted, o.deliver);

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

  RunStopper stopper;
  bool stall_seen = false;   // pump thread only
  record::DisplayTime shown; // pump thread only
  record::FoldPump pump(
      log,
      [&](std::span<const Event> batch) {
        json.write(batch, strings);
        recording.write(batch, strings);
        std::fflush(stdout);
      },
      [&](const Event& e, const fold::FoldState& state) {
        if (print) print_event(e, shown.next(e), strings, state, o.quiet_timeline);
        if (stall_seen) return;
        if (std::string why = stall(state, strings); !why.empty()) {
          stall_seen = true;
          char where[96];
          std::snprintf(where, sizeof where, " (at event #%llu, %.3f s)",
                        static_cast<unsigned long long>(state.log.events_applied - 1),
                        static_cast<double>(e.t) / 1e9);
          // Here, in the timeline's order: what follows is the teardown (a
          // deadlocked poll may even finish once its timer's send gives up).
          if (stopper.stop(0, why + where) && print)
            std::printf("stopped: %s%s; tearing the runtime down\n", why.c_str(), where);
        }
      });

  if (print) print_timeline_header(scenario->name, o.clock);
  const auto wall0 = std::chrono::steady_clock::now();
  std::uint64_t polls = 0;
  bool spawned = false;
  std::atomic<int> signal_taken{0};
  {
    auto [executor, spawner] = executor_and_spawner(rt, o.capacity, o.queue_policy, o.timer_policy);
    stopper.arm(executor.channel(), rt.timers());
    std::thread signals([&] {
      for (;;) {
        const int sig = sigwaitinfo(&quit_signals, nullptr);
        if (sig == kRunEnded) return;
        if (sig == SIGINT || sig == SIGTERM) {
          signal_taken.store(sig, std::memory_order_relaxed);
          (void)stopper.stop(sig, {});
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
    stopper.disarm();
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

  if (const int sig = stopper.signal(); sig != 0) {
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
  if (const std::vector<TimerId> left = rt.gate().script_left();
      !left.empty() && !stopper.stopped()) {
    // The run went on in deadline order; the user asked for another.
    std::string order;
    for (const TimerId id : left) order += (order.empty() ? "" : ",") + std::to_string(id);
    std::fprintf(stderr,
                 "pollscope: --deliver: timer %llu never became due in this run (timers are "
                 "numbered 1, 2, ... in the order the run makes them), so the order from it on "
                 "(%s) was not applied\n",
                 static_cast<unsigned long long>(left.front()), order.c_str());
    return 2;
  }
  const bool stalled = stopper.stopped();
  const record::Snapshot& last = pump.latest();
  if (!o.metrics_path.empty()) {
    MetricsReport report;
    report.metrics = fold::run_metrics(last.state, &pump.timeline(), last.events.count);
    report.scenario = scenario->name;
    report.queue_policy = o.queue_policy;
    report.timer_policy = o.timer_policy;
    report.elapsed_ns = static_cast<std::uint64_t>(wall * 1e9);
    report.peak_rss_kib = own_peak_rss_kib();
    report.lint_lines = lint_lines(last.state, strings);
    report.stopped = stalled ? stopper.why() : std::string();
    if (!write_metrics(o.metrics_path, metrics_json(report))) return 2;
  }
  if (!print) {
    // Only the JSON went to stdout; the status is the run's, as without it.
    if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
      std::fprintf(stderr, "pollscope: writing to standard output failed (disk full?)\n");
      return 2;
    }
    if (o.lint && !fold::evaluate(last.state, fold::LintThresholds{}).empty()) return 3;
    return stalled ? 1 : 0;
  }
  if (stalled) {
    std::printf("executor: run() returned once stopped, after %llu polls, %.3f s of %s time\n",
                static_cast<unsigned long long>(polls), runtime_secs, o.clock.c_str());
  } else {
    std::printf(
        "executor: run() returned: channel closed and empty after %llu polls, %.3f s of %s time "
        "(%.3f s wall)\n",
        static_cast<unsigned long long>(polls), runtime_secs, o.clock.c_str(), wall);
  }
  if (!o.events_path.empty()) {
    std::printf("events: %llu written to %s\n", static_cast<unsigned long long>(json.written()),
                o.events_path.c_str());
  }
  // Like a failed --events file: output that went nowhere is a failed run.
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    std::fprintf(stderr, "pollscope: writing to standard output failed (disk full?)\n");
    return 2;
  }
  // A stalled run did not complete: 1, or 3 when --lint found the fault.
  const int lint_status = o.lint ? print_lints(last.state, strings) : 0;
  if (lint_status != 0) return lint_status;
  return stalled ? 1 : 0;
}

} // namespace pollscope
