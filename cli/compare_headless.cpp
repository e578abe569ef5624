// Compare mode without a window (issue #14 §2): the same scenario under two
// policy sets, each side run to its end in a child process of its own (so
// each has its own peak RSS), both at once; then each side's lints and one
// metrics table, A and B side by side.
//
// Threading: the main thread starts one worker per side (each blocks in
// run_side_in_child) and joins them. SIGINT and SIGTERM are blocked and taken
// by a signal thread, which sets `cancel`: the workers kill their children,
// and the run exits 128 + the signal. The children start with the signals
// unblocked (run_side_in_child), so a terminal's Ctrl+C reaches them too.
#include "cli.hpp"

#include "cli/compare_run.hpp"
#include "runtime/scenarios.hpp"

#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <pthread.h>
#include <signal.h>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace pollscope {
namespace {

// fmt::print throws when stdout fails (a full disk); the flush check at the
// end reports that as the rest of the CLI does, so write with stdio.
template <typename... Args>
void say(fmt::format_string<Args...> f, Args&&... args) {
  std::fputs(fmt::format(f, std::forward<Args>(args)...).c_str(), stdout);
}

struct Side {
  char letter = 'A';
  QueuePolicy queue = QueuePolicy::Book;
  TimerPolicy timer = TimerPolicy::ThreadPerTimer;
  SideRun run;
  [[nodiscard]] std::string title() const {
    return fmt::format("{}: {}, {}", letter, to_string(queue), to_string(timer));
  }
};

// The child's command line: this run's scenario and clock flags, the side's
// policies, and its metrics on stdout.
std::vector<std::string> side_args(const CliOptions& o, const Side& side) {
  std::vector<std::string> a{"--headless"};
  if (!o.scenario_file.empty()) {
    a.insert(a.end(), {"--scenario-file", o.scenario_file});
  } else {
    a.insert(a.end(), {"--scenario", o.scenario});
  }
  a.insert(a.end(),
           {"--clock", o.clock, "--time-scale", fmt::format("{}", o.time_scale), "--capacity",
            std::to_string(o.capacity), "--count", std::to_string(o.count), "--seed",
            std::to_string(o.seed), "--queue-policy", std::string(to_string(side.queue)),
            "--timer-policy", std::string(to_string(side.timer)), "--metrics-json", "-"});
  // The files of a run, one per side (cli.cpp refused "-" for them).
  const std::pair<const char*, const std::string*> files[] = {{"--record", &o.record_path},
                                                              {"--events", &o.events_path},
                                                              {"--export-trace", &o.trace_path}};
  for (const auto& [flag, path] : files)
    if (!path->empty()) a.insert(a.end(), {flag, compare_side_file(*path, side.letter)});
  return a;
}

// "side A wrote run-A.pscope (recording), ..." for the files a side that
// finished was asked to write.
void print_files(const CliOptions& o, const Side& s) {
  if (!s.run.metrics) return;
  const std::pair<const char*, const std::string*> files[] = {
      {"recording", &o.record_path}, {"events", &o.events_path}, {"trace", &o.trace_path}};
  std::string list;
  for (const auto& [what, path] : files) {
    if (path->empty()) continue;
    if (!list.empty()) list += ", ";
    list += fmt::format("{} ({})", compare_side_file(*path, s.letter), what);
  }
  if (!list.empty()) say("side {} wrote {}\n", s.letter, list);
}

std::string duration(std::uint64_t ns) {
  if (ns < 1000) return fmt::format("{} ns", ns);
  if (ns < 1'000'000) return fmt::format("{:.1f} us", static_cast<double>(ns) / 1e3);
  if (ns < 1'000'000'000) return fmt::format("{:.2f} ms", static_cast<double>(ns) / 1e6);
  return fmt::format("{:.3f} s", static_cast<double>(ns) / 1e9);
}

std::string percentiles(const fold::MetricPercentiles& p) {
  if (p.samples == 0) return "-";
  return fmt::format("{} / {} (n={})", duration(p.p50_ns), duration(p.p99_ns), p.samples);
}

using Cell = std::string (*)(const Side&);

struct Row {
  const char* label;
  Cell cell;
};

// The table's rows, in the order, then where the wakes went.
const Row kRows[] = {
    {"polls", [](const Side& s) { return std::to_string(s.run.metrics->polls); }},
    {"duplicate entries",
     [](const Side& s) { return std::to_string(s.run.metrics->duplicate_entries); }},
    {"peak timer threads",
     [](const Side& s) { return std::to_string(s.run.metrics->peak_timer_threads); }},
    {"peak RSS",
     [](const Side& s) {
       return fmt::format("{:.1f} MiB", static_cast<double>(s.run.peak_rss_kib) / 1024.0);
     }},
    {"wall time", [](const Side& s) { return duration(s.run.elapsed_ns); }},
    {"run time (its clock)", [](const Side& s) { return duration(s.run.metrics->wall_ns); }},
    {"timer lateness p50/p99",
     [](const Side& s) { return percentiles(s.run.metrics->timer_lateness); }},
    {"scheduled delay p50/p99",
     [](const Side& s) { return percentiles(s.run.metrics->scheduled_delay); }},
    {"wakes into the channel",
     [](const Side& s) { return std::to_string(s.run.metrics->channel_wakes); }},
    {"wakes into the local queue",
     [](const Side& s) { return std::to_string(s.run.metrics->local_wakes); }},
    {"lints", [](const Side& s) { return std::to_string(s.run.metrics->lints); }},
};

void print_side(const Side& s) {
  if (!s.run.metrics) {
    say("{}: failed: {}\n", s.title(), s.run.error);
    return;
  }
  if (!s.run.stopped.empty()) say("{}: stopped: {}\n", s.title(), s.run.stopped);
  if (s.run.lint_lines.empty()) {
    say("{}: lints: none\n", s.title());
    return;
  }
  say("{}: lints: {} fired\n", s.title(), s.run.lint_lines.size());
  for (const std::string& line : s.run.lint_lines) say("  {}\n", line);
}

void print_table(const Side& a, const Side& b) {
  std::size_t label_w = 0, a_w = a.title().size(), b_w = b.title().size();
  std::vector<std::pair<std::string, std::string>> cells;
  for (const Row& r : kRows) {
    cells.emplace_back(a.run.metrics ? r.cell(a) : "-", b.run.metrics ? r.cell(b) : "-");
    label_w = std::max(label_w, std::string_view(r.label).size());
    a_w = std::max(a_w, cells.back().first.size());
    b_w = std::max(b_w, cells.back().second.size());
  }
  say("\n{:<{}}  {:<{}}  {}\n", "", label_w, a.title(), a_w, b.title());
  say("{:-<{}}  {:-<{}}  {:-<{}}\n", "", label_w, "", a_w, "", b_w);
  for (std::size_t i = 0; i < cells.size(); ++i)
    say("{:<{}}  {:<{}}  {}\n", kRows[i].label, label_w, cells[i].first, a_w, cells[i].second);
}

// Run and report; `cancel` is set by the signal thread.
int compare(const CliOptions& o, const std::string& exe, const std::atomic<bool>& cancel) {
  const Scenario* scenario = find_scenario(o.scenario);
  Side a{'A', o.queue_policy, o.timer_policy, {}};
  Side b{'B', o.compare_queue_policy, o.compare_timer_policy, {}};
  say("pollscope: compare mode, scenario {} on the {} clock\n", o.scenario, o.clock);
  if (scenario != nullptr && scenario->compare && !scenario->compare->lesson.empty())
    say("lesson: {}\n", scenario->compare->lesson);
  say("running {} and {}, each in a process of its own, at once...\n", a.title(), b.title());
  std::fflush(stdout);
  {
    std::thread other([&] { b.run = run_side_in_child(exe, side_args(o, b), &cancel); });
    a.run = run_side_in_child(exe, side_args(o, a), &cancel);
    other.join();
  }
  if (cancel.load(std::memory_order_relaxed)) return 0; // the caller reports the signal
  say("\n");
  print_side(a);
  print_side(b);
  print_table(a, b);
  if (!o.record_path.empty() || !o.events_path.empty() || !o.trace_path.empty()) {
    say("\n");
    print_files(o, a);
    print_files(o, b);
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    std::fprintf(stderr, "pollscope: writing to standard output failed (disk full?)\n");
    return 2;
  }
  // A side that refused its input refused ours: the same flags.
  if (a.run.exit_status == 2 || b.run.exit_status == 2) return 2;
  if (!a.run.metrics || !b.run.metrics) return 1;
  if (o.lint && (a.run.metrics->lints > 0 || b.run.metrics->lints > 0)) return 3;
  // As a single run: a side that stopped itself (a deadlock) did not complete.
  return a.run.stopped.empty() && b.run.stopped.empty() ? 0 : 1;
}

} // namespace

int run_compare_headless(const CliOptions& o, const std::string& exe) {
  if (o.queue_policy == o.compare_queue_policy && o.timer_policy == o.compare_timer_policy) {
    std::fprintf(stderr,
                 "pollscope: --compare: side B runs the same policies as side A (%s, %s); name "
                 "another, e.g. --compare notified or --compare timer-thread\n",
                 std::string(to_string(o.queue_policy)).c_str(),
                 std::string(to_string(o.timer_policy)).c_str());
    return 2;
  }
  if (find_scenario(o.scenario) == nullptr) {
    std::fprintf(stderr, "pollscope: unknown scenario '%s' (see --list-scenarios)\n",
                 o.scenario.c_str());
    return 2;
  }
  // As run_headless: the quit signals go to one thread, which cancels the sides.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1); // "the sides are done": stops the signal thread
  sigset_t old;
  pthread_sigmask(SIG_BLOCK, &signals, &old);
  std::atomic<bool> cancel{false};
  std::atomic<int> taken{0};
  std::thread waiter([&] {
    for (;;) {
      const int sig = sigwaitinfo(&signals, nullptr);
      if (sig == SIGUSR1) return;
      if (sig == SIGINT || sig == SIGTERM) {
        taken.store(sig, std::memory_order_relaxed);
        cancel.store(true, std::memory_order_relaxed);
        return;
      }
    }
  });
  const int status = compare(o, exe, cancel);
  if (taken.load(std::memory_order_relaxed) == 0) pthread_kill(waiter.native_handle(), SIGUSR1);
  waiter.join();
  // A SIGUSR1 still pending (the waiter had already returned) must not be
  // delivered once unblocked: take it while it is still blocked.
  const timespec zero{0, 0};
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  while (sigtimedwait(&usr1, nullptr, &zero) == SIGUSR1) {
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (const int sig = taken.load(std::memory_order_relaxed); sig != 0) {
    std::fprintf(stderr, "pollscope: %s: stopped both sides\n",
                 sig == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)");
    return 128 + sig;
  }
  return status;
}

} // namespace pollscope
