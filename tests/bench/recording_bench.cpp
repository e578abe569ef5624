// recording [M]: the .pscope file and the Chrome trace export on a real run
// of about M events (default 10M): 1000 self-waking tasks and 100 timer
// tasks on the real clock, every event logged and drained into memory.
//
//   save_mevents_per_s     save_recording (temp file + rename) of the whole
//                          run to a new file, in M events/s (target >= 25:
//                          the live log's pace)
//   save_replace_mevents_per_s  the same over the file the save before wrote
//                          (ext4 starts writing the new file back inside the
//                          rename that replaces an old one: auto_da_alloc)
//   stream_mevents_per_s   RecordingWriter::append in batches of 64Ki events
//                          and finish(), as a live run streams
//   open_s                 load_recording of that file into a vector, checks
//                          included (target <= 1 s to the first frame)
//   export_mevents_per_s   export_chrome_trace of the run to a file (target >= 2)
//   file_mb, trace_mb      the two files' sizes
// Files go to $TMPDIR (default /tmp) and are removed afterwards;
// POLLSCOPE_BENCH_KEEP=FILE.pscope keeps a copy of the recording there. Each figure is
// the median of 3 repetitions; the *_cpu_* figures use this thread's CPU time.
// Every timed step starts after sync(): without it, the gigabytes the step
// before left dirty in the page cache (a 1.3 GB trace, a 480 MB recording)
// are written back during the next step, which the kernel then throttles;
// that measured the disk, not the writer (a one-call save read 9M events/s
// while the same writer streamed 31M/s).
#include "workloads.hpp"

#include "record/chrome_trace.hpp"
#include "record/recording_file.hpp"
#include "runtime/async.hpp"
#include "runtime/executor.hpp"
#include "runtime/timer_future.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace pollscope::bench {
namespace {

constexpr int kReps = 3;
constexpr std::size_t kStreamBatch = 64 * 1024;

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

Async<void> yielder(std::size_t k) {
  for (std::size_t i = 0; i < k; ++i) co_await yield_now();
}
Async<void> sleeper(std::chrono::milliseconds d) { co_await TimerFuture(d); }

// A real run of about `m` events, drained into `out` as it goes.
void record_run(std::size_t m, StringTable& strings, std::vector<Event>& out) {
  RealClock clock;
  EventLog log(std::size_t{1} << 20);
  out.reserve(m + m / 8);
  std::atomic<bool> done{false};
  std::thread drain([&] {
    while (!done.load(std::memory_order_acquire)) {
      if (log.drain(out) == 0) std::this_thread::yield();
    }
    log.drain(out);
  });
  {
    RuntimeContext rt(RuntimeContext::Options{&clock, &strings, &log, false});
    auto [executor, spawner] = bench_executor(rt);
    // ~5 events per self-wake poll.
    const std::size_t tasks = 1000;
    const std::size_t k = std::max<std::size_t>(1, m / 5 / tasks);
    for (int i = 0; i < 100; ++i)
      spawner.spawn(sleeper(std::chrono::milliseconds(1 + i % 20)), "sleeper");
    for (std::size_t i = 0; i < tasks; ++i) spawner.spawn(yielder(k), "yielder");
    spawner = Spawner{};
    executor.run();
  }
  done.store(true, std::memory_order_release);
  drain.join();
}

std::filesystem::path temp_path(std::string_view name) {
  const char* dir = std::getenv("TMPDIR");
  return std::filesystem::path(dir != nullptr && *dir != 0 ? dir : "/tmp") /
         fmt::format("pollscope-bench-{}-{}", ::getpid(), name);
}

void check(const RecordingStatus& s) {
  if (!s) throw std::runtime_error(s.error);
}

} // namespace

Json recording_bench(std::size_t m) {
  StringTable strings;
  std::vector<Event> events;
  record_run(m, strings, events);
  const auto n = static_cast<double>(events.size());
  const auto file = temp_path("run.pscope");
  const auto trace = temp_path("trace.json");
  RecordingHeader header{RecordedClock::Real, recording_metadata("recording-bench", {{"m", m}})};

  std::vector<double> save_s, replace_s, stream_s, open_s, export_s;
  std::vector<double> save_cpu, replace_cpu, stream_cpu, open_cpu,
      export_cpu; // this thread's CPU s
  std::uint64_t file_bytes = 0, trace_bytes = 0, loaded = 0;
  // Times `step` after the page cache has been written back (see the top).
  auto timed = [](std::vector<double>& wall, std::vector<double>& cpu, auto&& step) {
    ::sync();
    const auto t0 = SteadyClock::now();
    const auto c0 = thread_cpu_ns();
    step();
    wall.push_back(ns_since(t0) / 1e9);
    cpu.push_back(static_cast<double>(thread_cpu_ns() - c0) / 1e9);
  };
  try {
    for (int r = 0; r < kReps; ++r) {
      std::error_code gone;
      std::filesystem::remove(file, gone);
      timed(save_s, save_cpu, [&] { check(save_recording(file, events, strings, header)); });
      timed(replace_s, replace_cpu, [&] { check(save_recording(file, events, strings, header)); });
      std::filesystem::remove(file, gone);
      timed(stream_s, stream_cpu, [&] {
        RecordingWriter w;
        check(w.open(file, header));
        for (std::size_t i = 0; i < events.size(); i += kStreamBatch)
          check(w.append(std::span(events).subspan(i, std::min(kStreamBatch, events.size() - i)),
                         strings));
        check(w.finish());
      });
      file_bytes = std::filesystem::file_size(file);
      timed(open_s, open_cpu, [&] {
        StringTable opened;
        std::vector<Event> back;
        RecordingInfo info;
        check(load_recording(file, opened, back, info));
        loaded = back.size();
      });
      std::filesystem::remove(trace, gone);
      timed(export_s, export_cpu, [&] { check(export_chrome_trace(trace, events, strings)); });
      trace_bytes = std::filesystem::file_size(trace);
    }
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(file, ec);
    std::filesystem::remove(trace, ec);
    throw;
  }
  std::error_code ec;
  std::filesystem::remove(file, ec);
  std::filesystem::remove(trace, ec);
  // A big real recording to try the app's progress popup on (not timed).
  if (const char* keep = std::getenv("POLLSCOPE_BENCH_KEEP"); keep != nullptr && *keep != 0)
    check(save_recording(keep, events, strings, header));

  Json j;
  j["exec"] = "pollscope";
  j["workload"] = "recording";
  j["events"] = events.size();
  j["events_loaded"] = loaded;
  j["strings"] = strings.size();
  j["save_mevents_per_s"] = round_to(n / median_of(save_s) / 1e6, 2);
  j["save_replace_mevents_per_s"] = round_to(n / median_of(replace_s) / 1e6, 2);
  j["stream_mevents_per_s"] = round_to(n / median_of(stream_s) / 1e6, 2);
  j["open_s"] = round_to(median_of(open_s), 3);
  j["export_mevents_per_s"] = round_to(n / median_of(export_s) / 1e6, 2);
  // The same on this thread's CPU time: steadier on a shared machine (a
  // thread waiting for a core costs nothing; the kernel's copy into the page
  // cache is counted, waiting for the disk is not).
  j["save_cpu_mevents_per_s"] = round_to(n / median_of(save_cpu) / 1e6, 2);
  j["save_replace_cpu_mevents_per_s"] = round_to(n / median_of(replace_cpu) / 1e6, 2);
  j["stream_cpu_mevents_per_s"] = round_to(n / median_of(stream_cpu) / 1e6, 2);
  j["open_cpu_s"] = round_to(median_of(open_cpu), 3);
  j["export_cpu_mevents_per_s"] = round_to(n / median_of(export_cpu) / 1e6, 2);
  j["file_mb"] = round_to(static_cast<double>(file_bytes) / 1e6, 1);
  j["trace_mb"] = round_to(static_cast<double>(trace_bytes) / 1e6, 1);
  j["vm_hwm_kb"] = vm_hwm_kb();
  return j;
}

} // namespace pollscope::bench
