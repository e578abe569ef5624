// StringTable: interns the strings events refer to (task names, output text,
// source locations) so that every Event stays a fixed-size record.
//
// Threading contract: `intern` and `intern_location` may be called from any
// thread at once (a mutex guards the table; both first look in a per-thread
// cache — the last short string, the call sites seen — so the spawn and poll
// paths almost never take it). `get` may be
// called from any thread for any id already returned by `intern*` or seen in
// an event: strings are stored in a deque that never moves an element, and an
// id is published (under the mutex) only after its string is complete.
// Ids are dense: 1, 2, 3 ... in intern order; 0 is the empty string. The
// table only grows; it is cleared by nothing, so ids stay valid across a
// runtime reset (a recording keeps meaning what it said).
#pragma once

#include "event.hpp"

#include <cstdint>
#include <deque>
#include <mutex>
#include <source_location>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pollscope {

class StringTable {
public:
  StringTable();
  StringTable(const StringTable&) = delete;
  StringTable& operator=(const StringTable&) = delete;

  [[nodiscard]] StringId intern(std::string_view s);
  // "file.cpp:42" (the file's base name), cached per thread per call site.
  [[nodiscard]] StringId intern_location(const std::source_location& loc);
  [[nodiscard]] std::string_view get(StringId id) const;
  [[nodiscard]] std::size_t size() const;

private:
  mutable std::mutex mutex_;
  std::deque<std::string> strings_; // index = id
  std::unordered_map<std::string_view, StringId> index_;
  std::uint64_t table_tag_; // distinguishes tables in the per-thread cache
};

} // namespace pollscope
