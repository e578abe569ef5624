// EventsFile: the one JSONL writer (`--events FILE.jsonl`), used by the app and
// the headless CLI alike. One JSON object per event, in log order, with the
// interned strings resolved so the file reads on its own. Times are the raw
// `t` the runtime stamped (record/display_time.hpp is for display only).
//
// Written on the fold pump's thread and flushed after every drained batch, so
// a test can follow the file while the app runs. A failed write (disk full,
// ...) is not swallowed: the file stops there, `failed()` turns true, and the
// caller reports the reason (the window shows it; both exit non-zero).
#pragma once

#include "runtime/event.hpp"
#include "runtime/string_table.hpp"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

namespace pollscope::record {

// {"seq":0,"t_ns":0,"kind":"task_spawned","lane":"external","task":1,...}
[[nodiscard]] std::string event_to_json(const Event& e, std::uint64_t seq,
                                        const StringTable& strings);

class EventsFile {
public:
  EventsFile() = default;
  ~EventsFile();
  EventsFile(const EventsFile&) = delete;
  EventsFile& operator=(const EventsFile&) = delete;

  // Opens (truncates) `path`; false with `error` set if it cannot.
  bool open(const std::string& path, std::string& error);
  [[nodiscard]] bool is_open() const noexcept { return file_ != nullptr; }
  // One writer thread (the pump's). Writes the batch and flushes.
  void write(std::span<const Event> events, const StringTable& strings);
  // Writer thread, after the last write: closes the file; false if any write
  // (or the close itself) failed.
  bool close();
  // Any thread. `error()` is set before `failed()` turns true and never changes after.
  [[nodiscard]] bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  // Writer thread: events written so far.
  [[nodiscard]] std::uint64_t written() const noexcept { return seq_; }

private:
  void fail(std::uint64_t first);

  std::FILE* file_ = nullptr;
  std::string path_;
  std::uint64_t seq_ = 0;
  std::string error_;
  std::atomic<bool> failed_{false};
};

} // namespace pollscope::record
