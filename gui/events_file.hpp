// The GUI's `--events FILE`: every event as a JSON line, in log order, in the
// same format as the headless runner (gui/headless/event_json.hpp). Written on
// the fold pump's thread and flushed after every drained batch, so a test can
// follow the file while the app runs. A failed write (disk full, ...) is not
// swallowed: the file stops there, `failed()` turns true, the window shows it
// and the app exits 1 with the reason.
#pragma once

#include "runtime/event.hpp"
#include "runtime/string_table.hpp"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

namespace pollscope::gui {

class EventsFile {
public:
  EventsFile() = default;
  ~EventsFile();
  EventsFile(const EventsFile&) = delete;
  EventsFile& operator=(const EventsFile&) = delete;

  // Opens (truncates) `path`; false with `error` set if it cannot.
  bool open(const std::string& path, std::string& error);
  [[nodiscard]] bool is_open() const noexcept { return file_ != nullptr; }
  // One writer thread (the pump's).
  void write(std::span<const Event> events, const StringTable& strings);
  // Any thread. `error()` is set before `failed()` turns true and never changes after.
  [[nodiscard]] bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }
  [[nodiscard]] const std::string& error() const noexcept { return error_; }

private:
  std::FILE* file_ = nullptr;
  std::string path_;
  std::uint64_t seq_ = 0;
  std::string error_;
  std::atomic<bool> failed_{false};
};

} // namespace pollscope::gui
