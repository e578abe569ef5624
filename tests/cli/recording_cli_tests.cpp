// Recordings on the command line: --record streams a headless run to a
// .pscope file, --open replays it headless as the same timeline text, a
// damaged file gets the loader's message and exit 2, a truncated one opens
// with a notice, and --events / --export-trace export a recording.
#include "common/scratch_dir.hpp"
#include "cli/cli.hpp"
#include "cli/replay.hpp"
#include "record/recording_file.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace pollscope;

namespace {

using pollscope::test::Scratch;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// What `run` printed on stdout and stderr: both file descriptors point at
// files for the call (the printers use stdio and fprintf(stderr)).
struct Printed {
  int status = -1;
  std::string out, err;
};

Printed printed_by(const std::function<int()>& run, const Scratch& scratch) {
  const std::string out_path = scratch / "stdout.txt", err_path = scratch / "stderr.txt";
  std::fflush(stdout);
  std::fflush(stderr);
  const int saved_out = ::dup(1), saved_err = ::dup(2);
  REQUIRE(std::freopen(out_path.c_str(), "w", stdout) != nullptr);
  REQUIRE(std::freopen(err_path.c_str(), "w", stderr) != nullptr);
  Printed p;
  p.status = run();
  std::fflush(stdout);
  std::fflush(stderr);
  ::dup2(saved_out, 1);
  ::dup2(saved_err, 2);
  ::close(saved_out);
  ::close(saved_err);
  p.out = read_file(out_path);
  p.err = read_file(err_path);
  return p;
}

// The timeline: every line but the closing ones, which differ on purpose (a
// live run ends with its wall time, a replay with the file it read).
std::vector<std::string> timeline(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("executor: run() returned") || line.starts_with("recording: ") ||
        line.starts_with("events: "))
      continue;
    lines.push_back(line);
  }
  return lines;
}

CliOptions live_options(const std::string& scenario) {
  CliOptions o;
  o.headless = true;
  o.scenario = scenario;
  o.clock = "virtual";
  o.count = 20;
  o.seed = 7;
  return o;
}

CliParse parse(std::vector<std::string> args) {
  args.insert(args.begin(), "pollscope");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return parse_cli(static_cast<int>(argv.size()), argv.data());
}

} // namespace

TEST_CASE("a recorded headless run opens headless and prints the same timeline as the live run") {
  for (const char* scenario : {"hello-world", "random-timers", "join"}) {
    CAPTURE(scenario);
    Scratch scratch;
    CliOptions live = live_options(scenario);
    live.record_path = scratch / "run.pscope";
    const Printed ran = printed_by([&] { return run_headless(live); }, scratch);
    REQUIRE(ran.status == 0);

    CliOptions open;
    open.headless = true;
    open.open_path = live.record_path;
    const Printed replayed = printed_by([&] { return replay_headless(open); }, scratch);
    REQUIRE(replayed.status == 0);
    CHECK(replayed.err.empty()); // a complete file: no notice
    const std::vector<std::string> a = timeline(ran.out), b = timeline(replayed.out);
    CHECK(a.size() > 10);
    CHECK(a == b);
    CHECK(replayed.out.find("recording: ") != std::string::npos);
  }
}

TEST_CASE("a recording's --events export is the live run's --events file, byte for byte") {
  Scratch scratch;
  CliOptions live = live_options("random-timers");
  live.quiet_timeline = true;
  live.record_path = scratch / "run.pscope";
  live.events_path = scratch / "live.jsonl";
  REQUIRE(printed_by([&] { return run_headless(live); }, scratch).status == 0);

  CliOptions open;
  open.headless = true;
  open.quiet_timeline = true;
  open.open_path = live.record_path;
  open.events_path = scratch / "replayed.jsonl";
  open.trace_path = scratch / "trace.json";
  const Printed p = printed_by([&] { return replay_headless(open); }, scratch);
  REQUIRE(p.status == 0);
  const std::string jsonl = read_file(open.events_path);
  CHECK(jsonl.size() > 1000);
  CHECK(jsonl == read_file(live.events_path));
  // The trace names its process and holds the polls (chrome_trace_tests checks the rest).
  const std::string trace = read_file(open.trace_path);
  CHECK(trace.starts_with("{\"traceEvents\":["));
  CHECK(trace.find("\"ph\":\"X\"") != std::string::npos);
}

TEST_CASE("--export-trace from a live headless run writes the run's Chrome trace") {
  Scratch scratch;
  CliOptions live = live_options("hello-world");
  live.quiet_timeline = true;
  live.trace_path = scratch / "trace.json";
  REQUIRE(printed_by([&] { return run_headless(live); }, scratch).status == 0);
  const std::string trace = read_file(live.trace_path);
  CHECK(trace.starts_with("{\"traceEvents\":["));
  CHECK(trace.find("\"name\":\"executor\"") != std::string::npos);
}

TEST_CASE("a truncated recording opens with a notice on stderr and replays what it kept") {
  Scratch scratch;
  // A live recording, re-streamed in small batches (as the pump streams a
  // long run), then cut in the middle of its last event block.
  CliOptions live = live_options("random-timers");
  live.quiet_timeline = true;
  live.record_path = scratch / "run.pscope";
  REQUIRE(printed_by([&] { return run_headless(live); }, scratch).status == 0);
  LoadedRecording full;
  REQUIRE(load_whole_recording(live.record_path, full).ok());
  const std::string batched = scratch / "batched.pscope";
  {
    RecordingWriter w;
    REQUIRE(w.open(batched, full.info.header).ok());
    for (std::size_t i = 0; i < full.events.size(); i += 16)
      REQUIRE(
          w.append(
               std::span(full.events).subspan(i, std::min<std::size_t>(16, full.events.size() - i)),
               *full.strings)
              .ok());
    // No finish(): a killed run leaves no footer.
  }
  const std::string bytes = read_file(batched);
  const std::string cut = scratch / "cut.pscope";
  std::ofstream(cut, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size() - 100));

  CliOptions open;
  open.headless = true;
  open.open_path = cut;
  const Printed p = printed_by([&] { return replay_headless(open); }, scratch);
  CHECK(p.status == 0);
  CHECK(p.err.find("truncated") != std::string::npos);
  LoadedRecording kept;
  REQUIRE(load_whole_recording(cut, kept).ok());
  CHECK(kept.events.size() > 0);
  CHECK(kept.events.size() < full.events.size());
  CHECK(p.out.find("recording: " + std::to_string(kept.events.size()) + " events") !=
        std::string::npos);
}

TEST_CASE("a recording with a flipped header byte is refused with status 2 and the reason") {
  Scratch scratch;
  CliOptions live = live_options("hello-world");
  live.quiet_timeline = true;
  live.record_path = scratch / "run.pscope";
  REQUIRE(printed_by([&] { return run_headless(live); }, scratch).status == 0);
  std::string bytes = read_file(live.record_path);
  bytes[20] = static_cast<char>(bytes[20] ^ 0xff); // the record size: the header checksum fails
  const std::string bad = scratch / "bad.pscope";
  std::ofstream(bad, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));

  CliOptions open;
  open.headless = true;
  open.open_path = bad;
  const Printed p = printed_by([&] { return replay_headless(open); }, scratch);
  CHECK(p.status == 2);
  CHECK(p.err.find("bad.pscope") != std::string::npos);
  CHECK(p.err.find("header") != std::string::npos);
  CHECK(p.out.empty()); // nothing replayed
}

TEST_CASE("a recording file that cannot be created is refused with status 2") {
  CliOptions live = live_options("hello-world");
  live.record_path = "/nonexistent-dir/run.pscope";
  CHECK(run_headless(live) == 2);
}

TEST_CASE("a positional FILE.pscope opens it, and other words or contradictory flags exit 2") {
  const CliParse p = parse({"run.pscope"});
  REQUIRE_FALSE(p.exit_code.has_value());
  CHECK(p.options.open_path == "run.pscope");
  CHECK(parse({"--headless", "--open", "x.pscope"}).options.open_path == "x.pscope");
  CHECK(parse({"run.json"}).exit_code == 2);
  CHECK(parse({"--open", "a.pscope", "b.pscope"}).exit_code == 2);
  CHECK(parse({"--open", "a.pscope", "--record", "b.pscope"}).exit_code == 2);
  CHECK(parse({"--open", "a.pscope", "--scenario", "join"}).exit_code == 2);
  CHECK(parse({"--record", ""}).exit_code == 2);
  CHECK(parse({"--export-trace", "t.json"}).exit_code == 2); // the app exports from its menu
  CHECK_FALSE(parse({"--headless", "--export-trace", "t.json"}).exit_code.has_value());
}
