// Task: a spawned future plus a sender of the run channel. A task is its own
// waker: waking it sends the task back on the channel (the book's ArcWake).
//
// Lifetime: a task is reference counted like Rust's Arc<Task>. References are
// held by the channel (one per queue entry: a task woken twice while queued is
// queued twice), by every owned Waker made from it, and by the executor for
// the duration of a poll. The last release destroys the task (TaskDropped)
// and with it the channel sender it holds, which is how `run()` learns that
// all work is done.
//
// Queue policies (policy.hpp): under `book` a wake sends the task, always.
// Under `notified` and `local` a wake first asks the task's state word
// (task_state.hpp) and queues the task only when the word says Submit; a wake
// during the task's own poll is a note that the executor turns into one entry
// after the poll (finish_pending). The policy is the channel's, fixed for the
// runtime's life.
//
// Threading contract: `retain`/`release`/`wake_by_ref` may be called from any
// thread (atomic refcount and state word; sending is the channel's business).
// The future is touched only by the executor thread that polls the task, so
// it needs no mutex (the book's Mutex<BoxFuture> only satisfies Rust's Sync
// bound); `start`/`finish_pending` are executor-only transitions (see
// task_state.hpp); `done()` may be read from any thread.
#pragma once

#include "event.hpp"
#include "future.hpp"
#include "policy.hpp"
#include "poll.hpp"
#include "task_memory.hpp"
#include "task_state.hpp"
#include "waker.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <source_location>
#include <utility>

namespace pollscope {

class RuntimeContext;
class SyncChannel;
class Task;

namespace detail {
// The task whose poll runs on this thread (null: none). A wake that finds
// its own task here is a self-wake (a yield): TaskState's WakeSelf. Inline
// and constant-initialised, so the executor's poll loop sets it with a
// plain move.
inline constinit thread_local Task* t_polling = nullptr;
} // namespace detail

class Task {
public:
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;

  [[nodiscard]] TaskId id() const noexcept { return id_; }
  [[nodiscard]] WakerId waker_id() const noexcept { return waker_id_; }
  [[nodiscard]] bool done() const noexcept { return state_.completed(); }
  [[nodiscard]] QueuePolicy policy() const noexcept { return policy_; }
  [[nodiscard]] TaskState::Word state() const noexcept { return state_.load(); }

  void retain() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    // The last reference: no one else can take another (that takes a
    // reference), so it is dropped without the RMW — most tasks die this way
    // on the executor, and an RMW there costs a spawn more than the rest of
    // its teardown. acquire, and acq_rel below: the thread that frees the
    // task must see every write made by threads that released before it.
    if (refs_.load(std::memory_order_acquire) == 1 ||
        refs_.fetch_sub(1, std::memory_order_acq_rel) == 1)
      destroy();
  }

  // Executor thread only: poll the future once. Returns true when it is done.
  // `poll_ref` says whether the executor still owns the reference it popped
  // (false: a wake_by_ref during the poll handed it to the queue).
  bool poll_once(Context& cx, StringId& suspended_at, bool& failed, bool& poll_ref);

  // Executor thread only, notified policies: the state word's Start (before
  // poll_once) and FinishPending (after a Pending poll, before its PollEnd
  // is logged: a wake's entry precedes the PollEnd, as under the book).
  [[nodiscard]] TaskState::Action start() noexcept {
    return state_.transition(TaskState::Op::Start);
  }
  [[nodiscard]] TaskState::Action finish_pending() noexcept {
    return state_.transition(self_woken_ ? TaskState::Op::FinishPendingWoken
                                         : TaskState::Op::FinishPending);
  }
  // The waker whose wake the executor's Resubmit carries out: the poll's own
  // (a yield), else the last other waker to wake the task during the poll.
  [[nodiscard]] WakerId notified_by() const noexcept {
    return self_woken_ ? self_woken_by_ : notified_by_.load(std::memory_order_relaxed);
  }

  static const RawWakerVTable kWakerVTable;

  // Tasks are made on the spawner's thread and usually freed on the
  // executor's: task_memory gives the block back to the spawner's thread.
  static void* operator new(std::size_t size) { return task_memory::allocate(size); }
  static void operator delete(void* p, std::size_t size) noexcept {
    task_memory::deallocate(p, size); // size: the dynamic type's (virtual destructor)
  }

protected:
  Task(RuntimeContext& rt, SyncChannel& channel, StringId name, StringId location);
  virtual ~Task();
  virtual Poll<void> poll_future(Context& cx) = 0;
  virtual const std::source_location* future_where() const noexcept = 0;
  virtual void drop_future() noexcept = 0;

private:
  void destroy() noexcept;
  [[nodiscard]] RuntimeContext& runtime() const noexcept; // the channel's
  // wake_by_ref but for a task's own poll's: the waker's slow path.
  [[gnu::noinline]] void wake_other(WakerId by);
  void wake_notified(WakerId by); // wake_other under `notified` and `local`
  friend class Spawner;
  friend class Executor; // its events-off poll loop (executor.cpp) inlines poll_once

  std::atomic<std::uint32_t> refs_{1};
  TaskState state_; // see task_state.hpp; under `book` only kCompleted is used
  std::atomic<WakerId> notified_by_{0};
  QueuePolicy policy_;
  // Executor thread only, during poll_once: the executor's reference (popped
  // off the queue) may be handed to the queue by the task's first
  // wake_by_ref of this poll instead of taking a new one — a yield costs no
  // refcount traffic, where Arc::clone + drop would cost two atomic RMWs.
  bool poll_ref_donatable_ = false;
  // Executor thread only, during poll_once, notified policies: the poll woke
  // its own task on this thread (TaskState's WakeSelf), and with which waker.
  bool self_woken_ = false;
  WakerId self_woken_by_ = 0;
  TaskId id_;
  WakerId waker_id_; // the id of the waker the executor lends each poll
  // The name and spawn location live in the TaskSpawned event only, and the
  // runtime is the channel's: a task is one cache line (64 bytes, checked
  // below), as it was before the policies, and a spawn touches no more.
  SyncChannel* channel_; // alive while we hold our sender (see SyncChannel::add_sender)
  // Executor thread only: the await the task last suspended at, interned.
  const char* where_file_ = nullptr;
  std::uint32_t where_line_ = 0;
  StringId where_id_ = 0;
};

static_assert(sizeof(void*) != 8 || sizeof(Task) <= 64, "a Task is one cache line");

// The concrete task: the future lives inline, so a spawn allocates once
// (plus the coroutine frame, for coroutines).
template <Future F>
class TaskWith final : public Task {
public:
  TaskWith(RuntimeContext& rt, SyncChannel& ch, StringId name, StringId location, F&& f)
      : Task(rt, ch, name, location) {
    new (&storage_) F(std::move(f));
    alive_ = true;
  }
  ~TaskWith() override { TaskWith::drop_future(); }

private:
  F& future() noexcept { return *std::launder(reinterpret_cast<F*>(&storage_)); }
  const F& future() const noexcept { return *std::launder(reinterpret_cast<const F*>(&storage_)); }
  Poll<void> poll_future(Context& cx) override {
    if constexpr (std::is_void_v<FutureOutput<F>>) {
      return future().poll(cx);
    } else {
      return future().poll(cx).is_ready() ? Ready() : Poll<void>(Pending);
    }
  }
  const std::source_location* future_where() const noexcept override {
    return alive_ ? where_suspended(future()) : nullptr;
  }
  void drop_future() noexcept override {
    if (alive_) {
      alive_ = false;
      future().~F();
    }
  }
  alignas(F) unsigned char storage_[sizeof(F)];
  bool alive_ = false;
};

} // namespace pollscope
