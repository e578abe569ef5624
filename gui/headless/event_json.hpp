// Events as JSON lines (`--events FILE.jsonl`): one object per event, in log
// order, with the interned strings resolved so the file reads on its own.
#pragma once

#include "runtime/event.hpp"
#include "runtime/string_table.hpp"

#include <cstdint>
#include <cstdio>
#include <string>

namespace pollscope {

// {"seq":0,"t_ns":0,"kind":"task_spawned","lane":"external","task":1,...}
[[nodiscard]] std::string event_to_json(const Event& e, std::uint64_t seq,
                                        const StringTable& strings);

// Appends JSON lines to a file. Not thread-safe: one writer thread.
class JsonlWriter {
public:
  JsonlWriter() = default;
  ~JsonlWriter();
  JsonlWriter(const JsonlWriter&) = delete;
  JsonlWriter& operator=(const JsonlWriter&) = delete;

  // Opens (truncates) `path`; on failure returns false and sets `error`.
  bool open(const std::string& path, std::string& error);
  void write(const Event& e, const StringTable& strings);
  // Flushes; false if any write failed (disk full, ...).
  bool close();
  [[nodiscard]] bool is_open() const noexcept { return file_ != nullptr; }

private:
  std::FILE* file_ = nullptr;
  std::uint64_t seq_ = 0;
  bool failed_ = false;
};

} // namespace pollscope
