#include "gui/events_file.hpp"

#include "gui/headless/event_json.hpp"

#include <cerrno>
#include <cstring>

namespace pollscope::gui {

EventsFile::~EventsFile() {
  if (file_) std::fclose(file_);
}

bool EventsFile::open(const std::string& path, std::string& error) {
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) error = "cannot write " + path + ": " + std::strerror(errno);
  return file_ != nullptr;
}

void EventsFile::write(std::span<const Event> events, const StringTable& strings) {
  if (!file_) return;
  for (const Event& e : events) {
    const std::string line = event_to_json(e, seq_++, strings);
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fputc('\n', file_);
  }
  std::fflush(file_);
}

} // namespace pollscope::gui
