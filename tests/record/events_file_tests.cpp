// The --events file (the app's and the CLI's): what it writes, and that a failed write is kept
// and reported rather than swallowed.
#include "record/events_file.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace pollscope::record {
namespace {

std::vector<Event> three_events() {
  std::vector<Event> ev(3);
  ev[0].kind = EventKind::TaskSpawned;
  ev[0].task = 1;
  ev[1].kind = EventKind::QueuePush;
  ev[1].task = 1;
  ev[2].kind = EventKind::QueuePop;
  ev[2].task = 1;
  return ev;
}

TEST_CASE("the events file holds one JSON line per event, in order") {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("pollscope-events-test-" + std::to_string(::getpid()) + ".jsonl"))
                               .string();
  StringTable strings;
  {
    EventsFile f;
    std::string error;
    REQUIRE(f.open(path, error));
    f.write(three_events(), strings);
    CHECK_FALSE(f.failed());
  }
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::remove(path.c_str());
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].find("\"task_spawned\"") != std::string::npos);
  CHECK(lines[2].find("\"queue_pop\"") != std::string::npos);
}

TEST_CASE("a write that fails (a full disk) is reported, with the reason, and writing stops") {
  EventsFile f;
  std::string error;
  if (!f.open("/dev/full", error)) return; // no /dev/full here: nothing to simulate with
  StringTable strings;
  // stdio buffers: the failure shows at the latest on the batch's flush.
  f.write(three_events(), strings);
  REQUIRE(f.failed());
  CHECK(f.error().find("/dev/full") != std::string::npos);
  CHECK(f.error().find("No space left") != std::string::npos);
  f.write(three_events(), strings); // no crash, no change
  CHECK(f.failed());
}

} // namespace
} // namespace pollscope::record
