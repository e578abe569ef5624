// Handlers for tasks and the run queue (the bounded channel).
#include "fold/fold.hpp"

#include <algorithm>

namespace pollscope::fold {

void Fold::on_task_spawned(const Event& e) {
  TaskView* v = task(e.task, e.t);
  if (v == nullptr) return;
  v->name = field::task_name(e);
  v->location = field::spawn_location(e);
  v->seen_spawn = true;
  auto& names = s_.task_names;
  if (e.task >= names.size()) names.resize(std::size_t{e.task} + 1 + names.size() / 2, 0);
  names[e.task] = v->name;
  v->spawned_t = e.t;
  v->last_change_t = e.t;
  set_flow(FlowStep::Spawned, e, e.task);
  take_book_step(v, 1);
}

void Fold::on_task_completed(const Event& e) {
  TaskView* v = task(e.task, e.t);
  if (v == nullptr) return;
  v->completed = true;
  v->failed = field::failed(e);
  v->suspended_at = 0;
  settle(*v, e.t);
  set_flow(FlowStep::Completed, e, e.task);
  take_book_step(v, 9);
}

void Fold::on_task_dropped(const Event& e) {
  TaskView* v = task(e.task, e.t);
  if (v == nullptr) return;
  if (!v->dropped) --s_.counters.live_tasks;
  v->dropped = true;
  settle(*v, e.t);
  // A refused spawn's drop is part of the refusal, not the end of a run.
  if (s_.flow.step == FlowStep::SpawnRefused && s_.flow.task == e.task) return;
  set_flow(FlowStep::Dropped, e, e.task);
}

void Fold::on_queue_push(const Event& e) {
  if (e.task == 0) return; // names no task: nothing the queue could show
  auto& q = s_.queue;
  QueueEntry entry{field::ticket(e), e.task, e.waker, e.lane, e.t};
  // Tickets are the channel's order. Almost every push carries the largest
  // ticket so far; one that lost a race to log lands a few slots from the back.
  if (q.entries.empty() || q.entries.back().ticket < entry.ticket) {
    q.entries.push_back(entry);
  } else {
    auto at = std::upper_bound(
        q.entries.begin(), q.entries.end(), entry.ticket,
        [](std::uint64_t ticket, const QueueEntry& x) { return ticket < x.ticket; });
    q.entries.insert(at, entry);
  }
  ++q.pushes;
  if (e.waker != 0) ++q.waker_pushes;
  if (field::local_queue(e)) ++q.local_pushes;
  q.max_length = std::max(
      {q.max_length, static_cast<std::uint64_t>(q.entries.size()), field::queue_length(e)});
  TaskView* v = task(e.task, e.t);
  if (v != nullptr) {
    if (v->queue_entries > 0) ++q.duplicate_pushes; // as the double-wake lint sees it
    ++v->queue_entries;
    settle(*v, e.t);
  }
  set_flow(e.waker == 0 ? FlowStep::Queued : FlowStep::QueuedAgain, e, e.task);
  take_book_step(v, e.waker == 0 ? 2 : 8);
}

void Fold::on_queue_pop(const Event& e) {
  auto& q = s_.queue;
  // The executor pops the front; search only if a partial log says otherwise.
  // A pop of an entry pushed before the log's start removes nothing, so that
  // the tasks' entry counts always add up to the queue's length.
  bool removed = true;
  const std::uint64_t ticket = field::ticket(e);
  if (!q.entries.empty() && q.entries.front().ticket == ticket &&
      q.entries.front().task == e.task) {
    q.entries.pop_front();
  } else {
    auto it = std::find_if(q.entries.begin(), q.entries.end(), [&](const QueueEntry& x) {
      return x.ticket == ticket && x.task == e.task;
    });
    removed = it != q.entries.end();
    if (removed) q.entries.erase(it);
  }
  ++q.pops;
  TaskView* v = task(e.task, e.t);
  if (v != nullptr && removed && v->queue_entries > 0) --v->queue_entries;
  // Popping hands the task to the executor: from here until its PollEnd it
  // is Polling (and so never shows as Queued with no entry in the queue).
  // A finished task is the exception: the executor drops it unpolled.
  if (v != nullptr && !v->completed) {
    hand_to_executor(e.task, e.t);
    v->polling = true;
  } else {
    release_current(e.t);
  }
  if (v != nullptr) settle(*v, e.t);
  auto& x = s_.executor;
  x.waiting = false;
  // Every pop is one executor tick, and a tick is what a step pays for (the
  // controller counts a skipped finished task as a step too).
  if (x.steps_owed > 0) --x.steps_owed;
  settle_executor();
  set_flow(v != nullptr && v->completed ? FlowStep::PoppedFinished : FlowStep::Popped, e, e.task);
}

void Fold::on_send_blocked(const Event& e) {
  s_.queue.blocked.push_back(BlockedSender{e.task, e.lane, e.t});
  if (e.lane == Lane::Executor) {
    s_.executor.blocked = true;
    settle_executor();
  }
  task(e.task, e.t);
  set_flow(FlowStep::SendBlocked, e, e.task);
}

void Fold::on_send_unblocked(const Event& e) {
  auto& blocked = s_.queue.blocked;
  auto it = std::find_if(blocked.begin(), blocked.end(), [&](const BlockedSender& b) {
    return b.task == e.task && b.lane == e.lane;
  });
  if (it != blocked.end()) blocked.erase(it);
  if (e.lane == Lane::Executor) {
    s_.executor.blocked = std::any_of(blocked.begin(), blocked.end(), [](const BlockedSender& b) {
      return b.lane == Lane::Executor;
    });
    settle_executor();
  }
}

void Fold::on_try_send_full(const Event& e) {
  // Only counted: a refused try_spawn never became a live task in the queue.
  auto& q = s_.queue;
  ++q.try_send_refused;
  q.last_refused_task = e.task;
  q.last_refused_t = e.t;
  set_flow(FlowStep::SpawnRefused, e, e.task);
}

} // namespace pollscope::fold
