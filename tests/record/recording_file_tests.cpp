// The .pscope format: real runs survive a round trip byte for byte, a
// streamed recording cut anywhere keeps its whole blocks, and every kind of
// malformed file gets a message that names the file and what is wrong.
#include "recording_test_support.hpp"

#include "record/recording_file.hpp"

#include <xxhash.h>

#include <cstring>
#include <fstream>
#include <iterator>

using namespace pollscope;

namespace {

std::vector<std::byte> read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<char> c((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(c.size());
  if (!c.empty()) std::memcpy(out.data(), c.data(), c.size());
  return out;
}

bool same_events(std::span<const Event> a, std::span<const Event> b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(Event)) == 0);
}

struct Loaded {
  RecordingStatus status;
  RecordingInfo info;
  std::vector<Event> events;
  std::unique_ptr<StringTable> strings = std::make_unique<StringTable>();
};

Loaded load_bytes(std::span<const std::byte> bytes) {
  Loaded l;
  l.status = load_recording_bytes(
      bytes, "test.pscope", *l.strings,
      [&](std::span<const Event> s) { l.events.insert(l.events.end(), s.begin(), s.end()); },
      l.info);
  return l;
}

// Builds files field by field, with correct checksums unless told otherwise,
// so each malformed case is wrong in exactly one way.
struct FileBuilder {
  std::vector<std::byte> bytes;

  template <typename T>
  void put(T v) {
    const auto at = bytes.size();
    bytes.resize(at + sizeof v);
    std::memcpy(bytes.data() + at, &v, sizeof v);
  }
  void header(std::uint16_t format = kRecordingFormatVersion,
              std::uint16_t schema = kEventSchemaVersion, std::uint32_t bom = kByteOrderMark,
              std::string meta = "{}", std::uint32_t record = sizeof(Event)) {
    bytes.clear();
    chain = 0;
    blocks = 0;
    for (char c : std::string_view("\x89PSCOPE\n", 8)) put(c);
    put(format);
    put(schema);
    put(bom);
    put(record);
    put<std::uint8_t>(1);
    put<std::uint8_t>(0);
    put<std::uint16_t>(0);
    put(static_cast<std::uint32_t>(meta.size()));
    XXH3_state_t* s = XXH3_createState();
    XXH3_64bits_reset(s);
    XXH3_64bits_update(s, bytes.data(), 28);
    XXH3_64bits_update(s, meta.data(), meta.size());
    put<std::uint64_t>(XXH3_64bits_digest(s));
    XXH3_freeState(s);
    for (char c : meta) put(c);
  }
  std::uint64_t chain = 0;
  std::uint64_t blocks = 0;
  void block(BlockType type, std::uint32_t count, const std::vector<std::byte>& payload,
             std::uint64_t claimed_bytes = ~0ull) {
    const std::uint64_t seed = (std::uint64_t{static_cast<std::uint32_t>(type)} << 32) | count;
    const std::uint64_t sum = XXH3_64bits_withSeed(payload.data(), payload.size(), seed);
    put(static_cast<std::uint32_t>(type));
    put(count);
    put<std::uint64_t>(claimed_bytes == ~0ull ? payload.size() : claimed_bytes);
    put(sum);
    bytes.insert(bytes.end(), payload.begin(), payload.end());
    chain = XXH3_64bits_withSeed(&sum, 8, chain);
    ++blocks;
  }
  void strings(std::uint32_t first, const std::vector<std::string>& ss) {
    FileBuilder p;
    p.put(first);
    for (const auto& s : ss) {
      p.put(static_cast<std::uint32_t>(s.size()));
      for (char c : s) p.put(c);
    }
    block(BlockType::Strings, static_cast<std::uint32_t>(ss.size()), p.bytes);
  }
  void events(const std::vector<Event>& es) {
    std::vector<std::byte> p(es.size() * sizeof(Event));
    std::memcpy(p.data(), es.data(), p.size());
    block(BlockType::Events, static_cast<std::uint32_t>(es.size()), p);
  }
  void footer(std::uint64_t events, std::uint64_t strings) {
    FileBuilder p;
    p.put(events);
    p.put(strings);
    p.put(blocks);
    p.put(chain);
    block(BlockType::Footer, 0, p.bytes);
  }
};

Event named_thread(ThreadIndex row, StringId name) {
  Event e;
  e.kind = EventKind::ThreadNamed;
  e.lane = Lane::Executor;
  e.thread = row;
  e.a = name;
  e.b = static_cast<std::uint64_t>(Lane::Executor);
  return e;
}
Event spawned(TaskId task, StringId name, ThreadIndex row = 1) {
  Event e;
  e.kind = EventKind::TaskSpawned;
  e.task = task;
  e.a = name;
  e.thread = row;
  return e;
}

// A valid file: one thread, one string ("main"), two events.
FileBuilder valid_file() {
  FileBuilder f;
  f.header();
  f.strings(1, {"main"});
  f.events({named_thread(1, 1), spawned(1, 1)});
  f.footer(2, 2);
  return f;
}

} // namespace

TEST_CASE("a real run saved and loaded gives back the same events, strings and metadata") {
  test::TestRuntime t;
  test::run_scenario(t, "hello-world");
  test::run_scenario(t, "random-timers", ScenarioParams{.count = 20, .seed = 7});
  const std::vector<Event> events = t.events();
  REQUIRE(events.size() > 100);

  test::ScratchDir dir;
  RecordingHeader header{RecordedClock::Virtual,
                         recording_metadata("random-timers", {{"count", 20}})};
  REQUIRE(save_recording(dir / "run.pscope", events, t.strings, header).error == "");

  StringTable strings;
  std::vector<Event> loaded;
  RecordingInfo info;
  const RecordingStatus s = load_recording(dir / "run.pscope", strings, loaded, info);
  REQUIRE(s.error == "");
  CHECK(info.complete);
  CHECK(info.notice.empty());
  CHECK(info.header.clock == RecordedClock::Virtual);
  CHECK(info.header.metadata == header.metadata);
  CHECK(info.header.metadata.contains("machine"));
  CHECK(info.header.metadata.contains("date"));
  CHECK(info.events == events.size());
  CHECK(same_events(loaded, events));
  REQUIRE(strings.size() == t.strings.size());
  for (StringId id = 0; id < strings.size(); ++id) CHECK(strings.get(id) == t.strings.get(id));
  // The temporary file was renamed into place, nothing else is left.
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path),
                      std::filesystem::directory_iterator()) == 1);
}

TEST_CASE("a streamed recording writes new strings before the events that name them, batch by "
          "batch, and without finish() loads with a notice that the footer is missing") {
  test::TestRuntime t;
  test::run_scenario(t, "hello-world");
  test::run_scenario(t, "join");
  const std::vector<Event> events = t.events();
  REQUIRE(events.size() > 20);

  test::ScratchDir dir;
  RecordingWriter w;
  REQUIRE(w.open(dir / "live.pscope", RecordingHeader{}).error == "");
  // Batches of 7, as a pump drains: each batch's strings already exist.
  for (std::size_t i = 0; i < events.size(); i += 7) {
    const auto n = std::min<std::size_t>(7, events.size() - i);
    REQUIRE(w.append(std::span(events).subspan(i, n), t.strings).error == "");
  }
  CHECK(w.events_written() == events.size());

  StringTable strings;
  std::vector<Event> loaded;
  RecordingInfo info;
  REQUIRE(load_recording(dir / "live.pscope", strings, loaded, info).error == "");
  CHECK_FALSE(info.complete);
  CHECK(info.notice.find("footer is missing") != std::string::npos);
  CHECK(same_events(loaded, events));

  REQUIRE(w.finish().error == "");
  loaded.clear();
  StringTable again;
  REQUIRE(load_recording(dir / "live.pscope", again, loaded, info).error == "");
  CHECK(info.complete);
  CHECK(info.notice.empty());
  CHECK(same_events(loaded, events));
}

TEST_CASE("a recording cut at every byte offset never fails past its header and keeps exactly "
          "the whole blocks before the cut") {
  test::TestRuntime t;
  test::run_scenario(t, "hello-world");
  const std::vector<Event> events = t.events();

  test::ScratchDir dir;
  const auto path = dir / "cut.pscope";
  RecordingWriter w;
  REQUIRE(
      w.open(path, RecordingHeader{RecordedClock::Virtual, {{"scenario", "hello-world"}}}).ok());
  // Block ends (file sizes after each flushed batch) and the events kept there.
  std::vector<std::pair<std::uint64_t, std::size_t>> whole{{std::filesystem::file_size(path), 0}};
  for (std::size_t i = 0; i < events.size(); i += 5) {
    const auto n = std::min<std::size_t>(5, events.size() - i);
    REQUIRE(w.append(std::span(events).subspan(i, n), t.strings).ok());
    whole.emplace_back(std::filesystem::file_size(path), i + n);
  }
  REQUIRE(w.finish().ok());
  const std::vector<std::byte> bytes = read_bytes(path);
  const std::uint64_t header_end = whole.front().first;

  for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
    CAPTURE(cut);
    Loaded l = load_bytes(std::span(bytes).first(cut));
    if (cut < header_end) {
      CHECK_FALSE(l.status.ok());
      CHECK(l.status.error.rfind("test.pscope: ", 0) == 0);
      continue;
    }
    REQUIRE(l.status.error == "");
    std::size_t expected = 0;
    for (const auto& [end, kept] : whole) {
      if (end <= cut) expected = kept;
    }
    CHECK(same_events(l.events, std::span(events).first(expected)));
    if (cut == bytes.size()) {
      CHECK(l.info.complete);
      CHECK(l.info.notice.empty());
    } else {
      CHECK_FALSE(l.info.complete);
      CHECK(l.info.notice.find("footer is missing") != std::string::npos);
      // One byte short of a batch's end is inside a block: the notice says
      // how many bytes were dropped.
      const bool mid_block = std::any_of(whole.begin(), whole.end(),
                                         [&](const auto& w) { return w.first == cut + 1; });
      if (mid_block) CHECK(l.info.notice.find("truncated: the last ") != std::string::npos);
    }
  }
}

TEST_CASE("the hand-built valid file loads, so each malformed case below is wrong in one way") {
  FileBuilder f = valid_file();
  Loaded l = load_bytes(f.bytes);
  REQUIRE(l.status.error == "");
  CHECK(l.info.complete);
  CHECK(l.events.size() == 2);
  CHECK(l.strings->get(1) == "main");
}

TEST_CASE("a recording of schema v2 loads as it is: its stream is a v3 stream without the policies' "
          "additions") {
  static_assert(kOldestReadableSchema == 2 && kEventSchemaVersion == 3);
  FileBuilder f;
  f.header(kRecordingFormatVersion, 2);
  f.strings(1, {"main"});
  f.events({named_thread(1, 1), spawned(1, 1)});
  f.footer(2, 2);
  Loaded l = load_bytes(f.bytes);
  REQUIRE(l.status.error == "");
  CHECK(l.info.complete);
  CHECK(l.events.size() == 2);
}

TEST_CASE("malformed recordings get a clear message naming the file and what is wrong") {
  struct Case {
    std::string name;
    std::function<void(FileBuilder&)> build;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"empty", [](FileBuilder& f) { f.bytes.clear(); }, "test.pscope: not a pollscope recording"},
      {"text",
       [](FileBuilder& f) {
         f.bytes.clear();
         for (char c : std::string("{\"traceEvents\":[]}")) f.put(c);
       },
       "wrong magic"},
      {"short header", [](FileBuilder& f) { f.bytes.resize(20); }, "the header is cut short"},
      {"format version", [](FileBuilder& f) { f.header(7); },
       "recording format version 7, and this pollscope reads version 1"},
      {"schema version", [](FileBuilder& f) { f.header(kRecordingFormatVersion, 1); },
       "event schema v1, and this pollscope reads schemas v2 to v3"},
      {"byte order",
       [](FileBuilder& f) { f.header(kRecordingFormatVersion, kEventSchemaVersion, 0x04030201); },
       "other byte order"},
      {"record size",
       [](FileBuilder& f) {
         f.header(kRecordingFormatVersion, kEventSchemaVersion, kByteOrderMark, "{}", 40);
       },
       "event records of 40 bytes"},
      {"header byte flipped", [](FileBuilder& f) { f.bytes[20] = std::byte{0}; },
       "bad header checksum"},
      {"metadata not JSON",
       [](FileBuilder& f) {
         f.header(kRecordingFormatVersion, kEventSchemaVersion, kByteOrderMark, "{oops");
       },
       "metadata (bytes 36-41) is not a JSON object"},
      {"absurd metadata size",
       [](FileBuilder& f) {
         const std::uint32_t huge = 0x7fffffff;
         std::memcpy(f.bytes.data() + 24, &huge, 4);
       },
       "claims 2147483647 bytes of metadata"},
      {"unknown block type",
       [](FileBuilder& f) {
         f.header();
         f.block(static_cast<BlockType>(9), 1, std::vector<std::byte>(8));
       },
       "block 0 (unknown, at byte 38): unknown block type 9"},
      {"absurd event count",
       [](FileBuilder& f) {
         f.header();
         f.block(BlockType::Events, 0x7fffffff, {}, 0x7fffffffull * sizeof(Event));
       },
       "block 0 (events, at byte 38): 2147483647 events in one block"},
      {"event payload flipped",
       [](FileBuilder& f) { f.bytes[f.bytes.size() - 24 - 32 - 10] ^= std::byte{0x40}; },
       "block 1 (events, at byte 74): bad checksum"},
      {"absurd string length",
       [](FileBuilder& f) {
         f.header();
         FileBuilder p;
         p.put<std::uint32_t>(1);
         p.put<std::uint32_t>(0xffffffff);
         f.block(BlockType::Strings, 1, p.bytes);
       },
       "string 0 (id 1) claims 4294967295 bytes"},
      {"string past its block",
       [](FileBuilder& f) {
         f.header();
         FileBuilder p;
         p.put<std::uint32_t>(1);
         p.put<std::uint32_t>(100);
         p.put<std::uint32_t>(0);
         f.block(BlockType::Strings, 1, p.bytes);
       },
       "string 0 (id 1) of 100 bytes runs past the block's end"},
      {"strings out of order",
       [](FileBuilder& f) {
         f.header();
         f.strings(5, {"x"});
       },
       "its first string id is 5, but 1 strings came before it"},
      {"string repeated",
       [](FileBuilder& f) {
         f.header();
         f.strings(1, {"a", "a"});
       },
       "string id 2 repeats string id 1"},
      {"unknown kind",
       [](FileBuilder& f) {
         f.header();
         Event e = named_thread(1, 0);
         e.kind = static_cast<EventKind>(200);
         f.events({e});
       },
       "block 0 (events, at byte 38): event 0 (#0 in the file) has unknown kind 200"},
      {"unknown lane",
       [](FileBuilder& f) {
         f.header();
         Event e = spawned(1, 0, 0);
         e.lane = static_cast<Lane>(9);
         f.events({e});
       },
       "has unknown lane 9"},
      {"string id past the table",
       [](FileBuilder& f) {
         f.header();
         f.strings(1, {"main"});
         f.events({named_thread(1, 1), spawned(1, 99)});
       },
       "block 1 (events, at byte 74): event 1 (#1, task_spawned) names task name string 99, but "
       "the table has 2 strings"},
      {"thread row never introduced",
       [](FileBuilder& f) {
         f.header();
         f.strings(1, {"main"});
         f.events({named_thread(1, 1), spawned(1, 1, 7)});
       },
       "written by thread row 7, which no ThreadNamed event before it introduces"},
      {"thread row introduced twice",
       [](FileBuilder& f) {
         f.header();
         f.events({named_thread(1, 0), named_thread(1, 0)});
       },
       "introduces thread row 1 a second time"},
      {"absurd thread row",
       [](FileBuilder& f) {
         f.header();
         f.events({named_thread(0xfffffff0, 0)});
       },
       "introduces thread row 4294967280"},
      {"footer counts",
       [](FileBuilder& f) {
         f.header();
         f.strings(1, {"main"});
         f.events({named_thread(1, 1)});
         f.footer(5, 2);
       },
       "the footer counts 5 events, 2 strings and 2 blocks; the file holds 1, 2 and 2"},
      {"trailing bytes", [](FileBuilder& f) { f.put<std::uint32_t>(0); },
       "4 unexpected bytes after the footer"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    FileBuilder f = valid_file();
    c.build(f);
    Loaded l = load_bytes(f.bytes);
    CHECK_FALSE(l.status.ok());
    CHECK(l.status.error.rfind("test.pscope: ", 0) == 0);
    CAPTURE(l.status.error);
    CHECK(l.status.error.find(c.message) != std::string::npos);
  }
}

TEST_CASE("I/O failures come back as messages naming the path, never as exceptions") {
  StringTable strings;
  std::vector<Event> events;
  RecordingInfo info;
  const RecordingStatus missing =
      load_recording("/nonexistent-dir/run.pscope", strings, events, info);
  CHECK(missing.error.find("/nonexistent-dir/run.pscope: cannot open") == 0);

  RecordingWriter w;
  const RecordingStatus s = w.open("/nonexistent-dir/run.pscope", RecordingHeader{});
  CHECK(s.error.find("/nonexistent-dir/run.pscope: cannot create") == 0);
  CHECK_FALSE(w.append({}, strings).ok());
  CHECK_FALSE(w.finish().ok());

  const RecordingStatus saved =
      save_recording("/nonexistent-dir/run.pscope", {}, strings, RecordingHeader{});
  CHECK(saved.error.find("/nonexistent-dir/run.pscope: cannot create") == 0);
}

TEST_CASE("metadata too large for the header is refused before anything is written") {
  test::ScratchDir dir;
  RecordingHeader h;
  h.metadata["scenario"] = std::string(kMaxMetadataBytes, 'x');
  RecordingWriter w;
  const RecordingStatus s = w.open(dir / "big.pscope", h);
  CHECK(s.error.find("more than the 65536 a recording holds") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "big.pscope"));
}

namespace {

// What a progress callback saw, and a cancel after `cancel_at` calls (0: never).
struct ProgressLog {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
  std::size_t cancel_at = 0;
  ProgressFn fn() {
    return [this](std::uint64_t done, std::uint64_t total) {
      calls.emplace_back(done, total);
      return cancel_at == 0 || calls.size() < cancel_at;
    };
  }
  // Every call has the same total, done never decreases and stays within it.
  [[nodiscard]] bool monotone() const {
    for (std::size_t i = 0; i < calls.size(); ++i) {
      if (calls[i].second != calls.front().second || calls[i].first > calls[i].second) return false;
      if (i > 0 && calls[i].first < calls[i - 1].first) return false;
    }
    return true;
  }
};

// A real run's events, repeated to more than three writer blocks: enough for
// several progress calls (the save does not read what the events say).
std::vector<Event> many_events(test::TestRuntime& t) {
  test::run_scenario(t, "random-timers", ScenarioParams{.count = 20, .seed = 5});
  const std::vector<Event> run = t.events();
  std::vector<Event> out;
  while (out.size() < 3 * std::size_t{kWriteEventsPerBlock} + 100)
    out.insert(out.end(), run.begin(), run.end());
  return out;
}

std::size_t files_in(const std::filesystem::path& dir) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir),
                                                std::filesystem::directory_iterator()));
}

} // namespace

TEST_CASE("a save reports monotone progress in events, from 0 to the total") {
  test::TestRuntime t;
  const std::vector<Event> events = many_events(t);
  test::ScratchDir dir;
  ProgressLog log;
  REQUIRE(
      save_recording(dir / "big.pscope", events, t.strings, RecordingHeader{}, log.fn()).error ==
      "");
  REQUIRE(log.calls.size() >= 4); // the start, a call per block, the end
  CHECK(log.monotone());
  CHECK(log.calls.front() == std::pair<std::uint64_t, std::uint64_t>{0, events.size()});
  CHECK(log.calls.back() == std::pair<std::uint64_t, std::uint64_t>{events.size(), events.size()});
  CHECK(files_in(dir.path) == 1);
}

TEST_CASE("a save cancelled from its progress callback stops, leaves no file behind and the old "
          "file as it was") {
  test::TestRuntime t;
  const std::vector<Event> events = many_events(t);
  test::ScratchDir dir;
  const auto path = dir / "kept.pscope";
  {
    std::ofstream old(path, std::ios::binary);
    old << "the user's old file";
  }
  for (std::size_t cancel_at : {1, 2, 3}) {
    CAPTURE(cancel_at);
    ProgressLog log;
    log.cancel_at = cancel_at;
    const RecordingStatus s = save_recording(path, events, t.strings, RecordingHeader{}, log.fn());
    CHECK(s.cancelled);
    CHECK(s.error.find(path.string()) == 0);
    CHECK(s.error.find("cancelled") != std::string::npos);
    CHECK(log.calls.size() == cancel_at); // stopped at once
    CHECK(files_in(dir.path) == 1);       // no temporary file left
    const auto bytes = read_bytes(path);
    CHECK(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()) ==
          "the user's old file");
  }
}

TEST_CASE("a load reports monotone progress in bytes up to the file's size, and a cancelled load "
          "delivers nothing more") {
  test::TestRuntime t;
  test::run_scenario(t, "random-timers", ScenarioParams{.count = 20, .seed = 9});
  const std::vector<Event> events = t.events();
  test::ScratchDir dir;
  RecordingWriter w;
  REQUIRE(w.open(dir / "blocks.pscope", RecordingHeader{}).error == "");
  for (std::size_t i = 0; i < events.size(); i += 50)
    REQUIRE(w.append(std::span(events).subspan(i, std::min<std::size_t>(50, events.size() - i)),
                     t.strings)
                .error == "");
  REQUIRE(w.finish().error == "");
  const auto size = std::filesystem::file_size(dir / "blocks.pscope");

  ProgressLog log;
  LoadOptions options;
  options.progress = log.fn();
  StringTable strings;
  std::vector<Event> loaded;
  RecordingInfo info;
  REQUIRE(load_recording(dir / "blocks.pscope", strings, loaded, info, options).error == "");
  CHECK(loaded.size() == events.size());
  REQUIRE(log.calls.size() >= events.size() / 50); // about one per block
  CHECK(log.monotone());
  CHECK(log.calls.front() == std::pair<std::uint64_t, std::uint64_t>{0, size});
  CHECK(log.calls.back() == std::pair<std::uint64_t, std::uint64_t>{size, size});

  ProgressLog stop;
  stop.cancel_at = 3;
  options.progress = stop.fn();
  StringTable again;
  std::vector<Event> part;
  const RecordingStatus s = load_recording(dir / "blocks.pscope", again, part, info, options);
  CHECK(s.cancelled);
  CHECK(s.error.find("cancelled") != std::string::npos);
  CHECK(stop.calls.size() == 3);
  CHECK(part.size() < events.size());
}
