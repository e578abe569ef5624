#include "fold/describe.hpp"

#include <fmt/format.h>

namespace pollscope::fold {

std::string format_duration(std::uint64_t ns) {
  const auto d = static_cast<double>(ns);
  if (ns < 1'000) return fmt::format("{} ns", ns);
  if (ns < 1'000'000) return fmt::format("{:.1f} µs", d / 1e3);
  // Three significant digits: "3.25 ms", "57.4 ms", "574 ms" (not "574.00 ms",
  // which did not fit the timer and task tables' columns).
  if (ns < 9'995'000) return fmt::format("{:.2f} ms", d / 1e6);
  if (ns < 99'950'000) return fmt::format("{:.1f} ms", d / 1e6);
  if (ns < 999'500'000) return fmt::format("{:.0f} ms", d / 1e6);
  return fmt::format("{:.3f} s", d / 1e9);
}

std::string task_label(TaskId task, const StringTable& strings, const FoldState* state) {
  // task_names, not the task table: it still names tasks the fold forgot.
  if (state != nullptr && task < state->task_names.size() && state->task_names[task] != 0)
    return fmt::format("task {} ({})", task, strings.get(state->task_names[task]));
  return fmt::format("task {}", task);
}

std::string describe(const Event& e, const StringTable& strings, const FoldState* state) {
  auto task = [&] { return task_label(e.task, strings, state); };
  // A timer event written by the timer-thread policy's driver: its thread
  // row serves every timer, so it names none of its own.
  auto by_driver = [&] {
    return state != nullptr && e.lane == Lane::Timer && e.thread != 0 &&
           e.thread < state->threads.size() && state->threads[e.thread].lane == Lane::Timer &&
           state->threads[e.thread].timer == 0;
  };
  auto str = [&](StringId id) { return strings.get(id); };
  switch (e.kind) {
  case EventKind::RuntimeStarted:
    // The policies only when they are not the book's (older logs read the same).
    return fmt::format("runtime started: queue capacity {}, {} clock{}{}", field::queue_capacity(e),
                       field::virtual_clock(e) ? "virtual" : "real",
                       field::queue_policy(e) == QueuePolicy::Book
                           ? std::string()
                           : fmt::format(", queue policy {}", to_string(field::queue_policy(e))),
                       field::timer_policy(e) == TimerPolicy::ThreadPerTimer
                           ? std::string()
                           : fmt::format(", timer policy {}", to_string(field::timer_policy(e))));
  case EventKind::RuntimeReset: return "runtime reset: every task and timer thread torn down";
  case EventKind::ChannelClosed: return "channel closed: every sender is gone";
  case EventKind::ThreadNamed:
    return fmt::format("thread {} is \"{}\" ({} thread)", e.thread, str(field::thread_name(e)),
                       to_string(field::thread_lane(e)));
  case EventKind::TaskSpawned:
    return fmt::format("task {} ({}) spawned at {}", e.task, str(field::task_name(e)),
                       field::spawn_location(e) != 0 ? str(field::spawn_location(e)) : "?");
  case EventKind::TaskCompleted:
    return fmt::format("{} completed{}", task(), field::failed(e) ? " by throwing" : "");
  case EventKind::TaskDropped: return fmt::format("{} dropped", task());
  case EventKind::QueuePush:
    if (field::local_queue(e))
      return fmt::format(
          "{} pushed onto the executor-local queue by {} (local ticket {}, length {})", task(),
          fmt::format("waker {}", e.waker), field::ticket(e) & ~kLocalQueueTicket,
          field::queue_length(e));
    return fmt::format("{} pushed onto the queue by {} (ticket {}, length {})", task(),
                       e.waker == 0 ? std::string("the spawner") : fmt::format("waker {}", e.waker),
                       field::ticket(e), field::queue_length(e));
  case EventKind::QueuePop:
    if (field::local_queue(e))
      return fmt::format("executor popped {} from its local queue (local ticket {}, length {})",
                         task(), field::ticket(e) & ~kLocalQueueTicket, field::queue_length(e));
    return fmt::format("executor popped {} (ticket {}, length {})", task(), field::ticket(e),
                       field::queue_length(e));
  case EventKind::SendBlocked:
    return fmt::format("sending {} blocked: the queue is full ({} thread)", task(),
                       to_string(e.lane));
  case EventKind::SendUnblocked:
    return fmt::format("sending {} unblocked: a slot came free", task());
  case EventKind::TrySendFull:
    return fmt::format("try_spawn of {} refused: the queue is full", task());
  case EventKind::ExecutorWaiting: return "executor waiting: the queue is empty";
  case EventKind::ExecutorMode: return fmt::format("executor mode: {}", to_string(field::mode(e)));
  case EventKind::StepRequested:
    return fmt::format("step requested ({} owed)", field::steps_owed(e));
  case EventKind::PollBegin: return fmt::format("executor polling {}", task());
  case EventKind::PollEnd:
    if (field::ready(e))
      return fmt::format("{} polled: Ready ({})", task(),
                         format_duration(field::poll_duration_ns(e)));
    if (field::suspended_at(e) != 0)
      return fmt::format("{} polled: Pending at {} ({})", task(), str(field::suspended_at(e)),
                         format_duration(field::poll_duration_ns(e)));
    return fmt::format("{} polled: Pending ({})", task(),
                       format_duration(field::poll_duration_ns(e)));
  case EventKind::ExecutorDone:
    return fmt::format("executor done after {} polls", field::total_polls(e));
  case EventKind::WakerCreated:
    return e.task != 0 ? fmt::format("waker {} created for {} ({} waker)", e.waker, task(),
                                     to_string(field::waker_kind(e)))
                       : fmt::format("waker {} created ({} waker)", e.waker,
                                     to_string(field::waker_kind(e)));
  case EventKind::WakerCloned:
    return fmt::format("waker {} cloned from waker {}", e.waker, field::cloned_from(e));
  case EventKind::WakerWoken:
    return fmt::format("waker {} woke {}{}", e.waker, task(), field::by_ref(e) ? " (by ref)" : "");
  case EventKind::WakerDropped: return fmt::format("waker {} dropped", e.waker);
  case EventKind::WakerStored: return fmt::format("timer {} stored waker {}", e.timer, e.waker);
  case EventKind::WakerRemoved: return fmt::format("timer {} took waker {} out", e.timer, e.waker);
  case EventKind::TimerCreated:
    return fmt::format("timer {} created for {}: {}", e.timer, task(),
                       format_duration(field::duration_ns(e)));
  case EventKind::TimerThreadStarted:
    return by_driver() ? fmt::format("the timer driver armed timer {}", e.timer)
                       : fmt::format("timer {} thread started", e.timer);
  case EventKind::TimerThreadWaiting: {
    // The deadline on the same scale as the log's time column: seconds since
    // the current runtime started (the clock keeps running across resets).
    const std::uint64_t origin = state != nullptr ? state->started_t : 0;
    const std::uint64_t deadline = field::deadline_ns(e);
    return fmt::format("timer {} {} until {:.6f} s", e.timer,
                       by_driver() ? "waits in the driver's heap" : "thread waiting",
                       static_cast<double>(deadline > origin ? deadline - origin : 0) / 1e9);
  }
  case EventKind::TimerDue:
    return fmt::format("timer {} is due, not delivered: the gate holds its wake", e.timer);
  case EventKind::TimerFired: return fmt::format("timer {} fired", e.timer);
  case EventKind::TimerThreadExited:
    return by_driver() ? fmt::format("the timer driver is done with timer {}{}", e.timer,
                                     field::cancelled(e) ? " (cancelled)" : "")
                       : fmt::format("timer {} thread exited{}", e.timer,
                                     field::cancelled(e) ? " (cancelled)" : "");
  case EventKind::TimerThreadFailed:
    return fmt::format("timer {} could not start a thread; it completed at once", e.timer);
  case EventKind::Output:
    return e.task != 0 ? fmt::format("{} printed \"{}\"", task(), str(field::output_text(e)))
                       : fmt::format("printed \"{}\"", str(field::output_text(e)));
  case EventKind::LockWaitBegin:
    return e.task != 0 ? fmt::format("{} waits for timer {}'s lock, held by another thread", task(),
                                     e.timer)
                       : fmt::format("waits for timer {}'s lock, held by another thread", e.timer);
  case EventKind::LockWaitEnd: return fmt::format("got timer {}'s lock", e.timer);
  case EventKind::RuntimeAbandoned: {
    const std::uint64_t polls = field::polls_in_progress(e);
    return fmt::format("runtime abandoned: its executor thread is stuck inside {} poll{}; a "
                       "fresh runtime starts, the old thread finishes on its own",
                       polls, polls == 1 ? "" : "s");
  }
  case EventKind::Count: break;
  }
  return fmt::format("unknown event kind {}", static_cast<int>(e.kind));
}

namespace {
std::string flow_line(const FlowView& f, const FoldState& state, const StringTable& strings);
} // namespace

std::string describe_flow(const FoldState& state, const StringTable& strings) {
  return describe_flow(state.flow, state, strings);
}

std::string describe_flow(const FlowView& flow, const FoldState& state,
                          const StringTable& strings) {
  std::string line = flow_line(flow, state, strings);
  // Some lines start with a task label ("task 1 ... completed"): a sentence.
  if (!line.empty() && line[0] >= 'a' && line[0] <= 'z')
    line[0] = static_cast<char>(line[0] - 'a' + 'A');
  return line;
}

Narration narrate(const FoldState& state, const StringTable& strings) {
  const BookView& b = state.book;
  Narration n;
  if (b.step == 0) {
    // No step yet in this runtime: only what happened, if anything.
    if (state.flow.step != FlowStep::None) n.since = describe_flow(state, strings);
    return n;
  }
  n.step = b.step;
  n.task = b.task;
  n.moment = describe_flow(b.moment, state, strings);
  if (state.flow != b.moment) n.since = describe_flow(state, strings);
  return n;
}

std::string narration_line(const FoldState& state, const StringTable& strings) {
  const Narration n = narrate(state, strings);
  if (n.step == 0) return n.since.empty() ? describe_flow(state, strings) : n.since;
  std::string line = fmt::format("Step {} of {} — {}", n.step, kBookSteps, n.moment);
  if (!n.since.empty()) line += fmt::format("; since then: {}", n.since);
  return line;
}

namespace {
std::string flow_line(const FlowView& f, const FoldState& state, const StringTable& strings) {
  const std::string task = task_label(f.task, strings, &state);
  switch (f.step) {
  case FlowStep::None: return "Nothing has happened yet";
  case FlowStep::Spawned: return fmt::format("Spawner created {}", task);
  case FlowStep::Queued: return fmt::format("Spawner sent {} to the run queue", task);
  case FlowStep::Popped: return fmt::format("Executor took {} off the run queue", task);
  case FlowStep::PollStarted: return fmt::format("Executor is polling {}", task);
  case FlowStep::WakerStored:
    return fmt::format("Timer {} stored a clone of {}'s waker", f.timer, task);
  case FlowStep::PolledPending: return fmt::format("Executor polled {}: Pending", task);
  case FlowStep::TimerWaiting:
    return fmt::format("Timer thread {} waits for its deadline", f.timer);
  case FlowStep::TimerFired: return fmt::format("Timer {} fired: completed = true", f.timer);
  case FlowStep::WakerTaken:
    return fmt::format("Timer {} took the stored waker out to wake it", f.timer);
  case FlowStep::Woken: return fmt::format("Waker {} woke {}", f.waker, task);
  case FlowStep::QueuedAgain:
    return fmt::format("Waker {} sent {} back to the run queue", f.waker, task);
  case FlowStep::PolledReady: return fmt::format("Executor polled {}: Ready", task);
  case FlowStep::Completed: return fmt::format("{} completed", task);
  case FlowStep::Dropped: return fmt::format("{} dropped: its future is destroyed", task);
  case FlowStep::SendBlocked: return fmt::format("Sending {} blocked: the run queue is full", task);
  case FlowStep::ExecutorDone: return "Executor done: every sender is gone and the queue is empty";
  case FlowStep::SpawnRefused:
    return fmt::format("Spawning {} refused: the run queue is full, so it is dropped unpolled",
                       task);
  case FlowStep::PoppedFinished:
    return fmt::format("Executor took {} off the run queue, but it already finished: a "
                       "leftover entry from a second wake, dropped without a poll",
                       task);
  }
  return std::string(to_string(f.step));
}
} // namespace

std::string_view to_string(Concept c) noexcept {
  switch (c) {
  case Concept::Waker: return "waker";
  case Concept::Pending: return "Pending";
  case Concept::Ready: return "Ready";
  case Concept::RunQueue: return "run queue";
  case Concept::Spawner: return "spawner";
  case Concept::Executor: return "executor";
  case Concept::Task: return "task";
  case Concept::TimerThread: return "timer thread";
  case Concept::Poll: return "poll";
  case Concept::WakeByRef: return "wake_by_ref";
  case Concept::Clone: return "clone";
  case Concept::Drop: return "drop";
  }
  return "unknown";
}

std::string_view help(Concept c) noexcept {
  switch (c) {
  case Concept::Waker:
    return "A handle that says 'poll this task again': waking it sends the task back onto the run "
           "queue.";
  case Concept::Pending:
    return "poll's answer 'not done yet': the future has arranged for a waker to be woken when it "
           "can progress.";
  case Concept::Ready:
    return "poll's answer 'done', with the value; the task completes and is never polled again.";
  case Concept::RunQueue:
    return "A bounded channel of tasks ready to be polled; sending blocks when it is full.";
  case Concept::Spawner:
    return "Wraps a future in a task and sends it onto the run queue for the first poll.";
  case Concept::Executor: return "Takes tasks off the run queue one at a time and polls each once.";
  case Concept::Task: return "A boxed future plus a sender of the run queue; it is its own waker.";
  case Concept::TimerThread:
    return "One thread per TimerFuture: it waits for the deadline, sets completed, and wakes the "
           "stored waker.";
  case Concept::Poll:
    return "Asks a future to make progress: it returns Ready(value) or Pending, never blocking.";
  case Concept::WakeByRef:
    return "Wakes the task without giving up the waker, so it can be woken again later.";
  case Concept::Clone:
    return "Makes another waker for the same task; a future stores a clone because the Context's "
           "is borrowed.";
  case Concept::Drop:
    return "Releases a waker (or task); the last drop of a task destroys its future.";
  }
  return "";
}

} // namespace pollscope::fold
