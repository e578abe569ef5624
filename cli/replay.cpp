#include "cli/replay.hpp"

#include "cli/timeline.hpp"
#include "fold/fold.hpp"
#include "record/chrome_trace.hpp"
#include "record/display_time.hpp"
#include "record/events_file.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <utility>

namespace pollscope {

RecordingHeader live_recording_header(const CliOptions& o) {
  RecordingHeader h;
  h.clock = o.clock == "virtual" ? RecordedClock::Virtual : RecordedClock::Real;
  h.queue_policy = o.queue_policy;
  h.timer_policy = o.timer_policy;
  h.metadata = recording_metadata(o.scenario, {{"clock", o.clock},
                                               {"queue_policy", to_string(o.queue_policy)},
                                               {"timer_policy", to_string(o.timer_policy)},
                                               {"capacity", o.capacity},
                                               {"count", o.count},
                                               {"seed", o.seed},
                                               {"time_scale", o.time_scale}});
  return h;
}

RecordingStatus LiveRecording::open(const std::string& path, const RecordingHeader& header) {
  path_ = path;
  if (path.empty()) return {};
  status_ = writer_.open(path, header);
  return status_;
}

void LiveRecording::write(std::span<const Event> batch, const StringTable& strings) {
  if (!writer_.is_open() || !status_ || stopped_.load(std::memory_order_acquire)) return;
  status_ = writer_.append(batch, strings);
}

RecordingStatus LiveRecording::finish() {
  if (writer_.is_open() && status_) status_ = writer_.finish();
  return status_;
}

std::string LoadedRecording::scenario() const {
  const nlohmann::json& m = info.header.metadata;
  const auto it = m.find("scenario");
  return it != m.end() && it->is_string() ? it->get<std::string>() : std::string("?");
}

std::string LoadedRecording::clock_name() const {
  switch (info.header.clock) {
  case RecordedClock::Real: return "real";
  case RecordedClock::Virtual: return "virtual";
  case RecordedClock::Unknown: break;
  }
  return "unknown";
}

TerminalProgress::TerminalProgress(std::string what, std::FILE* out)
    : TerminalProgress(std::move(what), out, ::isatty(::fileno(out)) == 1) {}

TerminalProgress::TerminalProgress(std::string what, std::FILE* out, bool enabled)
    : what_(std::move(what)), out_(out), enabled_(enabled) {}

ProgressFn TerminalProgress::callback() {
  return [this](std::uint64_t done, std::uint64_t total) {
    show(done, total);
    return true;
  };
}

void TerminalProgress::show(std::uint64_t done, std::uint64_t total) {
  if (!enabled_) return;
  const int percent = total == 0 ? 100 : static_cast<int>(std::min(done, total) * 100 / total);
  if (percent == percent_) return; // at most 101 redraws, however long the work
  percent_ = percent;
  const std::string line = fmt::format("\rpollscope: {} {:3}%", what_, percent);
  width_ = line.size() - 1;
  std::fputs(line.c_str(), out_);
  std::fflush(out_);
}

void TerminalProgress::clear() {
  if (percent_ < 0) return;
  std::fprintf(out_, "\r%*s\r", static_cast<int>(width_), "");
  std::fflush(out_);
  percent_ = -1;
}

RecordingStatus load_whole_recording(const std::string& path, LoadedRecording& out,
                                     const ProgressFn& progress) {
  out.path = path;
  LoadOptions options;
  TerminalProgress line("opening " + path);
  options.progress = progress ? progress : line.callback();
  return load_recording(path, *out.strings, out.events, out.info, options);
}

RecordingStatus export_trace(const std::string& path, std::span<const Event> events,
                             const StringTable& strings) {
  ChromeTraceStats stats;
  RecordingStatus s = [&] {
    TerminalProgress line("exporting " + path);
    return export_chrome_trace(path, events, strings, &stats, line.callback());
  }();
  if (s) {
    std::fprintf(stderr,
                 "pollscope: trace: %zu events -> %llu polls, %llu flows, %llu threads in %s\n",
                 events.size(), static_cast<unsigned long long>(stats.polls),
                 static_cast<unsigned long long>(stats.flows),
                 static_cast<unsigned long long>(stats.threads), path.c_str());
  }
  return s;
}

int replay_headless(const CliOptions& o) {
  LoadedRecording rec;
  if (const RecordingStatus s = load_whole_recording(o.open_path, rec); !s) {
    std::fprintf(stderr, "pollscope: %s\n", s.error.c_str());
    return 2;
  }
  // A truncated file still replays up to its last whole block: say so first.
  if (!rec.info.notice.empty()) std::fprintf(stderr, "pollscope: %s\n", rec.info.notice.c_str());

  // The same printer, fed the same events in the same order with the fold
  // as of each one, prints the same lines the live run printed.
  print_timeline_header(rec.scenario(), rec.clock_name());
  fold::Fold fold;
  record::DisplayTime shown;
  for (const Event& e : rec.events) {
    fold.apply(e);
    print_event(e, shown.next(e), *rec.strings, fold.state(), o.quiet_timeline);
  }
  std::printf("recording: %zu events from %s%s\n", rec.events.size(), o.open_path.c_str(),
              rec.info.complete ? "" : " (incomplete: see the notice)");

  int status = 0;
  if (!o.events_path.empty()) {
    record::EventsFile json;
    std::string error;
    if (!json.open(o.events_path, error)) {
      std::fprintf(stderr, "pollscope: %s\n", error.c_str());
      return 2;
    }
    json.write(rec.events, *rec.strings);
    if (!json.close()) {
      std::fprintf(stderr, "pollscope: %s\n", json.error().c_str());
      return 2;
    }
    std::printf("events: %llu written to %s\n", static_cast<unsigned long long>(json.written()),
                o.events_path.c_str());
  }
  if (!o.trace_path.empty()) {
    if (const RecordingStatus s = export_trace(o.trace_path, rec.events, *rec.strings); !s) {
      std::fprintf(stderr, "pollscope: %s\n", s.error.c_str());
      return 2;
    }
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    std::fprintf(stderr, "pollscope: writing to standard output failed (disk full?)\n");
    return 2;
  }
  if (o.lint) status = print_lints(fold.state(), *rec.strings);
  return status;
}

} // namespace pollscope
