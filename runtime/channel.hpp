// SyncChannel: the run queue — a bounded channel of task references with the
// semantics of Rust's `sync_channel` that the book's executor is built on:
//   - send blocks while the channel is full; try_send reports Full instead;
//   - recv blocks while it is empty, and fails once it is empty and every
//     sender is gone (the spawner and every task hold one), so `run()`
//     returns when all work is done;
//   - book-faithful: a task sent twice is queued twice.
//
// Threading contract
//   - Any number of threads may send (executor, timer threads, the GUI's
//     try_send). Exactly one thread receives (the executor): `try_recv`,
//     `wait` and `snapshot` are consumer-only.
//   - A sender claims a ticket with a CAS on `tail_` (bounded by
//     `head_ + capacity`), logs QueuePush with that ticket while the entry is
//     still unpublished, then publishes the slot with a release store of its
//     sequence. The consumer logs QueuePop after acquiring it. So the log
//     always has a push before its pop, and tickets give the fold the exact
//     channel order even when racing senders log out of ticket order.
//   - Blocking uses a mutex and condition variables on the slow paths only. A
//     sender on another thread than the consumer checks whether the consumer
//     sleeps right after its seq_cst claim; a consumer about to sleep stores
//     that it sleeps (seq_cst) and then looks at the claims, staying up for
//     one it sees (Dekker-style: one of the two sees the other, and on x86
//     the claim's locked CAS is the only fence). The consumer's own sends (a
//     task waking itself) skip the check: it is plainly not asleep.
//   - Lifetime: the Executor and Spawners hold shared_ptrs; tasks hold a raw
//     pointer and a sender (see add_sender).
//
// Queue policies (policy.hpp) are decided by the tasks (task_state.hpp) and
// only routed here: under `book` and `notified` every entry is a channel
// entry. Under `local` the channel also owns the executor-local queue
// (local_queue.hpp, capacity semantics there): `submit` from the consumer's
// thread appends to it without touching the channel, and `try_recv` takes
// the channel's front first and the local queue's front only when the
// channel has nothing published, so entries leave in ticket order (local
// tickets carry kLocalQueueTicket, see event.hpp) and wakes from other
// threads are never starved by a task that keeps waking itself.
#pragma once

#include "event.hpp"
#include "local_queue.hpp"
#include "policy.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace pollscope {

class RuntimeContext;
class Task;

enum class SendResult : std::uint8_t {
  Ok,     // queued
  Full,   // try_send only: at capacity, nothing queued
  Closed, // the receiver is gone (or the runtime is shutting down): not queued
};

class SyncChannel : public std::enable_shared_from_this<SyncChannel> {
public:
  SyncChannel(RuntimeContext& rt, std::size_t capacity, QueuePolicy policy = QueuePolicy::Book);
  ~SyncChannel(); // releases the tasks still queued
  SyncChannel(const SyncChannel&) = delete;
  SyncChannel& operator=(const SyncChannel&) = delete;

  // Both adopt one reference to `task` on Ok and leave it with the caller
  // otherwise. `by` is the waker that sends (0: the spawner).
  SendResult send(Task* task, WakerId by);
  SendResult try_send(Task* task, WakerId by);

  // A wake's entry under the notified policies (the task decided to queue
  // itself): the local queue when `local` and called on the consumer's
  // thread, else `send`. Adopts one reference on Ok, like send.
  SendResult submit(Task* task, WakerId by) {
    if (policy_ == QueuePolicy::Local && on_consumer_thread()) return push_local(task, by);
    return send(task, by);
  }
  // submit from the consumer's own thread, under `local`, in a runtime that
  // does not log: the local queue, inline.
  SendResult submit_local_quiet(Task* task) {
    if (shut_down_.load(std::memory_order_relaxed)) [[unlikely]]
      return SendResult::Closed;
    local_.push(task);
    return SendResult::Ok;
  }

  // Consumer only. Returns an adopted reference, or null when empty: the
  // channel's front, else (under `local`) the local queue's.
  [[nodiscard]] Task* try_recv();
  // try_recv for a runtime that does not log, inline for the executor's
  // poll loop: the same order and the same effects, minus the logging
  // checks. Only after mark_consumer (or try_recv / wait) on this thread.
  [[nodiscard]] Task* try_recv_quiet() noexcept {
    const std::uint64_t h = head_.load(std::memory_order_relaxed); // only we write it
    Slot& slot = slots_[h & mask_];
    if (slot.seq.load(std::memory_order_acquire) != h + 1) {
      Task* task = local_.pop();
      if (local_.size() > 2) __builtin_prefetch(local_.at(2), 1, 3); // see pop_local
      return task;
    }
    Task* task = slot.task;
    head_.store(h + 1, std::memory_order_release); // see try_recv
    if (blocked_senders_.load(std::memory_order_relaxed) > 0) [[unlikely]]
      wake_blocked_senders();
    return task;
  }
  // Consumer only: names the calling thread as the one that receives (see
  // on_consumer_thread); try_recv and wait do it themselves.
  void mark_consumer() noexcept;

  enum class WaitResult : std::uint8_t {
    Ready,
    Closed,
    Interrupted,
    TimedOut
  };
  // Consumer only: blocks until an entry can be received, the channel is
  // closed and empty, `interrupt()` is called, or `timeout` passes.
  WaitResult wait(std::chrono::nanoseconds timeout);
  void interrupt(); // any thread: wakes a waiting consumer once

  // A sender (the Spawner and every task) holds one. While any is held the
  // channel keeps itself alive, so a task can point at it without a
  // shared_ptr: spawning and dropping a task costs two atomic RMWs on the
  // channel, not four.
  void add_sender() { add_senders(1); }
  void remove_sender() { remove_senders(1); } // the last one closes the channel
  // n at once: a Spawner claims its tasks' senders in batches (one RMW per
  // batch on the spawner's side of the line, not one per task) and gives
  // back the unspent ones when it goes.
  void add_senders(long n);
  void remove_senders(long n);
  // A dying task's sender (Task::destroy). Most tasks die on the consumer's
  // thread, after their last poll: there the senders are given back in
  // batches, one RMW per kSenderBatch tasks (the consumer settles the rest
  // before it finds the channel empty, waits, or goes; so the count reaches
  // zero, and run() finishes, exactly when it did). Elsewhere, in a runtime
  // that logs, or once the channel is shut down, at once.
  void remove_task_sender();
  // Reset/shutdown: every send from now on returns Closed; blocked senders
  // give up. Any thread.
  void shut_down();

  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] RuntimeContext& runtime() const noexcept { return rt_; }
  [[nodiscard]] QueuePolicy policy() const noexcept { return policy_; }
  // Is the calling thread the one that receives (it called try_recv or wait
  // last)? Per channel, not per address, so a later channel at the same
  // address is never mistaken for this one.
  [[nodiscard]] bool on_consumer_thread() const noexcept;
  // Consumer only: entries in the executor-local queue (0 unless `local`).
  [[nodiscard]] std::size_t local_size() const noexcept { return local_.size(); }
  // The channel's entries, approximate while senders race (the local queue
  // is not counted: only its own thread may read it).
  [[nodiscard]] std::size_t size() const noexcept;
  [[nodiscard]] bool closed() const noexcept;
  // Consumer only, at a quiescent point: the queued tasks' ids, in the order
  // they will be received (the channel's, then the local queue's).
  [[nodiscard]] std::vector<TaskId> snapshot() const;

private:
  enum class Claim : std::uint8_t {
    Ok,
    Full,
    Closed
  };
  Claim try_push(Task* task, WakerId by, bool was_blocked);
  [[gnu::noinline]] SendResult send_blocking(Task* task, WakerId by); // send() found it full
  // Kept out of the fast paths: only a logging runtime or a full queue gets here.
  [[gnu::noinline]] void log_push(const Task* task, WakerId by, std::uint64_t ticket,
                                  std::uint64_t len, bool was_blocked);
  [[gnu::noinline]] void log_pop(const Task* task, std::uint64_t ticket);
  SendResult push_local(Task* task, WakerId by); // consumer only, policy Local
  [[nodiscard]] Task* pop_local();               // consumer only
  [[gnu::noinline]] void wake_blocked_senders();
  [[nodiscard]] bool has_published() const noexcept;
  [[gnu::noinline]] void wake_consumer();

  struct Slot {
    std::atomic<std::uint64_t> seq; // ticket + 1 once the entry is published
    Task* task;
  };
  RuntimeContext& rt_;
  const std::size_t capacity_; // the logical bound
  const QueuePolicy policy_;
  const std::uint64_t id_; // unique per channel in the process: see on_consumer_thread
  std::size_t mask_;       // physical slots: a power of two >= capacity
  std::unique_ptr<Slot[]> slots_;

  // One cache line per writer. A spawner on one core and the executor on
  // another hand over every task through these fields, and a line written
  // by one side and read by the other moves between the cores each time:
  // what the senders write (tail_, head_seen_), what the consumer writes
  // (head_), the sender count (mostly the executor's, as tasks die: see
  // add_senders) and the flags both read on every send or pop but that
  // change only when a side blocks or the runtime shuts down.
  static constexpr std::size_t kLine = 64;
  alignas(kLine) std::atomic<std::uint64_t> tail_{0}; // next ticket to claim
  // A head_ some sender read lately (never ahead of head_). Senders check
  // room against it and read head_ itself only when it says full, so a
  // send does not pull the consumer's line over on every task.
  std::atomic<std::uint64_t> head_seen_{0};
  alignas(kLine) std::atomic<std::uint64_t> head_{0}; // next ticket to receive; consumer writes
  alignas(kLine) std::atomic<long> senders_{0};
  alignas(kLine) std::atomic<bool> shut_down_{false};
  std::atomic<bool> consumer_sleeping_{false};
  std::atomic<int> blocked_senders_{0};

  mutable std::mutex mutex_;
  std::condition_variable not_empty_; // consumer waits here
  std::condition_variable not_full_;  // blocked senders wait here
  bool interrupted_ = false;          // guarded by mutex_
  alignas(kLine) LocalQueue local_;   // consumer only (policy Local)
  static constexpr long kSenderBatch = 64;
  long sender_debt_ = 0; // consumer only: dead tasks' senders not given back yet
  void settle_senders() noexcept; // consumer only: gives them back
  // Set by the first add_sender, cleared by the last remove_sender (see there).
  std::shared_ptr<SyncChannel> self_;
};

} // namespace pollscope
