// Compare mode on the command line: its flags and what they refuse, the
// metrics JSON (--metrics-json) and its parser, a side measured in a child
// process (run_side_in_child: never a hang, a zombie or a leaked fd), and the
// headless compare's table and exit status. The children here are small
// shell scripts standing in for pollscope, so these tests need no second
// binary; tests/e2e/cli_e2e.py runs the real one.
#include "cli/cli.hpp"
#include "cli/compare_run.hpp"
#include "common/scratch_dir.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

using namespace pollscope;
using pollscope::test::Scratch;

namespace {

CliParse parse(std::vector<std::string> args) {
  args.insert(args.begin(), "pollscope");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return parse_cli(static_cast<int>(argv.size()), argv.data());
}

// What `run` printed on stdout (stdout points at a file meanwhile).
std::string captured(const std::function<int()>& run, const Scratch& scratch, int& status) {
  const std::string path = scratch / "stdout.txt";
  std::fflush(stdout);
  const int saved = ::dup(1);
  REQUIRE(std::freopen(path.c_str(), "w", stdout) != nullptr);
  status = run();
  std::fflush(stdout);
  ::dup2(saved, 1);
  ::close(saved);
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t open_fds() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

// No child of this process is left, not even a zombie.
bool no_children() {
  int status = 0;
  return ::waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD;
}

MetricsReport sample_report() {
  MetricsReport r;
  r.scenario = "double-wake";
  r.queue_policy = QueuePolicy::Local;
  r.timer_policy = TimerPolicy::TimerThread;
  r.metrics.polls = 4;
  r.metrics.duplicate_entries = 1;
  r.metrics.peak_timer_threads = 3;
  r.metrics.wall_ns = 1'000'000'000;
  r.metrics.timer_lateness = {3, 100, 2000};
  r.metrics.scheduled_delay = {4, 50, 900};
  r.metrics.lints = 1;
  r.metrics.finished = true;
  r.metrics.channel_wakes = 2;
  r.metrics.local_wakes = 7;
  r.elapsed_ns = 12345;
  r.lint_lines = {"double wake        task 1 (twice-woken) queued twice"};
  r.stopped = "";
  return r;
}

// A stand-in for pollscope: prints a side's metrics JSON, the duplicates
// depending on the --queue-policy it was given, then exits with `status`.
std::string fake_pollscope(const Scratch& scratch, const char* name, int status) {
  MetricsReport book = sample_report();
  book.queue_policy = QueuePolicy::Book;
  MetricsReport notified = book;
  notified.queue_policy = QueuePolicy::Notified;
  notified.metrics.duplicate_entries = 0;
  notified.metrics.lints = 0;
  notified.lint_lines.clear();
  const std::string path = scratch / name;
  std::ofstream out(path);
  out << "#!/bin/sh\n"
      << "case \"$*\" in\n"
      << "  *'--queue-policy notified'*) echo '" << metrics_json(notified) << "' ;;\n"
      << "  *) echo '" << metrics_json(book) << "' ;;\n"
      << "esac\n"
      << "echo 'pollscope: a message on stderr' >&2\n"
      << "exit " << status << "\n";
  out.close();
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return path;
}

} // namespace

TEST_CASE("the metrics JSON reads back exactly what was written") {
  const MetricsReport r = sample_report();
  MetricsReport back;
  std::string error;
  REQUIRE_MESSAGE(parse_metrics_json(metrics_json(r), back, error), error);
  CHECK(back == r);
}

TEST_CASE("metrics JSON that is not one, or lacks a field, or has a wrong type, is refused with "
          "the field named") {
  const std::string good = metrics_json(sample_report());
  struct Case {
    std::string text;
    const char* message;
  };
  std::string no_polls = good;
  no_polls.replace(no_polls.find("\"polls\""), 7, "\"pulls\"");
  std::string bad_type = good;
  bad_type.replace(bad_type.find("\"finished\":true"), 15, "\"finished\":1");
  const Case cases[] = {
      {"", "metrics JSON"},
      {"[1,2]", "not a JSON object"},
      {"{\"format\": \"other\"}", "not pollscope metrics"},
      {no_polls, "missing field 'polls'"},
      {bad_type, "'finished' is not true or false"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    MetricsReport out;
    std::string error;
    CHECK_FALSE(parse_metrics_json(c.text, out, error));
    CHECK_MESSAGE(error.find(c.message) != std::string::npos, error);
  }
}

TEST_CASE("--metrics-json goes with --headless and names a file or -") {
  CHECK(parse({"--headless", "--metrics-json", "-"}).options.metrics_path == "-");
  CHECK(parse({"--metrics-json", "-"}).exit_code == 2);
  CHECK(parse({"--headless", "--metrics-json", ""}).exit_code == 2);
}

TEST_CASE("a lesson opens in compare mode with its sides, unless --compare or a policy flag says "
          "otherwise") {
  const CliParse lesson = parse({"--headless", "--scenario", "lesson-double-wake"});
  REQUIRE_FALSE(lesson.exit_code);
  CHECK(lesson.options.compare);
  CHECK(lesson.options.queue_policy == QueuePolicy::Book);
  CHECK(lesson.options.compare_queue_policy == QueuePolicy::Notified);

  const CliParse explicit_b =
      parse({"--headless", "--scenario", "lesson-double-wake", "--compare", "local"});
  REQUIRE_FALSE(explicit_b.exit_code);
  CHECK(explicit_b.options.compare);
  CHECK(explicit_b.options.queue_policy == QueuePolicy::Book);
  CHECK(explicit_b.options.compare_queue_policy == QueuePolicy::Local);

  const CliParse one_side =
      parse({"--headless", "--scenario", "lesson-double-wake", "--queue-policy", "notified"});
  REQUIRE_FALSE(one_side.exit_code);
  CHECK_FALSE(one_side.options.compare);
  CHECK(one_side.options.queue_policy == QueuePolicy::Notified);
}

TEST_CASE("headless compare refuses the flags that write or steer one run, with exit 2") {
  for (const std::vector<std::string>& extra : {std::vector<std::string>{"--record", "-"},
                                                {"--events", "-"},
                                                {"--export-trace", "-"},
                                                {"--metrics-json", "-"},
                                                {"--metrics-json", "m.json"},
                                                {"--deliver", "1"}}) {
    CAPTURE(extra[0]);
    std::vector<std::string> args{"--headless", "--scenario", "three-timers", "--clock",
                                  "virtual",    "--compare",  "timer-thread"};
    args.insert(args.end(), extra.begin(), extra.end());
    CHECK(parse(args).exit_code == 2);
    // A lesson's compare section is compare mode too.
    std::vector<std::string> lesson{"--headless", "--scenario", "lesson-double-wake"};
    lesson.insert(lesson.end(), extra.begin(), extra.end());
    CHECK(parse(lesson).exit_code == 2);
  }
}

TEST_CASE("--metrics-json FILE holds the run's metrics, and - puts the JSON alone on stdout") {
  Scratch scratch;
  CliOptions o;
  o.headless = true;
  o.scenario = "double-wake";
  o.clock = "virtual";
  o.metrics_path = scratch / "metrics.json";
  int status = -1;
  const std::string printed = captured([&] { return run_headless(o); }, scratch, status);
  CHECK(status == 0);
  CHECK(printed.find("OUTPUT") != std::string::npos); // the timeline as usual
  std::ifstream in(o.metrics_path);
  std::stringstream file;
  file << in.rdbuf();
  MetricsReport r;
  std::string error;
  REQUIRE_MESSAGE(parse_metrics_json(file.str(), r, error), error);
  CHECK(r.scenario == "double-wake");
  CHECK(r.metrics.duplicate_entries == 1);
  CHECK(r.metrics.finished);
  CHECK(r.lint_lines.size() == r.metrics.lints);

  o.metrics_path = "-";
  o.queue_policy = QueuePolicy::Notified;
  const std::string alone = captured([&] { return run_headless(o); }, scratch, status);
  CHECK(status == 0);
  CHECK(std::count(alone.begin(), alone.end(), '\n') == 1);
  REQUIRE_MESSAGE(parse_metrics_json(alone, r, error), error);
  CHECK(r.queue_policy == QueuePolicy::Notified);
  CHECK(r.metrics.duplicate_entries == 0);
}

TEST_CASE("a side run in a child gives its metrics and its peak RSS, and leaves no child or fd") {
  Scratch scratch;
  const std::size_t fds = open_fds();
  const SideRun r = run_side_in_child(fake_pollscope(scratch, "ok.sh", 0),
                                      {"--queue-policy", "notified"}, nullptr);
  REQUIRE_MESSAGE(r.metrics.has_value(), r.error);
  CHECK(r.metrics->duplicate_entries == 0);
  CHECK(r.elapsed_ns == 12345);
  CHECK(r.peak_rss_kib > 0);
  CHECK(r.exit_status == 0);
  CHECK(open_fds() == fds);
  CHECK(no_children());
}

TEST_CASE("a side that fails, prints no JSON, floods stdout or cannot start is an error, never a "
          "hang") {
  Scratch scratch;
  const std::size_t fds = open_fds();
  const SideRun failed = run_side_in_child(fake_pollscope(scratch, "fail.sh", 5), {}, nullptr);
  CHECK_FALSE(failed.metrics);
  CHECK(failed.exit_status == 5);
  CHECK(failed.error.find("status 5") != std::string::npos);
  CHECK(failed.error.find("a message on stderr") != std::string::npos);

  const SideRun garbage = run_side_in_child("/bin/sh", {"-c", "echo not json"}, nullptr);
  CHECK_FALSE(garbage.metrics);
  CHECK(garbage.error.find("metrics JSON") != std::string::npos);

  const SideRun flood = run_side_in_child("/bin/sh", {"-c", "exec yes"}, nullptr);
  CHECK_FALSE(flood.metrics);
  CHECK(flood.error.find("more than") != std::string::npos);

  const SideRun missing = run_side_in_child(scratch / "no-such-program", {}, nullptr);
  CHECK_FALSE(missing.metrics);
  CHECK(missing.error.find("cannot start") != std::string::npos);

  CHECK(open_fds() == fds);
  CHECK(no_children());
}

TEST_CASE("cancelling a side kills its child, which is reaped") {
  const std::size_t fds = open_fds();
  std::atomic<bool> cancel{false};
  SideRun r;
  // Set before the child starts or while it sleeps: either way it is killed.
  std::thread side([&] { r = run_side_in_child("/bin/sh", {"-c", "exec sleep 600"}, &cancel); });
  cancel.store(true);
  side.join();
  CHECK_FALSE(r.metrics);
  CHECK(r.error == "cancelled");
  CHECK(open_fds() == fds);
  CHECK(no_children());
}

TEST_CASE("headless compare prints both sides' lints and a table with a column per side") {
  Scratch scratch;
  CliOptions o;
  o.headless = true;
  o.scenario = "double-wake";
  o.clock = "virtual";
  o.compare = true;
  o.compare_queue_policy = QueuePolicy::Notified;
  int status = -1;
  const std::string exe = fake_pollscope(scratch, "side.sh", 0);
  const std::string out = captured([&] { return run_compare_headless(o, exe); }, scratch, status);
  CHECK(status == 0);
  CHECK(out.find("A: book, thread-per-timer: lints: 1 fired") != std::string::npos);
  CHECK(out.find("B: notified, thread-per-timer: lints: none") != std::string::npos);
  // The header names each column's policies; the duplicates row says 1 vs 0.
  std::istringstream lines(out);
  std::string header, duplicates;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("A: book, thread-per-timer  B: notified") != std::string::npos) header = line;
    if (line.rfind("duplicate entries", 0) == 0) duplicates = line;
  }
  CHECK_FALSE(header.empty());
  std::istringstream row(duplicates.substr(std::string("duplicate entries").size()));
  std::string a, b;
  row >> a >> b;
  CHECK(a == "1");
  CHECK(b == "0");
  for (const char* label : {"polls", "peak timer threads", "peak RSS", "wall time",
                            "timer lateness p50/p99", "scheduled delay p50/p99"})
    CHECK_MESSAGE(out.find(label) != std::string::npos, label);

  o.lint = true; // side A linted
  (void)captured([&] { return run_compare_headless(o, exe); }, scratch, status);
  CHECK(status == 3);
}

TEST_CASE("headless compare exits 1 when a side fails and 2 when both sides run the same "
          "policies") {
  Scratch scratch;
  CliOptions o;
  o.headless = true;
  o.scenario = "double-wake";
  o.clock = "virtual";
  o.compare = true;
  o.compare_queue_policy = QueuePolicy::Notified;
  int status = -1;
  const std::string failing = fake_pollscope(scratch, "side.sh", 9);
  const std::string out =
      captured([&] { return run_compare_headless(o, failing); }, scratch, status);
  CHECK(status == 1);
  CHECK(out.find("failed: the side exited with status 9") != std::string::npos);

  o.compare_queue_policy = QueuePolicy::Book;
  CHECK(run_compare_headless(o, failing) == 2);
}

TEST_CASE("headless compare writes a file of a run once per side, named for the side") {
  CHECK(compare_side_file("run.pscope", 'A') == "run-A.pscope");
  CHECK(compare_side_file("out/run.events.jsonl", 'B') == "out/run.events-B.jsonl");
  CHECK(compare_side_file("run", 'A') == "run-A");
  CHECK(compare_side_file("my.dir/run", 'B') ==
        "my.dir/run-B"); // a folder's dot is not an extension
  CHECK(compare_side_file(".hidden", 'A') == ".hidden-A");

  for (const char* flag : {"--record", "--events", "--export-trace"}) {
    CAPTURE(flag);
    const CliParse r = parse({"--headless", "--scenario", "double-wake", "--clock", "virtual",
                              "--compare", "notified", flag, "x.out"});
    CHECK_FALSE(r.exit_code.has_value()); // accepted: run
  }

  // Each side's process is asked for its own file; the run says which it wrote.
  Scratch scratch;
  const std::string args_log = scratch / "args.log";
  const std::string exe = scratch / "args.sh";
  {
    MetricsReport book = sample_report();
    std::ofstream out(exe);
    out << "#!/bin/sh\necho \"$*\" >> '" << args_log << "'\necho '" << metrics_json(book) << "'\n";
  }
  std::filesystem::permissions(exe, std::filesystem::perms::owner_all);
  CliOptions o;
  o.headless = true;
  o.scenario = "double-wake";
  o.clock = "virtual";
  o.compare = true;
  o.compare_queue_policy = QueuePolicy::Notified;
  o.record_path = scratch / "run.pscope";
  o.trace_path = scratch / "run.json";
  int status = -1;
  const std::string out = captured([&] { return run_compare_headless(o, exe); }, scratch, status);
  CHECK(status == 0);
  std::ifstream log(args_log);
  std::string a_line, b_line;
  for (std::string line; std::getline(log, line);) {
    if (line.find("--queue-policy book") != std::string::npos) a_line = line;
    if (line.find("--queue-policy notified") != std::string::npos) b_line = line;
  }
  CHECK(a_line.find("--record " + (scratch / "run-A.pscope")) != std::string::npos);
  CHECK(a_line.find("--export-trace " + (scratch / "run-A.json")) != std::string::npos);
  CHECK(b_line.find("--record " + (scratch / "run-B.pscope")) != std::string::npos);
  CHECK(b_line.find("--export-trace " + (scratch / "run-B.json")) != std::string::npos);
  CHECK(out.find("side A wrote " + (scratch / "run-A.pscope") + " (recording), " +
                 (scratch / "run-A.json") + " (trace)") != std::string::npos);
  CHECK(out.find("side B wrote " + (scratch / "run-B.pscope")) != std::string::npos);
}
