// The policies a runtime can run under (the policies issue). The book's
// executor is one point in a design space that real runtimes left: these name
// the other points, so a learner can switch one and watch what changes.
//
// Each policy is chosen when a runtime starts (ControllerOptions, applied at
// Reset) and never changes while it runs. Every policy writes the same event
// schema, so the fold, the panels and the lints need no policy of their own.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pollscope {

// Where a woken task goes.
enum class QueuePolicy : std::uint8_t {
  // The book: every wake sends the task on the bounded channel, even when it
  // is already queued, so a task woken twice is queued twice.
  Book,
  // tokio's notified bit: a wake on a task already queued (or being polled
  // and already notified) changes nothing, so no task is ever queued twice.
  Notified,
  // Notified, plus an executor-local queue: wakes made on the executor
  // thread itself skip the shared channel. Wakes from other threads still go
  // through the bounded channel.
  Local,
};

// Who sleeps until a timer's deadline.
enum class TimerPolicy : std::uint8_t {
  ThreadPerTimer, // the book: one OS thread per TimerFuture
  TimerThread,    // one driver thread serves every timer, deadline-ordered
};

inline constexpr std::array<std::string_view, 3> kQueuePolicyNames{"book", "notified", "local"};
inline constexpr std::array<std::string_view, 2> kTimerPolicyNames{"thread-per-timer",
                                                                   "timer-thread"};

constexpr std::string_view to_string(QueuePolicy p) noexcept {
  return kQueuePolicyNames[static_cast<std::size_t>(p)];
}
constexpr std::string_view to_string(TimerPolicy p) noexcept {
  return kTimerPolicyNames[static_cast<std::size_t>(p)];
}

// By name, as the command line, scenario files and recordings spell them;
// nullopt for any other text.
constexpr std::optional<QueuePolicy> parse_queue_policy(std::string_view s) noexcept {
  for (std::size_t i = 0; i < kQueuePolicyNames.size(); ++i)
    if (s == kQueuePolicyNames[i]) return static_cast<QueuePolicy>(i);
  return std::nullopt;
}
constexpr std::optional<TimerPolicy> parse_timer_policy(std::string_view s) noexcept {
  for (std::size_t i = 0; i < kTimerPolicyNames.size(); ++i)
    if (s == kTimerPolicyNames[i]) return static_cast<TimerPolicy>(i);
  return std::nullopt;
}

// A lesson's "compare" section (scenario files, runtime/scenario_file.hpp): the same scenario under
// two policy sets, side by side (issue #14 §2). Names left out are the defaults' (book,
// thread-per-timer).
struct ScenarioCompare {
  QueuePolicy a_queue = QueuePolicy::Book;
  TimerPolicy a_timer = TimerPolicy::ThreadPerTimer;
  QueuePolicy b_queue = QueuePolicy::Book;
  TimerPolicy b_timer = TimerPolicy::ThreadPerTimer;
  std::string lesson; // the on-screen explanation of what differs and why
  bool operator==(const ScenarioCompare&) const = default;
};

} // namespace pollscope
