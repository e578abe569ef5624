#include "chrome_trace.hpp"

#include <fmt/compile.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <system_error>

namespace pollscope {
namespace {

constexpr std::size_t kFlushBytes = 1u << 20;

// A JSON string literal (quotes included) for `s`; invalid UTF-8 (output
// text comes from user scenario files) becomes U+FFFD instead of throwing.
std::string json_quote(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

ChromeTraceExporter::ChromeTraceExporter(Output out, const StringTable& strings,
                                         std::string_view process_name)
    : out_(std::move(out)), strings_(strings) {
  fmt::format_to(
      fmt::appender(buf_),
      FMT_COMPILE("{{\"traceEvents\":[\n{{\"ph\":\"M\",\"pid\":1,\"tid\":0,\"name\":\"process_"
                  "name\",\"args\":{{\"name\":{}}}}}"),
      json_quote(process_name));
  first_record_ = false;
}

void ChromeTraceExporter::begin_record() { buf_.append(std::string_view(",\n")); }

void ChromeTraceExporter::ts(std::uint64_t t) {
  // Real-clock times from several threads can sit slightly before the first
  // event's time: write those as negative.
  const bool negative = t < base_;
  const std::uint64_t d = negative ? base_ - t : t - base_;
  fmt::format_to(fmt::appender(buf_), FMT_COMPILE("\"ts\":{}{}.{:03}"), negative ? "-" : "",
                 d / 1000, d % 1000);
}

void ChromeTraceExporter::dur(std::uint64_t from, std::uint64_t to) {
  const std::uint64_t d = to > from ? to - from : 0;
  fmt::format_to(fmt::appender(buf_), FMT_COMPILE(",\"dur\":{}.{:03}"), d / 1000, d % 1000);
}

const std::string& ChromeTraceExporter::quoted(StringId id) {
  if (id >= quoted_.size()) quoted_.resize(std::size_t{id} + 1);
  std::string& q = quoted_[id];
  if (q.empty()) q = json_quote(strings_.get(id));
  return q;
}

void ChromeTraceExporter::slice(ThreadIndex tid, std::uint64_t from, std::uint64_t to,
                                std::string_view quoted_name) {
  begin_record();
  fmt::format_to(fmt::appender(buf_), FMT_COMPILE("{{\"ph\":\"X\",\"pid\":1,\"tid\":{},"), tid);
  ts(from);
  dur(from, to);
  fmt::format_to(fmt::appender(buf_), FMT_COMPILE(",\"name\":{}"), quoted_name);
}

void ChromeTraceExporter::flow_end(std::uint64_t id, ThreadIndex tid, std::uint64_t t) {
  begin_record();
  fmt::format_to(
      fmt::appender(buf_),
      FMT_COMPILE("{{\"ph\":\"f\",\"bp\":\"e\",\"pid\":1,\"tid\":{},\"cat\":\"flow\",\"name\":"
                  "\"causes\",\"id\":{},"),
      tid, id);
  ts(t);
  buf_.push_back('}');
  ++stats_.flows;
}

void ChromeTraceExporter::flush_if_big() {
  if (buf_.size() < kFlushBytes) return;
  out_(std::string_view(buf_.data(), buf_.size()));
  buf_.clear();
}

void ChromeTraceExporter::add(std::span<const Event> events) {
  if (!events.empty() && !have_base_) {
    base_ = events.front().t;
    have_base_ = true;
  }
  for (const Event& e : events) {
    event(e);
    flush_if_big();
  }
  stats_.events += events.size();
}

void ChromeTraceExporter::event(const Event& e) {
  auto out = fmt::appender(buf_); // writes straight into the buffer
  auto instant = [&](std::string_view quoted_name, char scope) {
    begin_record();
    fmt::format_to(out, FMT_COMPILE("{{\"ph\":\"i\",\"s\":\"{}\",\"pid\":1,\"tid\":{},"), scope,
                   e.thread);
    ts(e.t);
    fmt::format_to(out, FMT_COMPILE(",\"name\":{}"), quoted_name);
  };
  auto counter = [&](std::string_view name, std::string_view key, std::uint64_t value) {
    begin_record();
    fmt::format_to(out, FMT_COMPILE("{{\"ph\":\"C\",\"pid\":1,\"tid\":0,\"name\":\"{}\","), name);
    ts(e.t);
    fmt::format_to(out, FMT_COMPILE(",\"args\":{{\"{}\":{}}}}}"), key, value);
  };
  auto flow_start = [&](std::uint64_t id) {
    begin_record();
    fmt::format_to(
        out,
        FMT_COMPILE("{{\"ph\":\"s\",\"pid\":1,\"tid\":{},\"cat\":\"flow\",\"name\":\"causes\","
                    "\"id\":{},"),
        e.thread, id);
    ts(e.t);
    buf_.push_back('}');
  };

  switch (e.kind) {
  case EventKind::ThreadNamed:
    begin_record();
    fmt::format_to(
        out,
        FMT_COMPILE("{{\"ph\":\"M\",\"pid\":1,\"tid\":{},\"name\":\"thread_name\",\"args\":{{"
                    "\"name\":{}}}}},\n{{\"ph\":\"M\",\"pid\":1,\"tid\":{},\"name\":\"thread_sort_"
                    "index\",\"args\":{{\"sort_index\":{}}}}}"),
        e.thread, quoted(field::thread_name(e)), e.thread, e.thread);
    ++stats_.threads;
    break;
  case EventKind::RuntimeStarted:
    instant("\"runtime started\"", 'g');
    fmt::format_to(out, FMT_COMPILE(",\"args\":{{\"queue_capacity\":{},\"clock\":\"{}\"}}}}"),
                   field::queue_capacity(e), field::virtual_clock(e) ? "virtual" : "real");
    break;
  case EventKind::RuntimeReset:
    // A fresh runtime: ids start again, nothing pending carries over.
    instant("\"runtime reset\"", 'g');
    buf_.push_back('}');
    tasks_.clear();
    timers_.clear();
    wake_flows_.clear();
    queued_.clear();
    live_timers_ = 0;
    counter("timer threads", "live", 0);
    break;
  case EventKind::TaskSpawned: {
    Task& task = tasks_[e.task];
    task = Task{};
    task.name = field::task_name(e);
    slice(e.thread, e.t, e.t,
          json_quote(fmt::format("spawn {}", strings_.get(field::task_name(e)))));
    fmt::format_to(out, FMT_COMPILE(",\"cat\":\"spawn\",\"args\":{{\"task\":{},\"at\":{}}}}}"),
                   e.task, quoted(field::spawn_location(e)));
    task.spawn_flow = next_flow_++;
    flow_start(task.spawn_flow);
    break;
  }
  case EventKind::PollBegin: {
    Task& task = tasks_[e.task];
    task.begin_t = e.t;
    task.begin_thread = e.thread;
    task.in_poll = true;
    if (task.spawn_flow != 0) flow_end(std::exchange(task.spawn_flow, 0), e.thread, e.t);
    if (task.wake_flow != 0) flow_end(std::exchange(task.wake_flow, 0), e.thread, e.t);
    break;
  }
  case EventKind::PollEnd: poll_end(e); break;
  case EventKind::WakerWoken: {
    // Digits only: nothing to escape, and wakes are the hot path.
    begin_record();
    fmt::format_to(out, FMT_COMPILE("{{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":{},"), e.thread);
    ts(e.t);
    fmt::format_to(out, FMT_COMPILE(",\"name\":\"wake task {}\""), e.task);
    fmt::format_to(out, FMT_COMPILE(",\"args\":{{\"waker\":{},\"task\":{},\"by_ref\":{}}}}}"),
                   e.waker, e.task, field::by_ref(e));
    ++stats_.wakes;
    const std::uint64_t id = next_flow_++;
    wake_flows_[e.waker] = id;
    flow_start(id);
    break;
  }
  case EventKind::QueuePush:
    counter("queue length", "length", field::queue_length(e));
    if (e.waker != 0) {
      if (auto it = wake_flows_.find(e.waker); it != wake_flows_.end()) {
        queued_[field::ticket(e)] = it->second;
        wake_flows_.erase(it);
      }
    }
    break;
  case EventKind::QueuePop:
    counter("queue length", "length", field::queue_length(e));
    if (auto it = queued_.find(field::ticket(e)); it != queued_.end()) {
      tasks_[e.task].wake_flow = it->second;
      queued_.erase(it);
    }
    break;
  case EventKind::TimerThreadStarted: {
    Timer& timer = timers_[e.timer];
    timer = Timer{};
    timer.task = e.task;
    timer.started = e.t;
    timer.has_started = true;
    counter("timer threads", "live", ++live_timers_);
    break;
  }
  case EventKind::TimerThreadWaiting: {
    Timer& timer = timers_[e.timer];
    timer.waiting = e.t;
    timer.deadline = field::deadline_ns(e);
    timer.has_waiting = true;
    break;
  }
  case EventKind::TimerFired: {
    Timer& timer = timers_[e.timer];
    timer.fired = e.t;
    timer.has_fired = true;
    break;
  }
  case EventKind::TimerThreadExited: timer_exited(e); break;
  case EventKind::TimerThreadFailed:
    instant(json_quote(fmt::format("timer {}: no thread", e.timer)), 't');
    fmt::format_to(out, FMT_COMPILE(",\"args\":{{\"timer\":{},\"task\":{}}}}}"), e.timer, e.task);
    break;
  case EventKind::Output:
    instant("\"output\"", 't');
    fmt::format_to(out, FMT_COMPILE(",\"args\":{{\"task\":{},\"text\":{}}}}}"), e.task,
                   quoted(field::output_text(e)));
    break;
  default: break;
  }
}

void ChromeTraceExporter::poll_end(const Event& e) {
  auto it = tasks_.find(e.task);
  Task* task = it == tasks_.end() ? nullptr : &it->second;
  // A poll whose begin the log does not hold (a recording that starts
  // mid-run) starts its duration before its end.
  std::uint64_t from = e.t >= field::poll_duration_ns(e) ? e.t - field::poll_duration_ns(e) : 0;
  ThreadIndex tid = e.thread;
  if (task != nullptr && task->in_poll) {
    from = task->begin_t;
    tid = task->begin_thread;
    task->in_poll = false;
  }
  const std::uint64_t poll = task != nullptr ? ++task->polls : 0;
  if (task != nullptr && task->name != 0) {
    slice(tid, from, e.t, quoted(task->name));
  } else {
    slice(tid, from, e.t, json_quote(fmt::format("task {}", e.task)));
  }
  fmt::format_to(
      fmt::appender(buf_),
      FMT_COMPILE(",\"cat\":\"poll\",\"args\":{{\"task\":{},\"poll\":{},\"result\":\"{}\""), e.task,
      poll, field::ready(e) ? "Ready" : "Pending");
  if (!field::ready(e))
    fmt::format_to(fmt::appender(buf_), FMT_COMPILE(",\"suspended_at\":{}"),
                   quoted(field::suspended_at(e)));
  buf_.append(std::string_view("}}"));
  ++stats_.polls;
}

void ChromeTraceExporter::timer_exited(const Event& e) {
  auto it = timers_.find(e.timer);
  if (it != timers_.end() && it->second.has_started) {
    const Timer& timer = it->second;
    std::string name = fmt::format("timer {}", e.timer);
    if (auto task = tasks_.find(timer.task); task != tasks_.end() && task->second.name != 0)
      name += fmt::format(" ({})", strings_.get(task->second.name));
    slice(e.thread, timer.started, e.t, json_quote(name));
    fmt::format_to(
        fmt::appender(buf_),
        FMT_COMPILE(",\"cat\":\"timer\",\"args\":{{\"timer\":{},\"task\":{},\"cancelled\":{}}}}}"),
        e.timer, timer.task, field::cancelled(e));
    const std::uint64_t waiting = timer.has_waiting ? timer.waiting : e.t;
    slice(e.thread, timer.started, waiting, "\"started\"");
    buf_.append(std::string_view(",\"cat\":\"timer\"}"));
    if (timer.has_waiting) {
      const std::uint64_t until = timer.has_fired ? timer.fired : e.t;
      slice(e.thread, timer.waiting, until, "\"waiting until the deadline\"");
      fmt::format_to(fmt::appender(buf_),
                     FMT_COMPILE(",\"cat\":\"timer\",\"args\":{{\"deadline_ns\":{}}}}}"),
                     timer.deadline);
    }
    if (timer.has_fired) {
      slice(e.thread, timer.fired, e.t, "\"fired\"");
      buf_.append(std::string_view(",\"cat\":\"timer\"}"));
    }
    timers_.erase(it);
  }
  begin_record();
  fmt::format_to(fmt::appender(buf_),
                 FMT_COMPILE("{{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":{},"), e.thread);
  ts(e.t);
  fmt::format_to(fmt::appender(buf_), FMT_COMPILE(",\"name\":\"{}\",\"args\":{{\"timer\":{}}}}}"),
                 field::cancelled(e) ? "exited (cancelled)" : "exited", e.timer);
  if (live_timers_ > 0) --live_timers_;
  begin_record();
  fmt::format_to(fmt::appender(buf_),
                 FMT_COMPILE("{{\"ph\":\"C\",\"pid\":1,\"tid\":0,\"name\":\"timer threads\","));
  ts(e.t);
  fmt::format_to(fmt::appender(buf_), FMT_COMPILE(",\"args\":{{\"live\":{}}}}}"), live_timers_);
}

void ChromeTraceExporter::finish() {
  fmt::format_to(
      fmt::appender(buf_),
      FMT_COMPILE("\n],\"displayTimeUnit\":\"ns\",\"otherData\":{{\"producer\":\"pollscope\","
                  "\"base_ns\":{},\"events\":{}}}}}\n"),
      base_, stats_.events);
  out_(std::string_view(buf_.data(), buf_.size()));
  buf_.clear();
}

RecordingStatus export_chrome_trace(const std::filesystem::path& path,
                                    std::span<const Event> events, const StringTable& strings,
                                    ChromeTraceStats* stats, const ProgressFn& progress) {
  // Progress is told once per this many events (~20 ms of exporting).
  constexpr std::size_t kProgressEvents = std::size_t{1} << 16;
  const std::uint64_t total = events.size();
  auto go_on = [&](std::uint64_t done) { return !progress || progress(done, total); };
  if (!go_on(0)) return {fmt::format("{}: export cancelled", path.string()), true};
  std::filesystem::path temp = path;
  temp.replace_filename(fmt::format(".{}.{}.tmp", path.filename().string(), ::getpid()));
  auto fail = [&](std::string why, bool cancelled = false) -> RecordingStatus {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    return {fmt::format("{}: {}", path.string(), why), cancelled};
  };
  std::FILE* f = std::fopen(temp.c_str(), "wb");
  if (f == nullptr) {
    const int err = errno;
    return {
        fmt::format("{}: cannot create: {}", path.string(), std::system_category().message(err))};
  }
  bool failed = false;
  bool cancelled = false;
  int err = 0;
  try {
    ChromeTraceExporter exporter(
        [&](std::string_view piece) {
          if (!failed && std::fwrite(piece.data(), 1, piece.size(), f) != piece.size()) {
            failed = true;
            err = errno;
          }
        },
        strings, "pollscope");
    for (std::size_t at = 0; at < events.size() && !failed;) {
      const std::size_t n = std::min(kProgressEvents, events.size() - at);
      exporter.add(events.subspan(at, n));
      at += n;
      if (at < events.size() && !go_on(at)) {
        cancelled = true;
        break;
      }
    }
    if (!cancelled) exporter.finish();
    if (stats != nullptr) *stats = exporter.stats();
  } catch (const std::exception& e) {
    std::fclose(f);
    return fail(fmt::format("cannot export: {}", e.what()));
  }
  if (std::fclose(f) != 0 && !failed) {
    failed = true;
    err = errno;
  }
  if (cancelled) return fail("export cancelled", true);
  if (failed) return fail(fmt::format("cannot write: {}", std::system_category().message(err)));
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) return fail(fmt::format("cannot export: {}", ec.message()));
  (void)go_on(total);
  return {};
}

} // namespace pollscope
