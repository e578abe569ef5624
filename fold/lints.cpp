// Lint detection (LintFacts::apply), evaluation against thresholds, and words.
#include "fold/lints.hpp"

#include "fold/describe.hpp"
#include "fold/state.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pollscope::fold {

namespace {

// Whether the run queue is full once `pushed` more entries are in it.
bool full_after(const FoldState& before, std::size_t pushed) {
  const QueueView& q = before.queue;
  return q.capacity != 0 && q.entries.size() + pushed >= q.capacity;
}

template <class T>
void push_bounded(std::vector<T>& v, T x, std::size_t max) {
  if (v.size() >= max) v.erase(v.begin()); // keep the most recent
  v.push_back(x);
}

} // namespace

// --- detection ----------------------------------------------------------------

LintTaskFacts& LintFacts::task_facts(TaskId id) { return tasks.get_or_create(id); }

void LintFacts::fire(LintKind k, TaskId task, TimerId timer, std::uint64_t index, std::uint64_t t,
                     const std::vector<WaitParty>* parties) {
  ++totals[static_cast<std::size_t>(k)];
  // Few records in any sane run: a linear search only when a lint fires.
  auto it = std::find_if(records.begin(), records.end(),
                         [&](const LintRecord& r) { return r.kind == k && r.task == task; });
  if (it == records.end()) {
    if (records.size() >= kMaxLintRecords) {
      ++unrecorded;
      return;
    }
    LintRecord r;
    r.kind = k;
    r.task = task;
    r.timer = timer;
    r.first_event = index;
    r.first_t = t;
    if (parties != nullptr) r.parties = *parties;
    records.push_back(std::move(r));
    it = records.end() - 1;
  }
  ++it->count;
  it->last_event = index;
  it->last_t = t;
}

bool LintFacts::nobody_can_wake(TaskId task, const FoldState& before) const {
  const LintTaskFacts* f = tasks.find(task);
  std::uint32_t outside = f != nullptr ? f->outside_wakers : 0;
  // A waker stored into a timer that already fired can never be woken: it
  // does not count as someone holding the task's waker. (The list is tiny.)
  for (WakerId id : stuck_wakers) {
    const WakerView* w = before.wakers.find(id);
    if (outside > 0 && w != nullptr && w->alive && w->task == task) --outside;
  }
  return outside == 0;
}

void LintFacts::check_lost(TaskId task, const FoldState& before, const Event& e,
                           std::uint64_t index) {
  const TaskView* v = before.tasks.find(task);
  // Only a task that has run and is parked can be lost: a queued or polling
  // task will run (and may store a waker), a finished one needs none.
  if (v == nullptr || v->completed || v->dropped || v->polls == 0) return;
  if (v->queue_entries > 0) return;
  if (v->polling && e.kind != EventKind::PollEnd) return;
  // A sender blocked on the full queue with this task is about to queue it.
  if (std::any_of(before.queue.blocked.begin(), before.queue.blocked.end(),
                  [&](const BlockedSender& b) { return b.task == task; }))
    return;
  if (!nobody_can_wake(task, before)) return;
  fire(LintKind::LostWaker, task, 0, index, e.t);
}

void LintFacts::waker_died(const Event& e, const FoldState& before) {
  const WakerView* w = before.wakers.find(e.waker);
  if (w == nullptr || !w->alive || w->task == 0) return;
  if (w->holder == WakerHolder::ExecutorContext) return; // the task's own waker
  if (LintTaskFacts* f = tasks.find(w->task); f != nullptr && f->outside_wakers > 0)
    --f->outside_wakers;
  std::erase(stuck_wakers, e.waker);
}

void LintFacts::settle_cycle(const Event& e, std::uint64_t index, bool queue_full) {
  std::vector<WaitParty> parties;
  TaskId task = 0;
  if (executor_send_blocked) {
    parties = {{PartyKind::Executor, 0}, {PartyKind::FullQueue, 0}};
    task = executor_send_task;
  } else if (executor_lock_wait != 0 && queue_full) {
    // Only while the queue is full: the executor may have popped, just before
    // it waited for the lock, the entry whose slot the timer is about to take.
    auto it = std::find_if(timer_senders.begin(), timer_senders.end(),
                           [&](const TimerSender& s) { return s.timer == executor_lock_wait; });
    if (it != timer_senders.end()) {
      parties = {{PartyKind::Executor, 0},
                 {PartyKind::TimerLock, executor_lock_wait},
                 {PartyKind::FullQueue, 0}};
      task = it->task;
    }
  }
  if (parties == cycle.parties) return;
  cycle.parties = std::move(parties);
  cycle.task = task;
  cycle.event = index;
  cycle.t = e.t;
  if (cycle.active()) {
    const TimerId timer = cycle.parties.size() > 2 ? cycle.parties[1].timer : 0;
    fire(LintKind::Deadlock, task, timer, index, e.t, &cycle.parties);
  }
}

void LintFacts::forget_dropped() {
  if (dropped_tasks <= 2 * kKeepDroppedLintTasks) return;
  dropped_tasks -= tasks.forget_oldest(dropped_tasks, kKeepDroppedLintTasks,
                                       [](const LintTaskFacts& f) { return f.dropped; });
}

void LintFacts::watch(const Event& e, const FoldState& before, std::uint64_t index) {
  switch (e.kind) {
  case EventKind::WakerCreated:
    // Only the task waker made at spawn is the task's own; a Manual or
    // Counting waker naming a task is held by someone else.
    if (e.task != 0 && field::waker_kind(e) != WakerKind::Task) ++task_facts(e.task).outside_wakers;
    break;
  case EventKind::WakerCloned:
    if (e.task != 0) ++task_facts(e.task).outside_wakers;
    break;
  case EventKind::WakerWoken: {
    if (e.task != 0) {
      LintTaskFacts& f = task_facts(e.task);
      ++f.wakes;
      // Woken from inside its own poll (yield_now, wake_by_ref on cx.waker()).
      const TaskView* v = before.tasks.find(e.task);
      if (e.lane != Lane::Timer && before.executor.current_task == e.task && v != nullptr &&
          v->polling) {
        if (f.self_wakes++ == 0) {
          f.first_self_wake_event = index;
          f.first_self_wake_t = e.t;
        }
      }
    }
    // A consumed waker dies here, but its push follows: not a lost waker.
    if (!field::by_ref(e)) waker_died(e, before);
    break;
  }
  case EventKind::WakerDropped: {
    const WakerView* w = before.wakers.find(e.waker);
    const TaskId task = w != nullptr ? w->task : e.task;
    const bool counted = w != nullptr && w->alive && w->holder != WakerHolder::ExecutorContext;
    waker_died(e, before);
    if (counted && task != 0) check_lost(task, before, e, index);
    break;
  }
  case EventKind::WakerStored: {
    if (std::find(fired_unregistered.begin(), fired_unregistered.end(), e.timer) !=
        fired_unregistered.end()) {
      const WakerView* w = before.wakers.find(e.waker);
      const TaskId task = e.task != 0 ? e.task : (w != nullptr ? w->task : 0);
      fire(LintKind::WakeBeforeStore, task, e.timer, index, e.t);
      if (std::find(stuck_wakers.begin(), stuck_wakers.end(), e.waker) == stuck_wakers.end())
        push_bounded(stuck_wakers, e.waker, kMaxRecentTimers);
    }
    break;
  }
  case EventKind::TimerFired: {
    const TimerView* tm = before.timers.find(e.timer);
    if (tm != nullptr && tm->stored_waker == 0 &&
        std::find(fired_unregistered.begin(), fired_unregistered.end(), e.timer) ==
            fired_unregistered.end())
      push_bounded(fired_unregistered, e.timer, kMaxRecentTimers);
    break;
  }
  case EventKind::QueuePush:
    if (const TaskView* v = before.tasks.find(e.task); v != nullptr && v->queue_entries >= 1)
      fire(LintKind::DoubleWake, e.task, 0, index, e.t);
    // A push that fills the queue closes a cycle through a waiting timer.
    if (executor_lock_wait != 0 && e.task != 0)
      settle_cycle(e, index, full_after(before, 1));
    break;
  case EventKind::PollBegin: open_poll = OpenPoll{e.task, e.t, index}; break;
  case EventKind::PollEnd:
    open_poll = OpenPoll{};
    if (field::poll_duration_ns(e) >= kLongPollFloorNs) {
      if (long_polls.size() < kMaxLongPolls)
        long_polls.push_back(LongPoll{e.task, field::poll_duration_ns(e), index, e.t});
      else
        ++long_polls_unrecorded;
    }
    if (!field::ready(e) && e.task != 0) check_lost(e.task, before, e, index);
    break;
  case EventKind::ExecutorWaiting:
  case EventKind::ExecutorDone: open_poll = OpenPoll{}; break;
  case EventKind::TaskDropped: {
    const TaskView* v = before.tasks.find(e.task);
    // A refused try_spawn's drop is part of the refusal (counted as such).
    const bool refused = before.flow.step == FlowStep::SpawnRefused && before.flow.task == e.task;
    if (v != nullptr && !v->completed && !v->dropped && !refused)
      fire(LintKind::DroppedIncomplete, e.task, 0, index, e.t);
    if (e.task != 0) {
      LintTaskFacts& f = task_facts(e.task);
      if (!f.dropped) ++dropped_tasks;
      f.dropped = true;
      forget_dropped();
    }
    break;
  }
  case EventKind::SendBlocked:
    if (e.lane == Lane::Executor) {
      executor_send_blocked = true;
      executor_send_task = e.task;
    } else if (e.lane == Lane::Timer && e.timer != 0) {
      timer_senders.push_back(TimerSender{e.timer, e.task});
    }
    settle_cycle(e, index, full_after(before, 0));
    break;
  case EventKind::SendUnblocked:
    if (e.lane == Lane::Executor) {
      executor_send_blocked = false;
      executor_send_task = 0;
    } else if (e.lane == Lane::Timer) {
      std::erase_if(timer_senders, [&](const TimerSender& s) { return s.timer == e.timer; });
    }
    settle_cycle(e, index, full_after(before, 0));
    break;
  case EventKind::LockWaitBegin:
    if (e.lane == Lane::Executor) {
      executor_lock_wait = e.timer;
      lock_wait_task = e.task;
      settle_cycle(e, index, full_after(before, 0));
    }
    break;
  case EventKind::LockWaitEnd:
    if (e.lane == Lane::Executor) {
      executor_lock_wait = 0;
      lock_wait_task = 0;
      settle_cycle(e, index, full_after(before, 0));
    }
    break;
  default: break;
  }
}

// --- evaluation ---------------------------------------------------------------

std::vector<Lint> evaluate(const FoldState& state, const LintThresholds& th) {
  const LintFacts& f = state.lints;
  std::vector<Lint> out;
  for (const LintRecord& r : f.records) {
    Lint l;
    l.kind = r.kind;
    l.task = r.task;
    l.timer = r.timer;
    l.count = r.count;
    l.event = r.first_event;
    l.t = r.first_t;
    if (r.kind == LintKind::Deadlock) {
      l.parties = r.parties;
      l.active = f.cycle.active() && f.cycle.task == r.task;
    }
    out.push_back(std::move(l));
  }
  const std::uint64_t limit = std::max(th.blocking_poll_ns, kLongPollFloorNs);
  const std::size_t first_blocking = out.size();
  for (const LongPoll& p : f.long_polls) {
    if (p.duration_ns < limit) continue;
    auto it = std::find_if(out.begin() + static_cast<std::ptrdiff_t>(first_blocking), out.end(),
                           [&](const Lint& l) { return l.task == p.task; });
    if (it == out.end()) {
      Lint l;
      l.kind = LintKind::BlockingPoll;
      l.task = p.task;
      l.event = p.event;
      l.t = p.t;
      out.push_back(l);
      it = out.end() - 1;
    }
    ++it->count;
    it->value = std::max(it->value, p.duration_ns);
  }
  if (f.open_poll.task != 0 && state.log.last_t >= f.open_poll.begin_t &&
      state.log.last_t - f.open_poll.begin_t >= limit) {
    Lint l;
    l.kind = LintKind::NeverYielded;
    l.task = f.open_poll.task;
    l.count = 1;
    l.event = f.open_poll.begin_event;
    l.t = f.open_poll.begin_t;
    l.value = state.log.last_t - f.open_poll.begin_t;
    l.active = true;
    out.push_back(l);
  }
  for (const LintTaskFacts& t : f.tasks.items()) {
    if (t.self_wakes == 0) continue;
    // Strictly above the threshold, in integers: 100 * self > pct * all.
    if (std::uint64_t{100} * t.self_wakes <= std::uint64_t{th.self_wake_percent} * t.wakes)
      continue;
    Lint l;
    l.kind = LintKind::SelfWake;
    l.task = t.id;
    l.count = t.self_wakes;
    l.total = t.wakes;
    l.value = std::uint64_t{100} * t.self_wakes / std::max<std::uint32_t>(t.wakes, 1);
    l.event = t.first_self_wake_event;
    l.t = t.first_self_wake_t;
    out.push_back(l);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Lint& a, const Lint& b) { return a.event < b.event; });
  return out;
}

std::vector<LintKind> lints_of(const std::vector<Lint>& lints, TaskId task) {
  std::vector<LintKind> kinds;
  for (const Lint& l : lints) {
    if (l.task == task && std::find(kinds.begin(), kinds.end(), l.kind) == kinds.end())
      kinds.push_back(l.kind);
  }
  return kinds;
}

// --- words --------------------------------------------------------------------

std::string_view to_string(LintKind k) noexcept {
  switch (k) {
  case LintKind::LostWaker: return "lost waker";
  case LintKind::DoubleWake: return "double wake";
  case LintKind::Deadlock: return "full-queue deadlock";
  case LintKind::BlockingPoll: return "blocking poll";
  case LintKind::NeverYielded: return "never yielded";
  case LintKind::WakeBeforeStore: return "wake before store";
  case LintKind::SelfWake: return "self-wakes";
  case LintKind::DroppedIncomplete: return "dropped unfinished";
  }
  return "unknown";
}

std::string_view describe(LintKind k) noexcept {
  switch (k) {
  case LintKind::LostWaker:
    return "The task returned Pending and no waker that could wake it is left alive (its own task "
           "waker only lives inside its polls). Nothing will ever queue it again: it waits for "
           "ever.";
  case LintKind::DoubleWake:
    return "Two wakes pushed the same task twice: the book's channel has no 'already queued' "
           "flag. The second poll finds nothing to do.";
  case LintKind::Deadlock:
    return "A wait-for cycle through the full run queue: only the executor empties the queue, and "
           "the executor is itself waiting (to send into the queue, or for a timer's lock held by "
           "a thread that is sending into it). Nothing can move: Reset.";
  case LintKind::BlockingPoll:
    return "A poll ran longer than the threshold. The executor has one thread: every other task "
           "waited, and timers' wakes queued up behind it.";
  case LintKind::NeverYielded:
    return "The poll in progress has run longer than the threshold without returning: the task "
           "has not yielded the executor back.";
  case LintKind::WakeBeforeStore:
    return "The timer fired while no waker was stored in it, and the task stored its waker "
           "afterwards: the wake it waits for already happened, and was lost.";
  case LintKind::SelfWake:
    return "More than the threshold share of the task's wakes came from its own poll. yield_now "
           "is exactly this, so yielders raise it on purpose; elsewhere it means busy-looping.";
  case LintKind::DroppedIncomplete:
    return "The task was dropped before its future returned Ready: the work it was doing was "
           "abandoned (often the end of a lost or never-woken task).";
  }
  return "";
}

std::string party_label(const WaitParty& p) {
  switch (p.kind) {
  case PartyKind::Executor: return "executor";
  case PartyKind::FullQueue: return "full queue";
  case PartyKind::TimerLock: return fmt::format("timer {}'s lock", p.timer);
  }
  return "?";
}

std::string message(const Lint& l, const FoldState& state, const StringTable& strings) {
  const std::string task = task_label(l.task, strings, &state);
  switch (l.kind) {
  case LintKind::LostWaker: return fmt::format("{} is pending and nobody holds its waker", task);
  case LintKind::DoubleWake: return fmt::format("{} queued twice", task);
  case LintKind::Deadlock: {
    std::string cycle;
    for (const WaitParty& p : l.parties) cycle += party_label(p) + " -> ";
    cycle += "executor";
    return fmt::format("deadlock: {}, sending {}{}", cycle, task,
                       l.active ? "" : " (since broken)");
  }
  case LintKind::BlockingPoll:
    return fmt::format("poll of {} took {}, blocking the executor", task, format_duration(l.value));
  case LintKind::NeverYielded:
    return fmt::format("{} has not yielded for {}: its poll is still running", task,
                       format_duration(l.value));
  case LintKind::WakeBeforeStore:
    return fmt::format("{} was woken before it stored its waker (timer {} fired first)", task,
                       l.timer);
  case LintKind::SelfWake:
    return fmt::format("{} woke itself in {}% of its wakes ({} of {})", task, l.value, l.count,
                       l.total);
  case LintKind::DroppedIncomplete: return fmt::format("{} was dropped before it completed", task);
  }
  return "";
}

} // namespace pollscope::fold
