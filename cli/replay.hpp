// Recordings on the command line: a headless run streams its events to a
// .pscope file as it goes (--record) and can export a Chrome trace
// (--export-trace); a recording opens again (--open FILE, or a positional
// FILE.pscope) and replays headless as the same timeline text the live run
// printed, or exports to JSONL (--events) and to a Chrome trace.
//
// Threading: a LiveRecording's `open`, then `write` on the pump thread only
// (the pump's batch sink), then `finish` once the pump has stopped (its join
// orders the writes before). Everything else runs on the caller's thread.
#pragma once

#include "cli/cli.hpp"
#include "record/recording_file.hpp"
#include "runtime/event.hpp"
#include "runtime/string_table.hpp"

#include <atomic>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace pollscope {

// The header a live run writes: the clock, the scenario and the options that
// reproduce the run, the machine and the date.
[[nodiscard]] RecordingHeader live_recording_header(const CliOptions& o);

// --record: streams each drained batch to the file, which is flushed per
// batch, so a kill loses at most the last one. The first failure sticks.
class LiveRecording {
public:
  // No path: a recording that records nothing and never fails.
  [[nodiscard]] RecordingStatus open(const std::string& path, const RecordingHeader& header);
  void write(std::span<const Event> batch, const StringTable& strings); // pump thread
  // Any thread: later batches are not written (the app at quit, so that the
  // runtime's teardown, which the user never saw, does not end the file).
  void stop() noexcept { stopped_.store(true, std::memory_order_release); }
  // The footer; the first error of the whole recording, if any.
  [[nodiscard]] RecordingStatus finish();
  [[nodiscard]] bool is_open() const noexcept { return writer_.is_open(); }

private:
  RecordingWriter writer_;
  std::string path_;
  RecordingStatus status_;
  std::atomic<bool> stopped_{false};
};

// A recording loaded whole: its strings, events and what its header said.
struct LoadedRecording {
  std::string path;
  std::unique_ptr<StringTable> strings = std::make_unique<StringTable>();
  std::vector<Event> events;
  RecordingInfo info;

  [[nodiscard]] std::string scenario() const;   // from the metadata; "?" if absent
  [[nodiscard]] std::string clock_name() const; // "real", "virtual" or "unknown"
};

// A progress line on stderr for long work from the command line, drawn only
// when `out` is a terminal (never into a pipe, a file or a CI log):
// "pollscope: opening run.pscope  42%", rewritten in place with '\r' as the
// percentage changes, and erased by clear() (or the destructor) so that what
// is printed next starts on a clean line. It never cancels.
class TerminalProgress {
public:
  explicit TerminalProgress(std::string what, std::FILE* out = stderr);
  TerminalProgress(std::string what, std::FILE* out, bool enabled); // tests: force it on
  ~TerminalProgress() { clear(); }
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  // Valid while this object lives.
  [[nodiscard]] ProgressFn callback();
  void clear();

private:
  void show(std::uint64_t done, std::uint64_t total);

  std::string what_;
  std::FILE* out_;
  bool enabled_;
  int percent_ = -1;      // shown now; -1: nothing on the line
  std::size_t width_ = 0; // of the line drawn, to erase it
};

// Loads `path`; on error the status says why (file, block, offset) and `out`
// must not be used. A truncated file loads, with `out.info.notice` set.
// Without `progress`, a TerminalProgress line on stderr (the command line).
[[nodiscard]] RecordingStatus load_whole_recording(const std::string& path, LoadedRecording& out,
                                                   const ProgressFn& progress = {});

// Writes a Chrome trace of `events` (with a TerminalProgress line); prints a
// one-line summary to stderr.
[[nodiscard]] RecordingStatus export_trace(const std::string& path, std::span<const Event> events,
                                           const StringTable& strings);

// `--headless --open FILE`: prints the recording's timeline as the live run
// did (header line, every event, then a closing line about the file), a
// notice for a truncated file on stderr, and writes --events / --export-trace
// if asked. Returns the exit status: 2 for a bad file, 3 for --lint that
// fired, else 0.
[[nodiscard]] int replay_headless(const CliOptions& options);

} // namespace pollscope
