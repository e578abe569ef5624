// Export of events to the Chrome trace-event JSON format, which Perfetto,
// chrome://tracing and speedscope open.
//
// What the trace holds (one process, pid 1; tid = the event's thread-table
// row, 0 for events that name no row):
//   - `M` process_name, and thread_name for every ThreadNamed row;
//   - every poll as an `X` slice on the thread that polled, named after its
//     task, args: task id, poll number, Ready/Pending, the co_await it is
//     suspended at;
//   - every timer thread's life as `X` slices on its own row: "timer N"
//     around it, inside "started", "waiting until the deadline", "fired";
//     an `i` "exited" where it ends;
//   - wakes as `i` instants on the waking thread, spawns as zero-length `X`
//     slices on the spawning thread, output as `i` instants;
//   - flow arrows wake -> the poll it caused and spawn -> the first poll;
//   - `C` counter tracks: the queue length and the live timer threads.
//
// Flow encoding: `s` / `f` events with binding points, not bind_id /
// flow_in / flow_out. Why: the bind_id form attaches a flow to a slice's own
// JSON object, so the exporter would have to hold the waking side's slice
// back until it learns which poll the wake caused (a wake is an instant, the
// poll comes later, through the queue, possibly after other polls); with
// `s` / `f` each end is its own event written when it happens, in one
// streaming pass. The `s` sits at the wake (or spawn) and binds to the
// enclosing slice there (the timer's "fired" slice, the poll that woke
// itself, the spawn slice); the `f` has "bp":"e" and the poll's start time,
// so it binds to that poll's slice. Both ends share cat "flow", the name and
// a unique id. A wake's poll is found as the book's path goes: the wake ->
// the QueuePush by that waker -> the QueuePop of that ticket -> the next
// PollBegin of the task.
//
// Times: `ts` / `dur` in µs with ns precision, relative to the first event's
// raw time (the trace's otherData.base_ns keeps that time).
//
// Threading contract: one thread uses an exporter at a time.
#pragma once

#include "recording_file.hpp"
#include "runtime/event.hpp"
#include "runtime/string_table.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pollscope {

struct ChromeTraceStats {
  std::uint64_t events = 0; // pollscope events read
  std::uint64_t polls = 0;  // X slices for polls
  std::uint64_t wakes = 0;
  std::uint64_t flows = 0; // arrows with both ends written
  std::uint64_t threads = 0;
};

// Streams a trace to `out` in pieces (each piece is valid only for the call).
// Only std::bad_alloc can escape it (export_chrome_trace turns that into a
// message).
class ChromeTraceExporter {
public:
  using Output = std::function<void(std::string_view)>;
  ChromeTraceExporter(Output out, const StringTable& strings, std::string_view process_name);
  // Events in log order; call as often as needed.
  void add(std::span<const Event> events);
  // Closes the JSON; nothing may be added after.
  void finish();
  [[nodiscard]] const ChromeTraceStats& stats() const noexcept { return stats_; }

private:
  struct Task {
    StringId name = 0;
    std::uint64_t polls = 0;
    std::uint64_t spawn_flow = 0; // 0: none pending
    std::uint64_t wake_flow = 0;  // the flow popped for its next poll
    std::uint64_t begin_t = 0;
    ThreadIndex begin_thread = 0;
    bool in_poll = false;
  };
  struct Timer {
    TaskId task = 0;
    std::uint64_t started = 0, waiting = 0, fired = 0, deadline = 0;
    bool has_started = false, has_waiting = false, has_fired = false;
  };

  void event(const Event& e);
  void poll_end(const Event& e);
  void timer_exited(const Event& e);
  void begin_record(); // a comma between records
  void ts(std::uint64_t t);
  void dur(std::uint64_t from, std::uint64_t to);
  void slice(ThreadIndex tid, std::uint64_t from, std::uint64_t to, std::string_view quoted_name);
  void flow_end(std::uint64_t id, ThreadIndex tid, std::uint64_t t);
  const std::string& quoted(StringId id); // the string as a JSON literal, cached
  void flush_if_big();

  Output out_;
  const StringTable& strings_;
  fmt::memory_buffer buf_;
  ChromeTraceStats stats_;
  bool first_record_ = true;
  bool have_base_ = false;
  std::uint64_t base_ = 0;
  std::uint64_t next_flow_ = 1;
  std::uint64_t live_timers_ = 0;
  std::vector<std::string> quoted_; // index = StringId; empty = not cached yet
  std::unordered_map<TaskId, Task> tasks_;
  std::unordered_map<TimerId, Timer> timers_;
  std::unordered_map<WakerId, std::uint64_t> wake_flows_;   // woken, not pushed yet
  std::unordered_map<std::uint64_t, std::uint64_t> queued_; // ticket -> flow
};

// Writes the whole trace to `path`: to a temporary file in the same folder,
// renamed into place at the end, so a failed or cancelled export leaves no
// partial file and an existing `path` as it was. I/O errors come back as a
// message. `progress` counts events.
RecordingStatus export_chrome_trace(const std::filesystem::path& path,
                                    std::span<const Event> events, const StringTable& strings,
                                    ChromeTraceStats* stats = nullptr,
                                    const ProgressFn& progress = {});

} // namespace pollscope
