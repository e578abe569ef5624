#include "string_table.hpp"

#include <algorithm>
#include <atomic>
#include <string>

namespace pollscope {
namespace {

std::atomic<std::uint64_t> g_next_table_tag{1};

// One entry per call site seen by this thread: (table, site) -> id. A call
// site is identified by its source_location's file pointer and line, which
// are static data, so the key never dangles.
struct LocationCacheEntry {
  std::uint64_t table = 0;
  const char* file = nullptr;
  std::uint32_t line = 0;
  StringId id = 0;
};
constexpr std::size_t kLocationCacheSize = 256; // a power of two
thread_local LocationCacheEntry t_location_cache[kLocationCacheSize];

// The last short string this thread interned, per thread: a spawner naming
// a million tasks "worker" then skips the mutex and the hash every time.
struct LastInterned {
  std::uint64_t table = 0;
  std::uint8_t size = 0;
  char text[47] = {};
  StringId id = 0;
};
thread_local LastInterned t_last;

std::string_view base_name(std::string_view path) {
  auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

} // namespace

StringTable::StringTable() : table_tag_(g_next_table_tag.fetch_add(1, std::memory_order_relaxed)) {
  strings_.emplace_back();
  index_.emplace(std::string_view(strings_.front()), 0);
}

StringId StringTable::intern(std::string_view s) {
  LastInterned& last = t_last;
  const bool cacheable = s.size() <= sizeof(last.text);
  if (cacheable && last.table == table_tag_ && last.size == s.size() &&
      std::string_view(last.text, last.size) == s)
    return last.id;
  StringId id = 0;
  {
    std::lock_guard lock(mutex_);
    if (auto it = index_.find(s); it != index_.end()) {
      id = it->second;
    } else {
      id = static_cast<StringId>(strings_.size());
      strings_.emplace_back(s);
      index_.emplace(std::string_view(strings_.back()), id);
    }
  }
  if (cacheable) {
    last.table = table_tag_;
    last.size = static_cast<std::uint8_t>(s.size());
    std::copy(s.begin(), s.end(), last.text);
    last.id = id;
  }
  return id;
}

StringId StringTable::intern_location(const std::source_location& loc) {
  const char* file = loc.file_name();
  auto line = static_cast<std::uint32_t>(loc.line());
  auto h = (reinterpret_cast<std::uintptr_t>(file) >> 3) ^ (line * 0x9E3779B1u);
  auto& slot = t_location_cache[h & (kLocationCacheSize - 1)];
  if (slot.table == table_tag_ && slot.file == file && slot.line == line) return slot.id;
  std::string text(base_name(file));
  text += ':';
  text += std::to_string(line);
  StringId id = intern(text);
  slot = {table_tag_, file, line, id};
  return id;
}

std::string_view StringTable::get(StringId id) const {
  std::lock_guard lock(mutex_);
  if (id >= strings_.size()) return "?";
  return strings_[id];
}

std::size_t StringTable::size() const {
  std::lock_guard lock(mutex_);
  return strings_.size();
}

} // namespace pollscope
