// The GUI's `--events FILE`: every event as a JSON line, in log order, in the
// same format as the headless runner (gui/headless/event_json.hpp). Written on
// the fold pump's thread and flushed after every drained batch, so a test can
// follow the file while the app runs.
#pragma once

#include "runtime/event.hpp"
#include "runtime/string_table.hpp"

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

private:
  std::FILE* file_ = nullptr;
  std::uint64_t seq_ = 0;
};

} // namespace pollscope::gui
