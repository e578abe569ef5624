// The headless runner stops a run that can make no more progress by itself:
// the three fault scenarios that used to hang (two deadlocks, and a task
// nothing is left to wake) end with the line that says why, the lints with
// --lint, and exit 1 (3 with --lint, since their lints fire).
#include "cli/cli.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace pollscope {
namespace {

CliOptions options(std::vector<std::string> args) {
  args.insert(args.begin(), "pollscope");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  const CliParse p = parse_cli(static_cast<int>(argv.size()), argv.data());
  REQUIRE_FALSE(p.exit_code.has_value());
  return p.options;
}

struct Ran {
  int status = 0;
  std::string out; // standard output
};

// Runs headless with standard output sent to a file, and reads it back.
Ran run(const CliOptions& o) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("pollscope-stall-test-" + std::to_string(::getpid()) + ".out"))
                               .string();
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(saved >= 0);
  REQUIRE(fd >= 0);
  ::dup2(fd, STDOUT_FILENO);
  ::close(fd);
  Ran r;
  r.status = run_headless(o);
  std::fflush(stdout);
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  r.out = text.str();
  std::remove(path.c_str());
  return r;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("full-queue-join stops by itself, naming the deadlock, with status 1, or 3 with --lint") {
  const Ran plain = run(options({"--headless", "--scenario", "full-queue-join", "--quiet"}));
  CAPTURE(plain.out);
  CHECK(plain.status == 1);
  CHECK(has(plain.out, "stopped: deadlock \u2014 executor -> timer "));
  CHECK(has(plain.out, "'s lock -> full queue -> executor (at event #"));
  CHECK(has(plain.out, "executor: run() returned once stopped"));
  const Ran lint =
      run(options({"--headless", "--scenario", "full-queue-join", "--quiet", "--lint"}));
  CAPTURE(lint.out);
  CHECK(lint.status == 3);
  CHECK(has(lint.out, "stopped: deadlock \u2014 executor -> timer "));
  CHECK(has(lint.out, "full-queue deadlock deadlock: executor -> timer "));
}

TEST_CASE("full-queue-self-wake stops by itself: the executor blocked on its own full queue") {
  const Ran plain = run(options({"--headless", "--scenario", "full-queue-self-wake", "--quiet"}));
  CAPTURE(plain.out);
  CHECK(plain.status == 1);
  CHECK(has(plain.out, "stopped: deadlock \u2014 executor -> full queue -> executor (at event #"));
  const Ran lint =
      run(options({"--headless", "--scenario", "full-queue-self-wake", "--quiet", "--lint"}));
  CHECK(lint.status == 3);
  CHECK(has(lint.out, "deadlock: executor -> full queue -> executor, sending task 1"));
}

TEST_CASE("wake-before-store stops by itself: nothing is left that can wake its task") {
  const Ran plain = run(options({"--headless", "--scenario", "wake-before-store", "--quiet"}));
  CAPTURE(plain.out);
  CHECK(plain.status == 1);
  CHECK(has(plain.out, "stopped: nothing left that can wake task 1 (racy-timer) (at event #"));
  const Ran lint =
      run(options({"--headless", "--scenario", "wake-before-store", "--quiet", "--lint"}));
  CAPTURE(lint.out);
  CHECK(lint.status == 3);
  CHECK(has(lint.out, "was woken before it stored its waker"));
}

TEST_CASE("a run that completes is not stopped: no stop line, status 0") {
  const Ran r = run(options({"--headless", "--scenario", "join", "--clock", "virtual", "--quiet"}));
  CAPTURE(r.out);
  CHECK(r.status == 0);
  CHECK_FALSE(has(r.out, "stopped:"));
  CHECK(has(r.out, "executor: run() returned: channel closed and empty"));
}

} // namespace pollscope
