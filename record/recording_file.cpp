// The .pscope writer and loader. Sections: byte helpers; the writer; the
// loader (sources, header, blocks, event checks).
#include "recording_file.hpp"

#include <fmt/format.h>
#include <xxhash.h>

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <system_error>

namespace pollscope {
namespace {

static_assert(std::endian::native == std::endian::little ||
              std::endian::native == std::endian::big);

constexpr std::array<char, 8> kMagic = {'\x89', 'P', 'S', 'C', 'O', 'P', 'E', '\n'};
constexpr std::size_t kHeaderBytes = 36; // up to and including the header checksum
constexpr std::size_t kHeaderHashedBytes = 28;
constexpr std::size_t kBlockHeaderBytes = 24;
constexpr std::size_t kFooterPayloadBytes = 32;
constexpr std::size_t kRecordBytes = sizeof(Event);

template <typename T>
void put(std::byte* at, T v) {
  std::memcpy(at, &v, sizeof v);
}
template <typename T>
T get(const std::byte* at) {
  T v;
  std::memcpy(&v, at, sizeof v);
  return v;
}

std::uint64_t block_seed(BlockType type, std::uint32_t count) {
  return (std::uint64_t{static_cast<std::uint32_t>(type)} << 32) | count;
}
std::uint64_t block_checksum(BlockType type, std::uint32_t count, const void* payload,
                             std::size_t bytes) {
  return XXH3_64bits_withSeed(payload, bytes, block_seed(type, count));
}
std::uint64_t chain(std::uint64_t chain_so_far, std::uint64_t checksum) {
  return XXH3_64bits_withSeed(&checksum, sizeof checksum, chain_so_far);
}

std::string_view block_name(std::uint32_t type) {
  switch (static_cast<BlockType>(type)) {
  case BlockType::Strings: return "strings";
  case BlockType::Events: return "events";
  case BlockType::Footer: return "footer";
  }
  return "unknown";
}

std::string errno_text(int err) { return std::system_category().message(err); }

// The longest prefix of `s` of at most `max` bytes that does not split a
// UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

} // namespace

// --- Metadata -------------------------------------------------------------------

nlohmann::json recording_metadata(std::string_view scenario, const nlohmann::json& options) {
  nlohmann::json m = nlohmann::json::object();
  m["scenario"] = std::string(scenario);
  m["options"] = options;
  utsname u{};
  if (uname(&u) == 0) {
    m["machine"] = fmt::format("{} {} {} {}", u.nodename, u.sysname, u.release, u.machine);
  }
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  if (gmtime_r(&now, &tm) != nullptr) {
    char date[32];
    if (std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0) m["date"] = date;
  }
  m["producer"] = "pollscope";
  return m;
}

// --- The writer -----------------------------------------------------------------

RecordingWriter::~RecordingWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

RecordingStatus RecordingWriter::fail(std::string what) {
  if (file_ != nullptr) {
    std::fclose(file_);
    file_ = nullptr;
  }
  return {fmt::format("{}: {}", path_.string(), what)};
}

RecordingStatus RecordingWriter::write_raw(const void* data, std::size_t bytes) {
  if (bytes == 0) return {};
  if (std::fwrite(data, 1, bytes, file_) != bytes) {
    const int err = errno;
    return fail(fmt::format("cannot write: {}", errno_text(err)));
  }
  return {};
}

RecordingStatus RecordingWriter::open(const std::filesystem::path& path,
                                      const RecordingHeader& header) {
  if (file_ != nullptr) return {fmt::format("{}: a recording is already open", path_.string())};
  path_ = path;
  events_ = 0;
  strings_ = 1;
  blocks_ = 0;
  chain_ = 0;

  std::string meta;
  try {
    meta = header.metadata.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const std::exception& e) {
    return {fmt::format("{}: the metadata cannot be written: {}", path.string(), e.what())};
  }
  if (meta.size() > kMaxMetadataBytes) {
    return {fmt::format("{}: the metadata is {} bytes, more than the {} a recording holds",
                        path.string(), meta.size(), kMaxMetadataBytes)};
  }

  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) {
    const int err = errno;
    return {fmt::format("{}: cannot create: {}", path.string(), errno_text(err))};
  }
  std::array<std::byte, kHeaderBytes> h{};
  std::memcpy(h.data(), kMagic.data(), kMagic.size());
  put<std::uint16_t>(h.data() + 8, kRecordingFormatVersion);
  put<std::uint16_t>(h.data() + 10, kEventSchemaVersion);
  put<std::uint32_t>(h.data() + 12, kByteOrderMark);
  put<std::uint32_t>(h.data() + 16, static_cast<std::uint32_t>(kRecordBytes));
  put<std::uint8_t>(h.data() + 20, static_cast<std::uint8_t>(header.clock));
  put<std::uint8_t>(h.data() + 21, static_cast<std::uint8_t>(header.queue_policy));
  put<std::uint8_t>(h.data() + 22, static_cast<std::uint8_t>(header.timer_policy));
  put<std::uint32_t>(h.data() + 24, static_cast<std::uint32_t>(meta.size()));
  XXH3_state_t* state = XXH3_createState();
  if (state == nullptr) return fail("out of memory");
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, h.data(), kHeaderHashedBytes);
  XXH3_64bits_update(state, meta.data(), meta.size());
  put<std::uint64_t>(h.data() + kHeaderHashedBytes, XXH3_64bits_digest(state));
  XXH3_freeState(state);
  if (auto s = write_raw(h.data(), h.size()); !s) return s;
  if (auto s = write_raw(meta.data(), meta.size()); !s) return s;
  if (std::fflush(file_) != 0) {
    const int err = errno;
    return fail(fmt::format("cannot write: {}", errno_text(err)));
  }
  return {};
}

RecordingStatus RecordingWriter::write_block(BlockType type, std::uint32_t count,
                                             const void* payload, std::size_t bytes) {
  std::array<std::byte, kBlockHeaderBytes> h{};
  const std::uint64_t sum = block_checksum(type, count, payload, bytes);
  put<std::uint32_t>(h.data(), static_cast<std::uint32_t>(type));
  put<std::uint32_t>(h.data() + 4, count);
  put<std::uint64_t>(h.data() + 8, bytes);
  put<std::uint64_t>(h.data() + 16, sum);
  if (auto s = write_raw(h.data(), h.size()); !s) return s;
  if (auto s = write_raw(payload, bytes); !s) return s;
  ++blocks_;
  chain_ = chain(chain_, sum);
  return {};
}

RecordingStatus RecordingWriter::append(std::span<const Event> events, const StringTable& strings) {
  if (file_ == nullptr) return {fmt::format("{}: the recording is not open", path_.string())};
  try {
    return append_blocks(events, strings);
  } catch (const std::bad_alloc&) {
    return fail("out of memory while writing");
  }
}

RecordingStatus RecordingWriter::append_blocks(std::span<const Event> events,
                                               const StringTable& strings) {
  // New strings first: the events below may name them. One block holds at
  // most kMaxStringsPerBlock strings and kMaxStringsBlockBytes bytes; a
  // string longer than kMaxStringBytes is cut (at a UTF-8 boundary) rather
  // than writing a file the loader would refuse.
  const std::uint64_t table_size = strings.size();
  while (strings_ < table_size) {
    scratch_.resize(4);
    put<std::uint32_t>(scratch_.data(), static_cast<std::uint32_t>(strings_));
    std::uint32_t count = 0;
    while (strings_ < table_size && count < kMaxStringsPerBlock) {
      const std::string_view s =
          utf8_prefix(strings.get(static_cast<StringId>(strings_)), kMaxStringBytes);
      if (count > 0 && scratch_.size() + 4 + s.size() > kMaxStringsBlockBytes) break;
      const std::size_t at = scratch_.size();
      scratch_.resize(at + 4 + s.size());
      put<std::uint32_t>(scratch_.data() + at, static_cast<std::uint32_t>(s.size()));
      if (!s.empty()) std::memcpy(scratch_.data() + at + 4, s.data(), s.size());
      ++strings_;
      ++count;
    }
    if (auto s = write_block(BlockType::Strings, count, scratch_.data(), scratch_.size()); !s)
      return s;
  }
  while (!events.empty()) {
    const std::size_t n = std::min<std::size_t>(events.size(), kWriteEventsPerBlock);
    if (auto s = write_block(BlockType::Events, static_cast<std::uint32_t>(n), events.data(),
                             n * kRecordBytes);
        !s)
      return s;
    events_ += n;
    events = events.subspan(n);
  }
  // A crash or a kill after this loses nothing appended so far.
  if (std::fflush(file_) != 0) {
    const int err = errno;
    return fail(fmt::format("cannot write: {}", errno_text(err)));
  }
  return {};
}

RecordingStatus RecordingWriter::finish() {
  if (file_ == nullptr) return {fmt::format("{}: the recording is not open", path_.string())};
  std::array<std::byte, kFooterPayloadBytes> f{};
  put<std::uint64_t>(f.data(), events_);
  put<std::uint64_t>(f.data() + 8, strings_);
  put<std::uint64_t>(f.data() + 16, blocks_);
  put<std::uint64_t>(f.data() + 24, chain_);
  if (auto s = write_block(BlockType::Footer, 0, f.data(), f.size()); !s) return s;
  std::FILE* file = file_;
  file_ = nullptr;
  if (std::fclose(file) != 0) {
    const int err = errno;
    return {fmt::format("{}: cannot write: {}", path_.string(), errno_text(err))};
  }
  return {};
}

RecordingStatus save_recording(const std::filesystem::path& path, std::span<const Event> events,
                               const StringTable& strings, const RecordingHeader& header,
                               const ProgressFn& progress) {
  // Same folder, so the rename stays on one file system and is atomic.
  std::filesystem::path temp = path;
  temp.replace_filename(fmt::format(".{}.{}.tmp", path.filename().string(), ::getpid()));
  // Progress is told once per block (a few ms of writing).
  constexpr std::size_t kProgressEvents = kWriteEventsPerBlock;
  const std::uint64_t total = events.size();
  auto go_on = [&](std::uint64_t done) { return !progress || progress(done, total); };
  RecordingStatus status;
  if (!go_on(0)) return {fmt::format("{}: save cancelled", path.string()), true};
  {
    RecordingWriter w;
    status = w.open(temp, header);
    for (std::size_t at = 0; status && at < events.size();) {
      const std::size_t n = std::min(kProgressEvents, events.size() - at);
      status = w.append(events.subspan(at, n), strings);
      at += n;
      if (status && at < events.size() && !go_on(at))
        status = {fmt::format("{}: save cancelled", temp.string()), true};
    }
    if (status && events.empty()) status = w.append({}, strings); // the strings alone
    if (status) status = w.finish();
  }
  if (status) {
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) status = {fmt::format("{}: cannot save: {}", path.string(), ec.message())};
  }
  if (!status) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    // Messages name the file the user asked for, not the temporary one.
    const std::string t = temp.string();
    if (auto at = status.error.find(t); at != std::string::npos)
      status.error.replace(at, t.size(), path.string());
    return status;
  }
  (void)go_on(total);
  return status;
}

// --- The loader -----------------------------------------------------------------

namespace {

// Bytes to parse: a file or a span. `read` fills exactly `n` bytes or fails.
class Source {
public:
  virtual ~Source() = default;
  [[nodiscard]] virtual bool read(void* dst, std::size_t n) = 0;
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }
  [[nodiscard]] std::uint64_t offset() const noexcept { return offset_; }
  [[nodiscard]] std::uint64_t remaining() const noexcept { return size_ - offset_; }

protected:
  std::uint64_t size_ = 0;
  std::uint64_t offset_ = 0;
};

class MemorySource final : public Source {
public:
  explicit MemorySource(std::span<const std::byte> bytes) : bytes_(bytes) { size_ = bytes.size(); }
  bool read(void* dst, std::size_t n) override {
    if (n > remaining()) return false;
    if (n > 0) std::memcpy(dst, bytes_.data() + offset_, n);
    offset_ += n;
    return true;
  }

private:
  std::span<const std::byte> bytes_;
};

class FileSource final : public Source {
public:
  FileSource(std::FILE* f, std::uint64_t size) : file_(f) { size_ = size; }
  bool read(void* dst, std::size_t n) override {
    if (n > remaining()) return false;
    if (n > 0 && std::fread(dst, 1, n, file_) != n) return false;
    offset_ += n;
    return true;
  }

private:
  std::FILE* file_;
};

// Walks the blocks, checking everything before it is delivered.
class Loader {
public:
  Loader(Source& src, std::string_view name, StringTable& strings, const EventSink& sink,
         RecordingInfo& info, const LoadOptions& options)
      : src_(src), name_(name), strings_(strings), sink_(sink), info_(info), options_(options) {}

  RecordingStatus run() {
    info_ = RecordingInfo{};
    if (strings_.size() != 1)
      return error("the string table to load into is not empty (a loader bug)");
    if (!tell_progress()) return cancelled();
    if (auto s = read_header(); !s) return s;
    // Thread rows are dense from 1, one ThreadNamed event each (48 bytes of
    // file), so no valid row exceeds the records the file can hold.
    max_thread_row_ = src_.size() / kRecordBytes + 1;
    for (std::uint64_t block = 0;; ++block) {
      block_ = block;
      block_offset_ = src_.offset();
      if (block > 0 && !tell_progress()) return cancelled();
      if (src_.remaining() < kBlockHeaderBytes) return truncated(src_.remaining() == 0);
      std::array<std::byte, kBlockHeaderBytes> h{};
      if (!src_.read(h.data(), h.size())) return error("cannot read the block header");
      const auto type = get<std::uint32_t>(h.data());
      const auto count = get<std::uint32_t>(h.data() + 4);
      const auto bytes = get<std::uint64_t>(h.data() + 8);
      const auto sum = get<std::uint64_t>(h.data() + 16);
      type_ = type;
      if (auto s = check_block_sizes(type, count, bytes); !s) return s;
      // Sizes within the hard limits but past the end: the file was cut
      // while this block was being written.
      if (bytes > src_.remaining()) return truncated(false);
      const auto t = static_cast<BlockType>(type);
      RecordingStatus s;
      if (t == BlockType::Events) {
        s = events_block(count, bytes, sum);
      } else if (t == BlockType::Strings) {
        s = strings_block(count, bytes, sum);
      } else {
        return footer_block(count, bytes, sum);
      }
      if (!s) return s;
      ++info_.blocks;
      chain_ = chain(chain_, sum);
    }
  }

private:
  // Bytes read so far; false: the caller cancelled.
  bool tell_progress() {
    return !options_.progress || options_.progress(src_.offset(), src_.size());
  }
  bool tell_done() { return !options_.progress || options_.progress(src_.size(), src_.size()); }
  RecordingStatus cancelled() { return {fmt::format("{}: opening cancelled", name_), true}; }

  template <typename... Args>
  RecordingStatus error(fmt::format_string<Args...> f, Args&&... args) {
    return {fmt::format("{}: {}", name_, fmt::format(f, std::forward<Args>(args)...))};
  }
  template <typename... Args>
  RecordingStatus block_error(fmt::format_string<Args...> f, Args&&... args) {
    return {fmt::format("{}: block {} ({}, at byte {}): {}", name_, block_, block_name(type_),
                        block_offset_, fmt::format(f, std::forward<Args>(args)...))};
  }

  RecordingStatus read_header() {
    std::array<std::byte, kHeaderBytes> h{};
    if (src_.size() < kMagic.size() || !src_.read(h.data(), kMagic.size()) ||
        std::memcmp(h.data(), kMagic.data(), kMagic.size()) != 0)
      return error("not a pollscope recording (wrong magic bytes at the start)");
    if (!src_.read(h.data() + kMagic.size(), kHeaderBytes - kMagic.size()))
      return error("the header is cut short: the file is {} bytes, a header needs {}", src_.size(),
                   kHeaderBytes);
    const auto bom = get<std::uint32_t>(h.data() + 12);
    if (bom == __builtin_bswap32(kByteOrderMark))
      return error("written on a machine of the other byte order (byte-order mark {:#010x})", bom);
    if (bom != kByteOrderMark)
      return error("bad byte-order mark {:#010x} at byte 12 (expected {:#010x})", bom,
                   kByteOrderMark);
    info_.format_version = get<std::uint16_t>(h.data() + 8);
    if (info_.format_version != kRecordingFormatVersion)
      return error("the header says recording format version {}, and this pollscope reads "
                   "version {}: a file from another pollscope, or a damaged header",
                   info_.format_version, kRecordingFormatVersion);
    const auto schema = get<std::uint16_t>(h.data() + 10);
    if (schema < kOldestReadableSchema || schema > kEventSchemaVersion)
      return error("the header says event schema v{}, and this pollscope reads schemas v{} to "
                   "v{} (no converter from v{} exists): a file from another pollscope, or a "
                   "damaged header",
                   schema, kOldestReadableSchema, kEventSchemaVersion, schema);
    const auto record = get<std::uint32_t>(h.data() + 16);
    if (record != kRecordBytes)
      return error("event records of {} bytes, schema v{} has {}-byte records", record,
                   kEventSchemaVersion, kRecordBytes);
    const auto clock = get<std::uint8_t>(h.data() + 20);
    const auto meta_bytes = get<std::uint32_t>(h.data() + 24);
    if (meta_bytes > kMaxMetadataBytes)
      return error("the header claims {} bytes of metadata (at most {} are allowed)", meta_bytes,
                   kMaxMetadataBytes);
    if (meta_bytes > src_.remaining())
      return error("the header is cut short: {} bytes of metadata announced, {} left", meta_bytes,
                   src_.remaining());
    std::string meta(meta_bytes, '\0');
    if (!src_.read(meta.data(), meta.size())) return error("cannot read the metadata");
    if (options_.verify_checksums) {
      XXH3_state_t* state = XXH3_createState();
      if (state == nullptr) return error("out of memory");
      XXH3_64bits_reset(state);
      XXH3_64bits_update(state, h.data(), kHeaderHashedBytes);
      XXH3_64bits_update(state, meta.data(), meta.size());
      const std::uint64_t sum = XXH3_64bits_digest(state);
      XXH3_freeState(state);
      if (sum != get<std::uint64_t>(h.data() + kHeaderHashedBytes))
        return error("bad header checksum: the header (bytes 0-{}) is damaged",
                     kHeaderBytes + meta_bytes - 1);
    }
    if (clock != 0 && clock != 1 && clock != 255)
      return error("unknown clock kind {} at byte 20", clock);
    info_.header.clock = static_cast<RecordedClock>(clock);
    const auto queue = get<std::uint8_t>(h.data() + 21);
    const auto timer = get<std::uint8_t>(h.data() + 22);
    if (queue >= kQueuePolicyNames.size())
      return error("unknown queue policy {} at byte 21", queue);
    if (timer >= kTimerPolicyNames.size())
      return error("unknown timer policy {} at byte 22", timer);
    info_.header.queue_policy = static_cast<QueuePolicy>(queue);
    info_.header.timer_policy = static_cast<TimerPolicy>(timer);
    nlohmann::json m = nlohmann::json::parse(meta, nullptr, /*allow_exceptions=*/false);
    if (m.is_discarded() || !m.is_object())
      return error("the metadata (bytes {}-{}) is not a JSON object", kHeaderBytes,
                   kHeaderBytes + meta_bytes);
    info_.header.metadata = std::move(m);
    return {};
  }

  RecordingStatus check_block_sizes(std::uint32_t type, std::uint32_t count, std::uint64_t bytes) {
    switch (static_cast<BlockType>(type)) {
    case BlockType::Events:
      if (count == 0 || count > kMaxEventsPerBlock)
        return block_error("{} events in one block (1 to {} allowed)", count, kMaxEventsPerBlock);
      if (bytes != std::uint64_t{count} * kRecordBytes)
        return block_error("{} payload bytes for {} events of {} bytes", bytes, count,
                           kRecordBytes);
      return {};
    case BlockType::Strings:
      if (count == 0 || count > kMaxStringsPerBlock)
        return block_error("{} strings in one block (1 to {} allowed)", count, kMaxStringsPerBlock);
      if (bytes > kMaxStringsBlockBytes || bytes < 4 + std::uint64_t{count} * 4)
        return block_error("{} payload bytes for {} strings (at least {}, at most {})", bytes,
                           count, 4 + std::uint64_t{count} * 4, kMaxStringsBlockBytes);
      return {};
    case BlockType::Footer:
      if (count != 0 || bytes != kFooterPayloadBytes)
        return block_error("a footer of {} bytes and count {} (expected {} and 0)", bytes, count,
                           kFooterPayloadBytes);
      return {};
    }
    return block_error("unknown block type {}", type);
  }

  RecordingStatus verify(std::uint32_t count, const void* payload, std::size_t bytes,
                         std::uint64_t sum) {
    if (options_.verify_checksums &&
        block_checksum(static_cast<BlockType>(type_), count, payload, bytes) != sum)
      return block_error("bad checksum: the block's {} bytes are damaged", bytes);
    return {};
  }

  RecordingStatus strings_block(std::uint32_t count, std::uint64_t bytes, std::uint64_t sum) {
    payload_.resize(bytes);
    if (!src_.read(payload_.data(), bytes)) return block_error("cannot read the payload");
    if (auto s = verify(count, payload_.data(), bytes, sum); !s) return s;
    const auto first = get<std::uint32_t>(payload_.data());
    const std::uint64_t have = strings_.size();
    if (first != have)
      return block_error("its first string id is {}, but {} strings came before it", first, have);
    std::size_t at = 4;
    for (std::uint32_t i = 0; i < count; ++i) {
      if (bytes - at < 4)
        return block_error("string {} (id {}) runs past the block's end", i, first + i);
      const auto len = get<std::uint32_t>(payload_.data() + at);
      at += 4;
      if (len > kMaxStringBytes)
        return block_error("string {} (id {}) claims {} bytes (at most {} allowed)", i, first + i,
                           len, kMaxStringBytes);
      if (len > bytes - at)
        return block_error("string {} (id {}) of {} bytes runs past the block's end", i, first + i,
                           len);
      const std::string_view s(reinterpret_cast<const char*>(payload_.data() + at), len);
      at += len;
      StringId id = 0;
      try {
        id = strings_.intern(s);
      } catch (const std::exception& e) {
        return block_error("cannot keep string {}: {}", first + i, e.what());
      }
      if (id != first + i)
        return block_error("string id {} repeats string id {} (a table never holds a string twice)",
                           first + i, id);
    }
    if (at != bytes)
      return block_error("{} bytes left over after its {} strings", bytes - at, count);
    info_.strings = strings_.size();
    return {};
  }

  RecordingStatus events_block(std::uint32_t count, std::uint64_t bytes, std::uint64_t sum) {
    events_.resize(count);
    if (!src_.read(events_.data(), bytes)) return block_error("cannot read the payload");
    if (auto s = verify(count, events_.data(), bytes, sum); !s) return s;
    for (std::uint32_t i = 0; i < count; ++i) {
      if (auto s = check_event(events_[i], i); !s) return s;
    }
    info_.events += count;
    sink_(std::span<const Event>(events_.data(), count));
    return {};
  }

  RecordingStatus footer_block(std::uint32_t count, std::uint64_t bytes, std::uint64_t sum) {
    std::array<std::byte, kFooterPayloadBytes> f{};
    if (!src_.read(f.data(), f.size())) return block_error("cannot read the payload");
    if (auto s = verify(count, f.data(), bytes, sum); !s) return s;
    const auto events = get<std::uint64_t>(f.data());
    const auto strings = get<std::uint64_t>(f.data() + 8);
    const auto blocks = get<std::uint64_t>(f.data() + 16);
    const auto chained = get<std::uint64_t>(f.data() + 24);
    if (events != info_.events || strings != strings_.size() || blocks != info_.blocks)
      return block_error("the footer counts {} events, {} strings and {} blocks; the file holds "
                         "{}, {} and {}",
                         events, strings, blocks, info_.events, strings_.size(), info_.blocks);
    if (options_.verify_checksums && chained != chain_)
      return block_error("the footer's checksum over all blocks does not match");
    if (src_.remaining() != 0)
      return block_error("{} unexpected bytes after the footer", src_.remaining());
    info_.complete = true;
    info_.strings = strings_.size();
    (void)tell_done(); // finished: too late to cancel
    return {};
  }

  // Everything before this block is kept; say what was lost.
  RecordingStatus truncated(bool at_block_boundary) {
    info_.strings = strings_.size();
    if (at_block_boundary) {
      info_.notice = fmt::format(
          "{}: the footer is missing (the recording was not finished: the app was closed, "
          "killed or crashed while recording); all {} blocks ({} events) are kept",
          name_, info_.blocks, info_.events);
    } else {
      info_.notice = fmt::format(
          "{}: the file is truncated: the last {} bytes (an incomplete block {} from byte {}) "
          "were dropped and the footer is missing; the {} whole blocks before it ({} events) "
          "are kept",
          name_, src_.size() - block_offset_, block_, block_offset_, info_.blocks, info_.events);
    }
    (void)tell_done();
    return {};
  }

  // Everything a reader will index with is in range: kinds and enum
  // payloads, string ids, thread rows.
  RecordingStatus check_event(const Event& e, std::uint32_t i) {
    const auto kind = static_cast<unsigned>(e.kind);
    if (kind >= static_cast<unsigned>(EventKind::Count))
      return block_error("event {} (#{} in the file) has unknown kind {}", i, info_.events + i,
                         kind);
    if (static_cast<unsigned>(e.lane) > static_cast<unsigned>(Lane::Timer))
      return block_error("event {} (#{}, {}) has unknown lane {}", i, info_.events + i,
                         to_string(e.kind), static_cast<unsigned>(e.lane));
    const std::uint64_t strings = strings_.size();
    auto bad_string = [&](StringId id, std::string_view what) {
      return block_error("event {} (#{}, {}) names {} string {}, but the table has {} strings", i,
                         info_.events + i, to_string(e.kind), what, id, strings);
    };
    switch (e.kind) {
    case EventKind::ThreadNamed: {
      if (field::thread_name(e) >= strings) return bad_string(field::thread_name(e), "thread name");
      if (static_cast<unsigned>(field::thread_lane(e)) > static_cast<unsigned>(Lane::Timer) ||
          e.b > 0xff)
        return block_error("event {} (#{}) names a thread of unknown kind {}", i, info_.events + i,
                           e.b);
      if (e.thread == 0 || e.thread > max_thread_row_)
        return block_error("event {} (#{}) introduces thread row {} (rows are 1 to {} here)", i,
                           info_.events + i, e.thread, max_thread_row_);
      if (e.thread >= threads_.size()) threads_.resize(std::size_t{e.thread} + 1, false);
      if (threads_[e.thread])
        return block_error("event {} (#{}) introduces thread row {} a second time", i,
                           info_.events + i, e.thread);
      threads_[e.thread] = true;
      return {};
    }
    case EventKind::TaskSpawned:
      if (field::task_name(e) >= strings) return bad_string(field::task_name(e), "task name");
      if (field::spawn_location(e) >= strings)
        return bad_string(field::spawn_location(e), "spawn location");
      break;
    case EventKind::PollEnd:
      if (field::suspended_at(e) >= strings)
        return bad_string(field::suspended_at(e), "suspension point");
      break;
    case EventKind::Output:
      if (field::output_text(e) >= strings) return bad_string(field::output_text(e), "output");
      break;
    case EventKind::ExecutorMode:
      if (e.a > static_cast<std::uint64_t>(ExecutorMode::Throttle))
        return block_error("event {} (#{}) sets unknown executor mode {}", i, info_.events + i,
                           e.a);
      break;
    case EventKind::WakerCreated:
      if (e.a > static_cast<std::uint64_t>(WakerKind::Manual))
        return block_error("event {} (#{}) creates a waker of unknown kind {}", i, info_.events + i,
                           e.a);
      break;
    default: break;
    }
    if (e.thread != 0 && (e.thread >= threads_.size() || !threads_[e.thread]))
      return block_error("event {} (#{}, {}) was written by thread row {}, which no ThreadNamed "
                         "event before it introduces",
                         i, info_.events + i, to_string(e.kind), e.thread);
    return {};
  }

  Source& src_;
  std::string_view name_;
  StringTable& strings_;
  const EventSink& sink_;
  RecordingInfo& info_;
  LoadOptions options_;

  std::uint64_t block_ = 0;
  std::uint64_t block_offset_ = 0;
  std::uint32_t type_ = 0;
  std::uint64_t chain_ = 0;
  std::uint64_t max_thread_row_ = 0;
  std::vector<bool> threads_; // rows introduced so far
  std::vector<std::byte> payload_;
  std::vector<Event> events_;
};

RecordingStatus run_loader(Source& src, std::string_view name, StringTable& strings,
                           const EventSink& sink, RecordingInfo& info, const LoadOptions& options) {
  try {
    return Loader(src, name, strings, sink, info, options).run();
  } catch (const std::bad_alloc&) {
    return {fmt::format("{}: out of memory while loading", name)};
  } catch (const std::exception& e) {
    return {fmt::format("{}: {}", name, e.what())};
  }
}

} // namespace

RecordingStatus load_recording_bytes(std::span<const std::byte> bytes, std::string_view name,
                                     StringTable& strings, const EventSink& sink,
                                     RecordingInfo& info, const LoadOptions& options) {
  MemorySource src(bytes);
  return run_loader(src, name, strings, sink, info, options);
}

RecordingStatus load_recording(const std::filesystem::path& path, StringTable& strings,
                               const EventSink& sink, RecordingInfo& info,
                               const LoadOptions& options) {
  const std::string name = path.string();
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    return {fmt::format("{}: cannot open: {}", name, errno_text(err))};
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  RecordingStatus status;
  if (ec) {
    status = {fmt::format("{}: cannot open: {}", name, ec.message())};
  } else {
    FileSource src(f, size);
    status = run_loader(src, name, strings, sink, info, options);
  }
  std::fclose(f);
  return status;
}

RecordingStatus load_recording(const std::filesystem::path& path, StringTable& strings,
                               std::vector<Event>& events, RecordingInfo& info,
                               const LoadOptions& options) {
  // Reserve once from the file size (bounded by it), not per block.
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec) events.reserve(events.size() + size / sizeof(Event));
  return load_recording(
      path, strings,
      [&](std::span<const Event> batch) {
        events.insert(events.end(), batch.begin(), batch.end());
      },
      info, options);
}

} // namespace pollscope
