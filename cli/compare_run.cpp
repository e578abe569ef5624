// Sections: 1. the metrics JSON  2. a side in a child process (posix_spawn,
// two pipes read with poll(), wait4 for the peak RSS).
#include "cli/compare_run.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace pollscope {

// --- 1. The metrics JSON -----------------------------------------------------

namespace {

using nlohmann::json;

nlohmann::ordered_json percentiles_json(const fold::MetricPercentiles& p) {
  return {{"samples", p.samples}, {"p50_ns", p.p50_ns}, {"p99_ns", p.p99_ns}};
}

// Field readers: each throws a message naming the field.
const json& field_of(const json& obj, const char* key) {
  if (!obj.contains(key)) throw std::string("missing field '") + key + "'";
  return obj.at(key);
}
std::uint64_t whole(const json& obj, const char* key) {
  const json& v = field_of(obj, key);
  if (!v.is_number_unsigned()) throw std::string("'") + key + "' is not a whole number";
  return v.get<std::uint64_t>();
}
std::string text(const json& obj, const char* key) {
  const json& v = field_of(obj, key);
  if (!v.is_string()) throw std::string("'") + key + "' is not a string";
  return v.get<std::string>();
}
fold::MetricPercentiles percentiles(const json& obj, const char* key) {
  const json& v = field_of(obj, key);
  if (!v.is_object()) throw std::string("'") + key + "' is not an object";
  return {whole(v, "samples"), whole(v, "p50_ns"), whole(v, "p99_ns")};
}

} // namespace

std::uint64_t own_peak_rss_kib() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  std::uint64_t kib = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    unsigned long long v = 0;
    if (std::sscanf(line, "VmHWM: %llu kB", &v) == 1) {
      kib = v;
      break;
    }
  }
  std::fclose(f);
  return kib;
}

std::string metrics_json(const MetricsReport& r) {
  const fold::RunMetrics& m = r.metrics;
  // Ordered: the fields in the order the table reads them.
  const nlohmann::ordered_json j = {
      {"format", "pollscope-metrics"},
      {"version", 1},
      {"scenario", r.scenario},
      {"queue_policy", std::string(to_string(r.queue_policy))},
      {"timer_policy", std::string(to_string(r.timer_policy))},
      {"polls", m.polls},
      {"duplicate_entries", m.duplicate_entries},
      {"peak_timer_threads", m.peak_timer_threads},
      {"run_time_ns", m.wall_ns},
      {"elapsed_ns", r.elapsed_ns},
      {"peak_rss_kib", r.peak_rss_kib},
      {"timer_lateness", percentiles_json(m.timer_lateness)},
      {"scheduled_delay", percentiles_json(m.scheduled_delay)},
      {"channel_wakes", m.channel_wakes},
      {"local_wakes", m.local_wakes},
      {"lints", m.lints},
      {"lint_lines", r.lint_lines},
      {"finished", m.finished},
      {"stopped", r.stopped},
  };
  // Names and lint texts come from the run: never let a bad byte throw.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

bool parse_metrics_json(std::string_view input, MetricsReport& out, std::string& error) {
  try {
    const json j = json::parse(input.begin(), input.end());
    if (!j.is_object()) throw std::string("not a JSON object");
    if (text(j, "format") != "pollscope-metrics") throw std::string("not pollscope metrics");
    if (whole(j, "version") != 1) throw std::string("an unknown version");
    MetricsReport r;
    r.scenario = text(j, "scenario");
    const auto q = parse_queue_policy(text(j, "queue_policy"));
    const auto t = parse_timer_policy(text(j, "timer_policy"));
    if (!q || !t) throw std::string("an unknown policy");
    r.queue_policy = *q;
    r.timer_policy = *t;
    fold::RunMetrics& m = r.metrics;
    m.polls = whole(j, "polls");
    m.duplicate_entries = whole(j, "duplicate_entries");
    m.peak_timer_threads = whole(j, "peak_timer_threads");
    m.wall_ns = whole(j, "run_time_ns");
    r.elapsed_ns = whole(j, "elapsed_ns");
    r.peak_rss_kib = whole(j, "peak_rss_kib");
    m.timer_lateness = percentiles(j, "timer_lateness");
    m.scheduled_delay = percentiles(j, "scheduled_delay");
    m.channel_wakes = whole(j, "channel_wakes");
    m.local_wakes = whole(j, "local_wakes");
    m.lints = whole(j, "lints");
    const json& lines = field_of(j, "lint_lines");
    if (!lines.is_array()) throw std::string("'lint_lines' is not an array");
    for (const json& line : lines) {
      if (!line.is_string()) throw std::string("'lint_lines' holds a non-string");
      r.lint_lines.push_back(line.get<std::string>());
    }
    const json& finished = field_of(j, "finished");
    if (!finished.is_boolean()) throw std::string("'finished' is not true or false");
    m.finished = finished.get<bool>();
    r.stopped = text(j, "stopped");
    out = std::move(r);
    return true;
  } catch (const json::exception& e) {
    error = std::string("metrics JSON: ") + e.what();
  } catch (const std::string& why) {
    error = "metrics JSON: " + why;
  }
  return false;
}

// --- 2. A side in a child process --------------------------------------------
//
// Every fd below is opened O_CLOEXEC and owned by an Fd, so no path (an
// early return, a failed spawn) leaks one; once the child exists, every path
// goes through reap(), so none leaves a zombie.

namespace {

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

struct Pipe {
  Fd read, write;
  bool open(std::string& error) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      error = std::string("cannot make a pipe: ") + std::strerror(errno);
      return false;
    }
    read.fd = fds[0];
    write.fd = fds[1];
    return true;
  }
};

bool cancelled(const std::atomic<bool>* cancel) {
  return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

// Waits for the child, polling `cancel` between tries (a child that closed
// its output may still run). Fills the status and the peak RSS.
void reap(pid_t pid, const std::atomic<bool>* cancel, bool& killed, SideRun& r) {
  int status = 0;
  rusage usage{};
  for (;;) {
    const pid_t got = ::wait4(pid, &status, killed ? 0 : WNOHANG, &usage);
    if (got == pid) break;
    if (got < 0 && errno != EINTR) { // not ours any more: nothing to reap
      r.exit_status = -1;
      return;
    }
    if (got == 0) {
      if (cancelled(cancel)) {
        ::kill(pid, SIGKILL);
        killed = true;
      } else {
        ::poll(nullptr, 0, 20); // wait a little between tries
      }
    }
  }
  r.peak_rss_kib = static_cast<std::uint64_t>(usage.ru_maxrss); // Linux: KiB
  if (WIFEXITED(status)) r.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.exit_status = 128 + WTERMSIG(status);
}

std::string last_line(const std::string& text) {
  std::size_t end = text.find_last_not_of("\r\n");
  if (end == std::string::npos) return {};
  const std::size_t begin = text.rfind('\n', end);
  return text.substr(begin == std::string::npos ? 0 : begin + 1,
                     end - (begin == std::string::npos ? 0 : begin + 1) + 1);
}

} // namespace

SideRun run_side_in_child(const std::string& exe, const std::vector<std::string>& args,
                          const std::atomic<bool>* cancel) {
  SideRun r;
  const std::string path = exe.empty() ? "/proc/self/exe" : exe;
  Pipe out, err;
  if (!out.open(r.error) || !err.open(r.error)) return r;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write.fd, 1); // dup2 clears CLOEXEC
  posix_spawn_file_actions_adddup2(&actions, err.write.fd, 2);
  // The headless parent blocks SIGINT/SIGTERM for its signal thread: the
  // child starts with nothing blocked and default actions, as from a shell.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (const int sig : {SIGINT, SIGTERM, SIGPIPE, SIGUSR1}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> argv_text{"pollscope"};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, path.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (spawned != 0) {
    r.error = "cannot start " + path + ": " + std::strerror(spawned);
    return r;
  }
  // Ours closed: the pipes report end of file once the child's copies go.
  out.write.reset();
  err.write.reset();

  std::string stdout_text, stderr_text;
  bool killed = false;
  bool overflow = false;
  char buf[16384];
  while (out.read.fd >= 0 || err.read.fd >= 0) {
    if (!killed && cancelled(cancel)) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    pollfd fds[2] = {{out.read.fd, POLLIN, 0}, {err.read.fd, POLLIN, 0}};
    const int n = ::poll(fds, 2, 50); // 50 ms: how often `cancel` is looked at
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2 && n > 0; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      Fd& fd = i == 0 ? out.read : err.read;
      std::string& text = i == 0 ? stdout_text : stderr_text;
      const ssize_t got = ::read(fd.fd, buf, sizeof buf);
      if (got > 0) {
        if (text.size() + static_cast<std::size_t>(got) > kMaxChildOutput) {
          overflow = true;
          if (!killed) ::kill(pid, SIGKILL);
          killed = true;
        } else {
          text.append(buf, static_cast<std::size_t>(got));
        }
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        fd.reset(); // end of file (or a broken pipe): poll skips a negative fd
      }
    }
  }
  out.read.reset();
  err.read.reset();
  reap(pid, cancel, killed, r);

  if (cancelled(cancel)) {
    r.error = "cancelled";
    return r;
  }
  if (overflow) {
    r.error = "the side printed more than " + std::to_string(kMaxChildOutput) + " bytes";
    return r;
  }
  const std::string why = last_line(stderr_text);
  if (r.exit_status != 0 && r.exit_status != 1 && r.exit_status != 3) {
    r.error = (r.exit_status > 128
                   ? "the side was killed by signal " + std::to_string(r.exit_status - 128)
                   : "the side exited with status " + std::to_string(r.exit_status)) +
              (why.empty() ? std::string() : ": " + why);
    return r;
  }
  MetricsReport report;
  std::string error;
  if (!parse_metrics_json(stdout_text, report, error)) {
    r.error = error + (why.empty() ? std::string() : " (" + why + ")");
    return r;
  }
  r.metrics = report.metrics;
  r.elapsed_ns = report.elapsed_ns;
  if (report.peak_rss_kib != 0) r.peak_rss_kib = report.peak_rss_kib; // see SideRun
  r.lint_lines = std::move(report.lint_lines);
  r.stopped = std::move(report.stopped);
  return r;
}

} // namespace pollscope
