// --deliver on the command line: a chosen delivery order of due timers
// prints the output in exactly that order, its recording replays the same
// order, and a bad list (or a real clock) is bad input, exit 2.
#include "cli/cli.hpp"
#include "cli/replay.hpp"
#include "common/scratch_dir.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace pollscope;

namespace {

using pollscope::test::Scratch;

// The OUTPUT lines `run` printed on stdout (stdout points at a file meanwhile).
std::vector<std::string> output_lines(const std::function<int()>& run, const Scratch& scratch,
                                      int& status) {
  const std::string path = scratch / "stdout.txt";
  std::fflush(stdout);
  const int saved = ::dup(1);
  REQUIRE(std::freopen(path.c_str(), "w", stdout) != nullptr);
  status = run();
  std::fflush(stdout);
  ::dup2(saved, 1);
  ::close(saved);
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    const auto at = line.find("OUTPUT    ");
    if (at != std::string::npos) out.push_back(line.substr(at + 10));
  }
  return out;
}

CliParse parse(std::vector<std::string> args) {
  args.insert(args.begin(), "pollscope");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return parse_cli(static_cast<int>(argv.size()), argv.data());
}

} // namespace

TEST_CASE("--deliver takes a list of distinct timer ids and refuses anything else") {
  const CliParse ok = parse({"--headless", "--scenario", "three-timers", "--deliver", "3,1,2"});
  REQUIRE_FALSE(ok.exit_code);
  CHECK(ok.options.deliver == std::vector<std::uint32_t>{3, 1, 2});
  for (const char* bad : {"0", "a", "1,1", "", "1,,2", "3,", "-1", "4294967296"}) {
    CAPTURE(bad);
    CHECK(parse({"--headless", "--deliver", bad}).exit_code == 2);
  }
}

TEST_CASE("a chosen delivery order prints in that order, and its recording replays it") {
  for (const std::vector<std::uint32_t>& order :
       {std::vector<std::uint32_t>{3, 1, 2}, std::vector<std::uint32_t>{2, 3, 1}}) {
    Scratch scratch;
    CliOptions live;
    live.headless = true;
    live.scenario = "three-timers";
    live.clock = "virtual";
    live.deliver = order;
    live.record_path = scratch / "run.pscope";
    int status = -1;
    const auto ran = output_lines([&] { return run_headless(live); }, scratch, status);
    REQUIRE(status == 0);
    std::vector<std::string> want;
    for (std::uint32_t id : order) want.push_back("timer " + std::to_string(id) + " done");
    CHECK(ran == want);

    CliOptions open;
    open.headless = true;
    open.open_path = live.record_path;
    const auto replayed = output_lines([&] { return replay_headless(open); }, scratch, status);
    REQUIRE(status == 0);
    CHECK(replayed == want);
  }
}

TEST_CASE("--deliver on the real clock is bad input") {
  CliOptions o;
  o.headless = true;
  o.scenario = "three-timers";
  o.clock = "real";
  o.deliver = {1};
  std::fflush(stderr);
  CHECK(run_headless(o) == 2);
}

TEST_CASE("a delivery order that names a timer the run never makes is bad input, not a silent "
          "deadline order") {
  for (const std::vector<std::uint32_t>& order :
       {std::vector<std::uint32_t>{9, 3}, std::vector<std::uint32_t>{3, 9}}) {
    Scratch scratch;
    CliOptions o;
    o.headless = true;
    o.scenario = "three-timers";
    o.clock = "virtual";
    o.deliver = order;
    int status = -1;
    const auto ran = output_lines([&] { return run_headless(o); }, scratch, status);
    CHECK(status == 2);
    CHECK(ran.size() == 3); // the run still ends: every timer is delivered
  }
}
