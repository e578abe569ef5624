// TaskState: a task's state word, for the `notified` and `local` queue
// policies (runtime/policy.hpp). It is what lets a wake on a task that is
// already queued change nothing (tokio's notified bit, async-task's
// SCHEDULED): the book's executor has no such word and queues a task once per
// wake.
//
// Decide in one place, act in another (tokio's state.rs / harness.rs): the
// pure function `TaskState::decide(state, op)` says what a transition does —
// the next word and the one action the caller must take — and
// `TaskState::transition(op)` applies it atomically and returns that action
// as a [[nodiscard]] value. The callers (task.cpp's waker, executor.cpp's
// poll) only act on the answer; no other code reads or writes the bits.
//
// The bits (every combination not listed under a bit cannot occur):
//
//   kScheduled  The task has, or is about to get, exactly one entry in a run
//               queue (the channel or the executor-local queue), or it was
//               woken while running and the executor owes it one entry after
//               the poll. Set by a wake that finds it clear, and at spawn (the
//               spawn is the first entry). Cleared when the executor takes the
//               entry (Start). While it is set, a wake changes nothing: that
//               is the whole point of the word. Never set together with
//               kCompleted (a wake on a finished task is ignored, and
//               finishing clears it).
//   kRunning    The executor is inside this task's poll. Set by Start,
//               cleared by FinishPending / FinishReady, so it is only ever
//               touched by the executor thread; other threads read it (a
//               wake) to learn that the entry must wait until the poll
//               ends. Never set together with kCompleted.
//   kCompleted  The future returned Ready (or threw): it will never be
//               polled again. Set once, by FinishReady, and never cleared.
//               Under the book policy it is the only bit used (done()).
//
// Transitions (s = the word before, [action]):
//   Wake           completed or scheduled  -> s              [Ignore]
//                  running, not scheduled  -> s|scheduled    [Defer]
//                  idle                    -> scheduled      [Submit]
//   WakeSelf       any                     -> s              [Defer]
//     (a wake made by the task's own poll on the polling thread — a yield:
//     the executor keeps the note in a plain bool, so the commonest wake
//     writes nothing shared, and ends the poll with FinishPendingWoken)
//   Start          completed               -> s              [Discard]
//                  otherwise               -> running        [Poll]
//   FinishPending  scheduled (woken during the poll)
//                                          -> scheduled      [Resubmit]
//                  otherwise               -> idle (0)       [Idle]
//   FinishPendingWoken (the poll woke itself)
//                  any                     -> scheduled      [Resubmit]
//   FinishReady    any                     -> completed      [Complete]
//
// Threading contract: Wake may be called from any thread at any time (a
// waker's thread); every other op only by the executor thread, while it
// polls the task (WakeSelf, FinishPending*, FinishReady) or as it takes the
// task's entry (Start).
//
// Who writes, and so which writes must be atomic read-modify-writes: a
// waker writes only when kScheduled is clear (idle -> scheduled, running ->
// running|scheduled), with a CAS (acq_rel: its release publishes the
// notified_by note to the executor; a Submit's queue entry then carries the
// task to the thread that pops it). The executor's writes are plain release
// stores, with one exception, because no waker write can be lost by them:
// Start and FinishPending-from-scheduled happen while kScheduled is set (no
// waker writes then); FinishPendingWoken and FinishReady overwrite at most a
// waker's `|scheduled`, which they imply (Resubmit) or make moot (Complete).
// The exception is FinishPending from plain `running`: a waker may be
// setting kScheduled at that very moment, so it is a CAS. So a yield (Start,
// WakeSelf, FinishPendingWoken) costs no atomic RMW at all.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace pollscope {

class TaskState {
public:
  using Word = std::uint32_t;
  static constexpr Word kScheduled = 1u << 0;
  static constexpr Word kRunning = 1u << 1;
  static constexpr Word kCompleted = 1u << 2;

  enum class Op : std::uint8_t {
    Wake,               // any thread: a waker woke the task
    WakeSelf,           // executor: the task's own poll woke it, on the polling thread
    Start,              // executor: took the task's entry off a run queue
    FinishPending,      // executor: the poll returned Pending
    FinishPendingWoken, // executor: the poll returned Pending after a WakeSelf
    FinishReady,        // executor: the poll returned Ready (or threw)
  };
  enum class Action : std::uint8_t {
    Ignore,   // Wake: already queued (or owed an entry), or finished
    Defer,    // Wake: the task is being polled; the executor re-queues it after
    Submit,   // Wake: the caller queues the task (takes a new reference for it)
    Discard,  // Start: the task finished; drop the entry unpolled
    Poll,     // Start: poll it
    Resubmit, // FinishPending: woken during the poll; queue it again, once
    Idle,     // FinishPending: nothing to do until a wake
    Complete, // FinishReady
  };
  struct Decision {
    Word next;
    Action action;
  };

  explicit TaskState(Word initial = 0) noexcept : word_(initial) {}

  // The whole state machine, as a pure function (tests check every cell).
  [[nodiscard]] static constexpr Decision decide(Word s, Op op) noexcept {
    switch (op) {
    case Op::Wake:
      // Finished, or already owed exactly one entry: a second wake would
      // only make a duplicate.
      if ((s & (kCompleted | kScheduled)) != 0) return {s, Action::Ignore};
      // Being polled: queueing it now would let the executor pop it while the
      // poll still runs (the book does, and polls it again afterwards).
      // Leave a note instead; FinishPending acts on it.
      if ((s & kRunning) != 0) return {s | kScheduled, Action::Defer};
      return {kScheduled, Action::Submit};
    case Op::WakeSelf:
      // The note lives with the executor until the poll ends.
      return {s, Action::Defer};
    case Op::Start:
      // Only reachable by a stale entry (the book's duplicates); under the
      // notified policies a finished task has no entry left to pop.
      if ((s & kCompleted) != 0) return {s, Action::Discard};
      return {kRunning, Action::Poll};
    case Op::FinishPending:
      // Woken while it ran: the wake's entry is made now, after the poll.
      if ((s & kScheduled) != 0) return {kScheduled, Action::Resubmit};
      return {0, Action::Idle};
    case Op::FinishPendingWoken: return {kScheduled, Action::Resubmit};
    case Op::FinishReady:
      // A wake during the final poll is dropped with the future: there is
      // nothing left to poll.
      return {kCompleted, Action::Complete};
    }
    return {s, Action::Ignore};
  }

  // Applies decide(); see "Who writes" above for why only some are RMWs.
  [[nodiscard]] Action transition(Op op) noexcept {
    // Decided without the word (decide: any -> s): no load on a yield's path.
    if (op == Op::WakeSelf) return decide(0, op).action;
    Word s = word_.load(std::memory_order_acquire);
    for (;;) {
      const Decision d = decide(s, op);
      if (d.next == s) return d.action; // nothing to write (Ignore, Discard, WakeSelf)
      if (op != Op::Wake && !(op == Op::FinishPending && (s & kScheduled) == 0)) {
        word_.store(d.next, std::memory_order_release);
        return d.action;
      }
      if (word_.compare_exchange_weak(s, d.next, std::memory_order_acq_rel,
                                      std::memory_order_acquire))
        return d.action;
    }
  }

  [[nodiscard]] Word load() const noexcept { return word_.load(std::memory_order_acquire); }
  [[nodiscard]] bool completed() const noexcept { return (load() & kCompleted) != 0; }

  // "scheduled|running", "idle": decoded flags for tests and failure messages.
  [[nodiscard]] static std::string describe(Word s);

private:
  std::atomic<Word> word_;
};

[[nodiscard]] const char* to_string(TaskState::Op op) noexcept;
[[nodiscard]] const char* to_string(TaskState::Action a) noexcept;

} // namespace pollscope
