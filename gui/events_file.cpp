#include "gui/events_file.hpp"

#include "gui/headless/event_json.hpp"

#include <cerrno>
#include <cstring>

namespace pollscope::gui {

EventsFile::~EventsFile() {
  if (file_) std::fclose(file_);
}

bool EventsFile::open(const std::string& path, std::string& error) {
  path_ = path;
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) error = "cannot write " + path + ": " + std::strerror(errno);
  return file_ != nullptr;
}

void EventsFile::write(std::span<const Event> events, const StringTable& strings) {
  if (!file_ || failed()) return;
  const std::uint64_t first = seq_;
  bool ok = true;
  for (const Event& e : events) {
    const std::string line = event_to_json(e, seq_++, strings);
    ok = std::fwrite(line.data(), 1, line.size(), file_) == line.size() &&
         std::fputc('\n', file_) != EOF;
    if (!ok) break;
  }
  if (ok) ok = std::fflush(file_) == 0;
  if (!ok) {
    error_ = "writing " + path_ + " failed (" + std::strerror(errno) +
             "); it holds at most the first " + std::to_string(first) + " events";
    failed_.store(true, std::memory_order_release);
  }
}

} // namespace pollscope::gui
