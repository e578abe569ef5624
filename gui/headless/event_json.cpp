#include "event_json.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>

namespace pollscope {

std::string event_to_json(const Event& e, std::uint64_t seq, const StringTable& strings) {
  nlohmann::ordered_json j;
  j["seq"] = seq;
  j["t_ns"] = e.t;
  j["kind"] = to_string(e.kind);
  j["lane"] = to_string(e.lane);
  j["task"] = e.task;
  j["waker"] = e.waker;
  j["timer"] = e.timer;
  j["a"] = e.a;
  j["b"] = e.b;
  j["flags"] = e.flags;
  auto str = [&](std::uint64_t id) { return std::string(strings.get(static_cast<StringId>(id))); };
  switch (e.kind) {
  case EventKind::TaskSpawned:
    j["name"] = str(e.a);
    j["location"] = str(e.b);
    break;
  case EventKind::Output: j["text"] = str(e.a); break;
  case EventKind::PollEnd:
    j["ready"] = (e.flags & kFlagReady) != 0;
    if (e.b != 0) j["suspended_at"] = str(e.b);
    break;
  case EventKind::ExecutorMode: j["mode"] = to_string(static_cast<ExecutorMode>(e.a)); break;
  case EventKind::WakerCreated: j["waker_kind"] = to_string(static_cast<WakerKind>(e.a)); break;
  default: break;
  }
  return j.dump();
}

JsonlWriter::~JsonlWriter() { close(); }

bool JsonlWriter::open(const std::string& path, std::string& error) {
  close();
  file_ = std::fopen(path.c_str(), "w");
  if (file_ == nullptr) {
    error = "cannot write events to '" + path + "': " + std::strerror(errno);
    return false;
  }
  seq_ = 0;
  failed_ = false;
  return true;
}

void JsonlWriter::write(const Event& e, const StringTable& strings) {
  if (file_ == nullptr) return;
  const std::string line = event_to_json(e, seq_++, strings);
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() ||
      std::fputc('\n', file_) == EOF) {
    failed_ = true;
  }
}

bool JsonlWriter::close() {
  if (file_ == nullptr) return !failed_;
  if (std::fclose(file_) != 0) failed_ = true;
  file_ = nullptr;
  return !failed_;
}

} // namespace pollscope
