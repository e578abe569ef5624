// --scenario-file on the command line: a bad file is bad input (exit 2), a
// good one is registered and its defaults apply unless the user set them.
#include "cli/cli.hpp"

#include "runtime/scenarios.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace pollscope;

namespace {

CliParse parse(std::vector<std::string> args) {
  args.insert(args.begin(), "pollscope");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return parse_cli(static_cast<int>(argv.size()), argv.data());
}

std::string bundled_file(const char* name) { return scenarios_dir() + "/" + name; }

} // namespace

TEST_CASE("a missing or malformed --scenario-file exits with status 2") {
  CHECK(parse({"--headless", "--scenario-file", "/nonexistent.json"}).exit_code == 2);
  CHECK(parse({"--scenario-file", "/tmp"}).exit_code == 2);
}

TEST_CASE("--scenario-file loads the file and its defaults apply unless the user set them") {
  const CliParse p = parse({"--headless", "--scenario-file", bundled_file("full-queue-join.json")});
  REQUIRE_FALSE(p.exit_code.has_value());
  CHECK(p.options.scenario == "full-queue-join");
  CHECK(p.options.capacity == 1);
  CHECK(p.options.clock == "virtual");
  const CliParse q = parse({"--scenario-file", bundled_file("full-queue-join.json"), "--capacity",
                            "5", "--clock", "real"});
  REQUIRE_FALSE(q.exit_code.has_value());
  CHECK(q.options.capacity == 5);
  CHECK(q.options.clock == "real");
}

TEST_CASE("--scenario and --scenario-file together are refused") {
  CHECK(parse({"--scenario", "join", "--scenario-file", bundled_file("join.json")}).exit_code == 2);
}

TEST_CASE("--queue-policy and --timer-policy take the policies' names, anything else exits 2") {
  const CliParse p =
      parse({"--headless", "--queue-policy", "local", "--timer-policy", "timer-thread"});
  REQUIRE_FALSE(p.exit_code.has_value());
  CHECK(p.options.queue_policy == QueuePolicy::Local);
  CHECK(p.options.timer_policy == TimerPolicy::TimerThread);
  const CliParse d = parse({"--headless"});
  CHECK(d.options.queue_policy == QueuePolicy::Book);
  CHECK(d.options.timer_policy == TimerPolicy::ThreadPerTimer);
  CHECK(parse({"--headless", "--queue-policy", "fifo"}).exit_code == 2);
  CHECK(parse({"--headless", "--queue-policy", ""}).exit_code == 2);
  CHECK(parse({"--headless", "--timer-policy", "wheel"}).exit_code == 2);
  CHECK(parse({"--queue-policy", "Book"}).exit_code == 2); // names are lowercase
}
