// libFuzzer target: the .pscope loader on arbitrary bytes. Build and run it
// with tests/fuzz/recording/fuzz_recording.sh.
//
// Each input is loaded twice: as is (checksums verified, which is what a
// user's file gets) and with checksum verification off, so that mutations
// inside a block reach the block parsers and the event checks instead of
// stopping at the checksum. Whatever loads is then exported as a Chrome
// trace, so the exporter also meets every odd event sequence the loader
// lets through. Any crash, hang, sanitizer report or oversized allocation
// (-rss_limit_mb / -malloc_limit_mb) is a bug.
#include "record/chrome_trace.hpp"
#include "record/recording_file.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace {

void load_and_export(std::span<const std::byte> bytes, bool verify) {
  pollscope::StringTable strings;
  std::vector<pollscope::Event> events;
  pollscope::RecordingInfo info;
  pollscope::LoadOptions options;
  options.verify_checksums = verify;
  const auto status = pollscope::load_recording_bytes(
      bytes, "fuzz.pscope", strings,
      [&](std::span<const pollscope::Event> s) { events.insert(events.end(), s.begin(), s.end()); },
      info, options);
  if (!status.ok()) {
    // A refused file delivers nothing past what was checked; the message
    // always names the file.
    if (status.error.rfind("fuzz.pscope: ", 0) != 0) __builtin_trap();
    return;
  }
  if (info.events != events.size()) __builtin_trap();
  std::size_t bytes_out = 0;
  pollscope::ChromeTraceExporter exporter(
      [&](std::string_view piece) { bytes_out += piece.size(); }, strings, "fuzz");
  exporter.add(events);
  exporter.finish();
  if (bytes_out == 0) __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  load_and_export(bytes, /*verify=*/true);
  load_and_export(bytes, /*verify=*/false);
  return 0;
}
