// The `.pscope` recording format: a run saved to a file, opened anywhere.
//
// Layout (every integer in the writer's byte order, which the byte-order mark
// lets a reader check; x86-64 and AArch64 Linux are both little-endian):
//
//   header      8 B  magic "\x89PSCOPE\n" (the 0x89 and the newline catch
//                    7-bit and text-mode transfers, as PNG's does)
//               2 B  format version (kRecordingFormatVersion)
//               2 B  event schema version (kEventSchemaVersion)
//               4 B  byte-order mark 0x01020304
//               4 B  record size (sizeof(Event) = 48)
//               1 B  clock kind (RecordedClock)   1 B queue policy, 1 B timer
//                    policy (runtime/policy.hpp; 0 = the book's)   1 B zero
//               4 B  metadata bytes M (<= kMaxMetadataBytes)
//               8 B  XXH3-64 of the 28 bytes above and the metadata
//               M B  metadata: a JSON object (scenario, options, machine, date)
//   blocks      each: 4 B type, 4 B count, 8 B payload bytes, 8 B checksum
//                     (XXH3-64 of the payload seeded with type and count),
//                     then the payload
//     Strings   payload = 4 B first id, then per string 4 B length + bytes.
//               Exactly the strings interned since the previous Strings
//               block (StringTable ids are dense and only grow), so `first
//               id` is the table's size so far: strings are never repeated
//               and an event only ever names ids written before it.
//     Events    payload = count x 48-byte Event records, as in the log.
//     Footer    count 0; payload = events, strings, blocks before it, and a
//               chain hash of every earlier block's checksum (8 B each).
//
// The thread table has no block of its own: it is carried by the
// ThreadNamed records themselves, which the runtime logs before each
// thread's first event (event.hpp), so a prefix of the events always holds
// the rows its events name. The loader checks that it does.
//
// A live run streams: `append` writes the new strings, then one Events block,
// then flushes, so a crash or a kill loses at most the last batch; `finish`
// writes the footer. A file without a footer still opens, up to its last
// whole block, with a notice saying what was lost.
//
// Untrusted input: the loader bounds every size by the bytes left in the
// file and by the hard limits below before it allocates, verifies every
// checksum, and checks every id an event holds (kinds, lanes, string ids,
// thread rows), so a bad file gets a message naming the file, the block and
// the byte offset, never a crash. Nothing here throws into its caller.
//
// Threading contract: a RecordingWriter is used by one thread at a time (the
// pump that drains the log). The loader functions are reentrant.
#pragma once

#include "runtime/event.hpp"
#include "runtime/string_table.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace pollscope {

inline constexpr std::uint16_t kRecordingFormatVersion = 1;
inline constexpr std::uint32_t kByteOrderMark = 0x01020304;

// Hard limits: a loader allocates nothing bigger, whatever a header says.
inline constexpr std::uint32_t kMaxMetadataBytes = 64 * 1024;
inline constexpr std::uint32_t kMaxEventsPerBlock = 1u << 20; // 48 MiB
inline constexpr std::uint32_t kMaxStringsPerBlock = 1u << 20;
inline constexpr std::uint32_t kMaxStringBytes = 1u << 20;          // one string
inline constexpr std::uint64_t kMaxStringsBlockBytes = 64ull << 20; // one block
// What the writer puts in one Events block: 3 MiB, so the block's checksum
// and its write read the events while they are still in the cache (a 48 MiB
// block is read from memory twice).
inline constexpr std::uint32_t kWriteEventsPerBlock = 1u << 16;

// The runtime clock a recording was made on (runtime/clock.hpp ClockKind,
// plus Unknown for a run whose clock the writer was not told).
enum class RecordedClock : std::uint8_t {
  Real = 0,
  Virtual = 1,
  Unknown = 255
};

enum class BlockType : std::uint32_t {
  Strings = 1,
  Events = 2,
  Footer = 3
};

// Success, or what went wrong in words (for a dialog or stderr).
struct [[nodiscard]] RecordingStatus {
  std::string error;      // empty: success
  bool cancelled = false; // the work stopped because its progress callback said so
  [[nodiscard]] bool ok() const noexcept { return error.empty(); }
  explicit operator bool() const noexcept { return ok(); }
};

// Progress of long work (saving, loading, exporting), called on the thread
// doing it: `done` of `total` (events for a save or an export, bytes for a
// load). `done` never decreases and a finished piece of work ends with
// done == total. Return false to cancel: the work stops before its next
// block, leaves no file behind (a save's destination is left as it was) and
// returns a status with `cancelled` set. Small pieces of work may call it
// only at the start and the end.
using ProgressFn = std::function<bool(std::uint64_t done, std::uint64_t total)>;

// What the header says, written by the writer and given back by the loader.
struct RecordingHeader {
  RecordedClock clock = RecordedClock::Unknown;
  nlohmann::json metadata = nlohmann::json::object(); // scenario, options, machine, date
  QueuePolicy queue_policy = QueuePolicy::Book;       // the run's policies (policy.hpp)
  TimerPolicy timer_policy = TimerPolicy::ThreadPerTimer;
};

// A metadata object with the machine (uname) and the date (UTC, ISO 8601)
// filled in, plus the scenario and its options as given.
[[nodiscard]] nlohmann::json recording_metadata(std::string_view scenario,
                                                const nlohmann::json& options);

// Streams a recording to a file. Every call reports failure in its status;
// after a failure the writer is closed and further calls fail too.
class RecordingWriter {
public:
  RecordingWriter() = default;
  RecordingWriter(const RecordingWriter&) = delete;
  RecordingWriter& operator=(const RecordingWriter&) = delete;
  ~RecordingWriter(); // closes the file; without finish() it has no footer

  RecordingStatus open(const std::filesystem::path& path, const RecordingHeader& header);
  // Writes the strings interned since the last call, then `events` (split
  // into blocks of kWriteEventsPerBlock), then flushes. `strings` is the table
  // the events' ids point into; it may be appended to concurrently.
  RecordingStatus append(std::span<const Event> events, const StringTable& strings);
  RecordingStatus finish(); // writes the footer and closes the file

  [[nodiscard]] bool is_open() const noexcept { return file_ != nullptr; }
  [[nodiscard]] std::uint64_t events_written() const noexcept { return events_; }

private:
  RecordingStatus append_blocks(std::span<const Event> events, const StringTable& strings);
  RecordingStatus write_block(BlockType type, std::uint32_t count, const void* payload,
                              std::size_t bytes);
  RecordingStatus write_raw(const void* data, std::size_t bytes);
  RecordingStatus fail(std::string what);

  std::FILE* file_ = nullptr;
  std::filesystem::path path_;
  std::vector<std::byte> scratch_; // a Strings block's payload
  std::uint64_t events_ = 0;
  std::uint64_t strings_ = 1; // id 0 (the empty string) is never written
  std::uint64_t blocks_ = 0;
  std::uint64_t chain_ = 0; // hash over every block checksum so far
};

// Saves a whole recording: written to a temporary file in the same folder,
// then renamed into place, so the destination is never half-written, and a
// failed or cancelled save leaves it as it was. `progress` counts events.
RecordingStatus save_recording(const std::filesystem::path& path, std::span<const Event> events,
                               const StringTable& strings, const RecordingHeader& header,
                               const ProgressFn& progress = {});

// --- Loading ------------------------------------------------------------------

struct RecordingInfo {
  RecordingHeader header;
  std::uint16_t format_version = 0;
  std::uint64_t events = 0; // loaded
  std::uint64_t strings = 0;
  std::uint64_t blocks = 0;
  bool complete = false; // the footer was there and agreed
  std::string notice;    // non-empty when something was lost (truncation)
};

struct LoadOptions {
  // Off only in the fuzz target, so that mutated payloads reach the parser.
  bool verify_checksums = true;
  // Bytes of the file read so far, once per block; cancelling stops the load
  // with nothing more delivered to the sink.
  ProgressFn progress;
};

// Receives the events of each block in order. The span is valid for the call.
using EventSink = std::function<void(std::span<const Event>)>;

// Loads a recording: strings go into `strings` (which must be fresh: only the
// empty string in it), events to `sink`. On error nothing more is delivered
// and the status names the file, the block and the byte offset.
RecordingStatus load_recording(const std::filesystem::path& path, StringTable& strings,
                               const EventSink& sink, RecordingInfo& info,
                               const LoadOptions& options = {});
// The same, appending the events to `events`.
RecordingStatus load_recording(const std::filesystem::path& path, StringTable& strings,
                               std::vector<Event>& events, RecordingInfo& info,
                               const LoadOptions& options = {});
// From bytes in memory; `name` stands for the file in messages.
RecordingStatus load_recording_bytes(std::span<const std::byte> bytes, std::string_view name,
                                     StringTable& strings, const EventSink& sink,
                                     RecordingInfo& info, const LoadOptions& options = {});

} // namespace pollscope
