#include "gui/compare_metrics.hpp"

#include "fold/describe.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

namespace pollscope::gui {
namespace {

// B against A: a ratio when both are above zero, else the difference.
std::string change(std::uint64_t a, std::uint64_t b, bool duration) {
  if (a == b) return "same";
  char buf[48];
  if (a > 0 && b > 0) {
    // Two decimals, or two significant digits for a small ratio (1 thread
    // against 5,000 is x0.0002, not x0.00).
    const double r = double(b) / double(a);
    std::snprintf(buf, sizeof buf, r >= 0.1 ? "x%.2f" : "x%.2g", r);
    return buf;
  }
  if (duration)
    return b > a ? "+" + fold::format_duration(b - a) : "-" + fold::format_duration(a - b);
  std::snprintf(buf, sizeof buf, "%s%llu", b > a ? "+" : "-",
                (unsigned long long)(b > a ? b - a : a - b));
  return buf;
}

MetricRow count_row(std::string name, std::uint64_t a, std::uint64_t b, std::string help) {
  return {std::move(name),
          std::to_string(a),
          std::to_string(b),
          change(a, b, false),
          a != b,
          std::move(help),
          {},
          {}};
}

MetricRow duration_row(std::string name, std::optional<std::uint64_t> a,
                       std::optional<std::uint64_t> b, std::string help) {
  MetricRow r{std::move(name),
              a ? fold::format_duration(*a) : "-",
              b ? fold::format_duration(*b) : "-",
              "-",
              false,
              std::move(help),
              {},
              {}};
  if (a && b) {
    r.change = change(*a, *b, true);
    // As shown: 10.212 s against 10.212 s (a few ns apart on a real clock)
    // is the same to the reader, and a highlight would say otherwise.
    r.differ = r.a != r.b;
    if (!r.differ) r.change = "same";
  } else {
    r.differ = a.has_value() != b.has_value();
  }
  return r;
}

std::optional<std::uint64_t> p50(const fold::MetricPercentiles& p) {
  return p.samples > 0 ? std::optional(p.p50_ns) : std::nullopt;
}
std::optional<std::uint64_t> p99(const fold::MetricPercentiles& p) {
  return p.samples > 0 ? std::optional(p.p99_ns) : std::nullopt;
}

std::string rss_text(const RssCell& c) {
  switch (c.state) {
  case RssCell::State::Off: return "not measured";
  case RssCell::State::Measuring: return "measuring...";
  case RssCell::State::Measured: {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", double(c.kib) / 1024.0);
    return buf;
  }
  case RssCell::State::Failed: return "unavailable"; // why: on hover
  }
  return "-";
}

MetricRow rss_row(const RssCell& a, const RssCell& b) {
  MetricRow r{"peak RSS",
              rss_text(a),
              rss_text(b),
              "-",
              false,
              "The most memory the side's process had resident at once, measured by running the "
              "side again on its own in a child process (two runtimes in one process share one "
              "resident set). Every timer thread has a stack of its own, so thread-per-timer "
              "costs memory per waiting timer; one timer thread costs it once.",
              a.error,
              b.error};
  if (a.state == RssCell::State::Measured && b.state == RssCell::State::Measured) {
    r.change = change(a.kib, b.kib, false);
    // Two runs of one program differ by a few pages: only 5% is a difference.
    const double lo = double(std::min(a.kib, b.kib)), hi = double(std::max(a.kib, b.kib));
    r.differ = hi > lo * 1.05;
  }
  return r;
}

} // namespace

std::vector<MetricRow> metric_rows(const fold::RunMetrics& a, const fold::RunMetrics& b,
                                   const RssCell& a_rss, const RssCell& b_rss) {
  std::vector<MetricRow> rows;
  rows.push_back(count_row(
      "polls", a.polls, b.polls,
      "How many times the executor called poll on a task in this run. Every queue entry costs "
      "one poll, so a duplicate entry (book) is a poll that finds nothing new to do: the book "
      "polls more than notified when tasks are woken twice."));
  rows.push_back(count_row(
      "duplicate entries", a.duplicate_entries, b.duplicate_entries,
      "Queue pushes of a task that already had an entry in the run queue (the \"dup\" badge). "
      "The book's channel has no notified flag, so a second wake queues the task again; "
      "notified and local keep a bit per task and never queue it twice."));
  rows.push_back(count_row(
      "peak timer threads", a.peak_timer_threads, b.peak_timer_threads,
      "The most OS threads serving timers at one time. thread-per-timer (the book) starts a "
      "thread per TimerFuture, so it climbs with the number of waiting timers; timer-thread "
      "serves every timer from one driver thread."));
  rows.push_back(rss_row(a_rss, b_rss));
  const auto measured_wall = [](const RssCell& c) {
    return c.state == RssCell::State::Measured && c.elapsed_ns > 0 ? std::optional(c.elapsed_ns)
                                                                   : std::nullopt;
  };
  rows.push_back(duration_row(
      "wall time", measured_wall(a_rss), measured_wall(b_rss),
      "The side's run() from start to end on the steady clock, measured in the same child "
      "process as peak RSS (this window's runtimes run at the time scale and wait for Step). "
      "Starting and joining thousands of timer threads takes real time that one timer thread "
      "does not. Highlighted only past 20% and 10 ms: two runs of one program differ by a few "
      "milliseconds of start-up and scheduling, which a short scenario's whole run is."));
  if (const auto wa = measured_wall(a_rss), wb = measured_wall(b_rss); wa && wb) {
    // Noise, not a difference: a double-wake run takes 1-3 ms, and the same
    // side run twice varies by about that much.
    const double lo = double(std::min(*wa, *wb)), hi = double(std::max(*wa, *wb));
    rows.back().differ = hi > lo * 1.2 && hi - lo > 10e6;
  }
  rows.push_back(duration_row(
      "run time (its clock)", a.wall_ns, b.wall_ns,
      "From the run's first event to its latest, on the runtime's own clock (virtual: the "
      "time the runtime jumped through; real: elapsed, slowed by the time scale)."));
  rows.push_back(duration_row(
      "timer lateness p50", p50(a.timer_lateness), p50(b.timer_lateness),
      "Median of how late timers fired (fired minus deadline). A thread per timer must be "
      "scheduled by the OS to fire; one timer thread fires every due timer in one pass."));
  rows.push_back(duration_row(
      "timer lateness p99", p99(a.timer_lateness), p99(b.timer_lateness),
      "The 99th percentile of timer lateness: the late tail, where thousands of threads "
      "competing for two cores show."));
  rows.push_back(duration_row(
      "scheduled delay p50", p50(a.scheduled_delay), p50(b.scheduled_delay),
      "Median time from a queue push to the poll it led to. Duplicate entries and wakes that "
      "wait behind the shared channel lengthen it; local runs the executor's own wakes from "
      "its local queue."));
  rows.push_back(duration_row("scheduled delay p99", p99(a.scheduled_delay), p99(b.scheduled_delay),
                              "The 99th percentile of scheduled delay: the tasks that waited "
                              "longest in the queue."));
  rows.push_back(count_row(
      "wakes into the channel", a.channel_wakes, b.channel_wakes,
      "Queue pushes a waker made into the shared, bounded channel (spawns not counted). Under "
      "book and notified every wake goes there, the executor's own self-wakes too."));
  rows.push_back(count_row(
      "wakes into the local queue", a.local_wakes, b.local_wakes,
      "Queue pushes a waker made into the executor's local queue: under local, a wake made on "
      "the executor thread (a yield) stays there, with no atomic handoff; wakes from timer "
      "threads still go through the channel."));
  rows.push_back(count_row("lints", a.lints, b.lints,
                           "Faults the fold detected in the run (see the side's lints). A double "
                           "wake is a lint under the book and impossible under notified."));
  return rows;
}

} // namespace pollscope::gui
