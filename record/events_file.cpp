#include "record/events_file.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>

namespace pollscope::record {

std::string event_to_json(const Event& e, std::uint64_t seq, const StringTable& strings) {
  nlohmann::ordered_json j;
  j["seq"] = seq;
  j["t_ns"] = e.t;
  j["kind"] = to_string(e.kind);
  j["lane"] = to_string(e.lane);
  j["thread"] = e.thread; // schema v2: the row of the thread table (thread_named)
  j["task"] = e.task;
  j["waker"] = e.waker;
  j["timer"] = e.timer;
  j["a"] = field::raw_a(e);
  j["b"] = field::raw_b(e);
  j["flags"] = e.flags;
  auto str = [&](StringId id) { return std::string(strings.get(id)); };
  switch (e.kind) {
  case EventKind::TaskSpawned:
    j["name"] = str(field::task_name(e));
    j["location"] = str(field::spawn_location(e));
    break;
  case EventKind::Output: j["text"] = str(field::output_text(e)); break;
  case EventKind::ThreadNamed: j["name"] = str(field::thread_name(e)); break;
  case EventKind::PollEnd:
    j["ready"] = field::ready(e);
    if (field::suspended_at(e) != 0) j["suspended_at"] = str(field::suspended_at(e));
    break;
  case EventKind::ExecutorMode: j["mode"] = to_string(field::mode(e)); break;
  case EventKind::WakerCreated: j["waker_kind"] = to_string(field::waker_kind(e)); break;
  default: break;
  }
  return j.dump();
}

EventsFile::~EventsFile() {
  if (file_) std::fclose(file_);
}

bool EventsFile::open(const std::string& path, std::string& error) {
  path_ = path;
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) error = "cannot write events to '" + path + "': " + std::strerror(errno);
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
  if (!ok) fail(first);
}

bool EventsFile::close() {
  if (!file_) return !failed();
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!closed && !failed()) fail(seq_);
  return !failed();
}

void EventsFile::fail(std::uint64_t first) {
  error_ = "writing '" + path_ + "' failed (" + std::strerror(errno) +
           "); it holds at most the first " + std::to_string(first) + " events";
  failed_.store(true, std::memory_order_release);
}

} // namespace pollscope::record
