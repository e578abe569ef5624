// Executor and Spawner: the book's executor, made together over one bounded
// channel by `executor_and_spawner(runtime, capacity)`.
//
//   auto [executor, spawner] = executor_and_spawner(rt);
//   spawner.spawn(hello_world(), "hello-world");
//   spawner = {};       // drop the spawner: run() can now finish
//   executor.run();     // polls until every task is done and dropped
//
// Threading contract: the Executor (run, poll_one, try_tick) is used by one
// thread at a time — the thread that polls. A Spawner may be used from any
// thread; copies share the channel and each holds a sender, like a cloned
// SyncSender. `spawn` blocks while the queue is full (sync_channel
// semantics); `try_spawn` never blocks and reports Full instead.
#pragma once

#include "channel.hpp"
#include "future.hpp"
#include "policy.hpp"
#include "runtime_context.hpp"
#include "task.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <source_location>
#include <string>
#include <string_view>
#include <utility>

namespace pollscope {

class Spawner {
public:
  Spawner() = default; // no channel: spawning fails
  Spawner(const Spawner& o);
  Spawner& operator=(const Spawner& o);
  Spawner(Spawner&& o) noexcept;
  Spawner& operator=(Spawner&& o) noexcept;
  ~Spawner();

  // Spawns `future` as a task named `name`; blocks while the queue is full.
  template <Future F>
  SendResult spawn(F&& future, std::string_view name = "task",
                   std::source_location where = std::source_location::current()) {
    return submit(make_task(std::forward<F>(future), name, where), /*block=*/true);
  }
  // Never blocks: SendResult::Full (and a TrySendFull event) when the queue is full.
  template <Future F>
  SendResult try_spawn(F&& future, std::string_view name = "task",
                       std::source_location where = std::source_location::current()) {
    return submit(make_task(std::forward<F>(future), name, where), /*block=*/false);
  }

  [[nodiscard]] bool valid() const noexcept { return channel_ != nullptr; }
  [[nodiscard]] RuntimeContext* runtime() const noexcept { return rt_; }

private:
  friend std::pair<class Executor, Spawner> executor_and_spawner(RuntimeContext&, std::size_t,
                                                                 QueuePolicy, TimerPolicy);
  Spawner(RuntimeContext& rt, std::shared_ptr<SyncChannel> ch);

  template <Future F>
  Task* make_task(F&& future, std::string_view name, const std::source_location& where) {
    if (channel_ == nullptr) return nullptr;
    Task* task = new TaskWith<std::decay_t<F>>(*rt_, *channel_, intern_name(name),
                                               intern_where(where), std::forward<F>(future));
    // The task's sender, from this spawner's batch: claimed once it exists,
    // so a constructor that throws leaves the count as it was.
    if (sender_credits_ == 0) [[unlikely]]
      claim_senders();
    --sender_credits_;
    return task;
  }
  void claim_senders();
  SendResult submit(Task* task, bool block);
  [[nodiscard]] StringId intern_name(std::string_view name);
  [[gnu::noinline]] StringId intern_new_name(std::string_view name); // intern_name's miss
  [[nodiscard]] StringId intern_where(const std::source_location& where);
  void forget_interned() noexcept;

  RuntimeContext* rt_ = nullptr;
  std::shared_ptr<SyncChannel> channel_;
  // Senders claimed on the channel for tasks not spawned yet. Every task
  // holds a sender (the book's: each Task owns a SyncSender clone) and gives
  // it back when it dies, on the executor's thread as a rule; claiming them
  // one per spawn would make the sender count's cache line cross between
  // the spawner's core and the executor's twice per task. The unspent ones
  // go back with the spawner's own (the count reaches zero, and run()
  // finishes, only once every spawner is gone, as before).
  static constexpr long kSenderBatch = 64;
  long sender_credits_ = 0;
  // The name and spawn site this spawner interned last, and their ids (0:
  // none): a loop spawns the same ones over and over, and the string
  // table's lookups cost a spawn more than all its other bookkeeping.
  std::string last_name_;
  StringId last_name_id_ = 0;
  const char* last_file_ = nullptr;
  std::uint_least32_t last_line_ = 0;
  StringId last_where_id_ = 0;
};

enum class TickResult : std::uint8_t {
  Polled, // one task was taken off the queue and polled once
  Empty,  // nothing queued right now
  Closed, // nothing queued and no sender left: all work is done
};

class Executor {
public:
  Executor(Executor&&) noexcept = default;
  Executor& operator=(Executor&& o) noexcept;
  ~Executor(); // releases every task still queued; sends fail from then on

  // The book's run(): receive and poll until the channel is closed and empty.
  // Returns the number of polls. Logs ExecutorDone at the end.
  std::uint64_t run();
  // Takes one task off the queue (blocking while it is empty, advancing a
  // virtual clock when nothing else can happen) and polls it once.
  // Returns Polled, or Closed when all work is done.
  TickResult poll_one();
  // Never blocks.
  TickResult try_tick();
  // Blocks until try_tick would not return Empty, `interrupt()` is called or
  // `timeout` passes. Advances a virtual clock while idle.
  SyncChannel::WaitResult wait_for_work(std::chrono::nanoseconds timeout);
  void interrupt();

  [[nodiscard]] std::uint64_t polls() const noexcept { return polls_; }
  [[nodiscard]] SyncChannel& channel() noexcept { return *channel_; }
  [[nodiscard]] RuntimeContext& runtime() noexcept { return *rt_; }

private:
  friend std::pair<Executor, Spawner> executor_and_spawner(RuntimeContext&, std::size_t,
                                                           QueuePolicy, TimerPolicy);
  Executor(RuntimeContext& rt, std::shared_ptr<SyncChannel> ch);
  void poll_task(Task* task, std::uint64_t t0); // t0: the pop's time (0 when not logging)
  // run() for a runtime that does not log: the same steps as poll_one, with
  // the queue policy fixed at compile time and the poll inlined.
  template <QueuePolicy P>
  void run_quiet();
  struct QuietOuter {
    RuntimeContext* rt;
    TaskId task;
    Task* polling;
  };
  template <QueuePolicy P>
  void poll_quiet(Task* task, Waker& waker, Context& cx, const QuietOuter& outer);
  void log_poll_end(const Task* task, std::uint64_t t0, bool ready, bool failed,
                    StringId suspended_at);
  void close() noexcept;

  RuntimeContext* rt_;
  std::shared_ptr<SyncChannel> channel_;
  std::uint64_t polls_ = 0;
  bool waiting_logged_ = false; // one ExecutorWaiting per idle stretch
};

inline constexpr std::size_t kDefaultQueueCapacity = 10000; // the book's sync_channel(10000)

// `queue_policy` decides how wakes queue tasks (policy.hpp); `timer_policy`
// is only named in the RuntimeStarted event here (the timer driver reads it
// from the controller's options), so the log says which policies ran.
[[nodiscard]] std::pair<Executor, Spawner>
executor_and_spawner(RuntimeContext& rt, std::size_t capacity = kDefaultQueueCapacity,
                     QueuePolicy queue_policy = QueuePolicy::Book,
                     TimerPolicy timer_policy = TimerPolicy::ThreadPerTimer);

} // namespace pollscope
