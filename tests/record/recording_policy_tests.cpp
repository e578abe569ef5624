// A recording records the policies its run ran under (header bytes 21 and
// 22), and a file that names a policy this pollscope does not know is refused.
#include "recording_test_support.hpp"

#include "record/recording_file.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace pollscope;

TEST_CASE("a recording gives back the queue and timer policies it was saved with") {
  test::TestRuntime t;
  test::run_scenario(t, "hello-world");
  const std::vector<Event> events = t.events();
  test::ScratchDir dir;
  RecordingHeader header{RecordedClock::Virtual, recording_metadata("hello-world", {}),
                         QueuePolicy::Local, TimerPolicy::TimerThread};
  REQUIRE(save_recording(dir / "run.pscope", events, t.strings, header).error == "");
  StringTable strings;
  std::vector<Event> loaded;
  RecordingInfo info;
  REQUIRE(load_recording(dir / "run.pscope", strings, loaded, info).error == "");
  CHECK(info.header.queue_policy == QueuePolicy::Local);
  CHECK(info.header.timer_policy == TimerPolicy::TimerThread);

  // A default header (and so every recording made before the policies) reads as the book's.
  REQUIRE(save_recording(dir / "book.pscope", events, t.strings,
                         RecordingHeader{RecordedClock::Virtual})
              .error == "");
  RecordingInfo book;
  StringTable fresh;
  REQUIRE(load_recording(dir / "book.pscope", fresh, loaded, book).error == "");
  CHECK(book.header.queue_policy == QueuePolicy::Book);
  CHECK(book.header.timer_policy == TimerPolicy::ThreadPerTimer);
}

TEST_CASE("a recording naming an unknown queue policy is refused with the byte it is at") {
  test::TestRuntime t;
  test::run_scenario(t, "hello-world");
  test::ScratchDir dir;
  REQUIRE(save_recording(dir / "run.pscope", t.events(), t.strings,
                         RecordingHeader{RecordedClock::Virtual})
              .error == "");
  {
    std::fstream f(dir / "run.pscope", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(21);
    f.put(char(9));
  }
  StringTable strings;
  std::vector<Event> loaded;
  RecordingInfo info;
  LoadOptions no_checksums;
  no_checksums.verify_checksums = false; // the damaged byte is the point, not the checksum
  const RecordingStatus s = load_recording(dir / "run.pscope", strings, loaded, info, no_checksums);
  CHECK(s.error.find("unknown queue policy 9 at byte 21") != std::string::npos);
}
