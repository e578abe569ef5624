// The task state word (runtime/task_state.hpp): its decision table, cell by
// cell, and a stress run of concurrent wakes from many threads during polls
// (run under ThreadSanitizer by CI).
#include "support.hpp"

#include "runtime/fault_futures.hpp"
#include "runtime/task_state.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

using namespace pollscope;
using Op = TaskState::Op;
using Action = TaskState::Action;

namespace {

constexpr TaskState::Word S = TaskState::kScheduled;
constexpr TaskState::Word R = TaskState::kRunning;
constexpr TaskState::Word C = TaskState::kCompleted;

void expect(TaskState::Word from, Op op, TaskState::Word to, Action action) {
  const TaskState::Decision d = TaskState::decide(from, op);
  INFO(TaskState::describe(from) << " --" << to_string(op) << "-> expected "
                                 << TaskState::describe(to) << " [" << to_string(action)
                                 << "], got " << TaskState::describe(d.next) << " ["
                                 << to_string(d.action) << "]");
  CHECK(d.next == to);
  CHECK(d.action == action);
}

} // namespace

TEST_CASE("a wake queues an idle task once, defers on a running one, and changes nothing else") {
  expect(0, Op::Wake, S, Action::Submit);
  expect(S, Op::Wake, S, Action::Ignore);         // already queued: no duplicate
  expect(R, Op::Wake, R | S, Action::Defer);      // being polled: a note for after
  expect(R | S, Op::Wake, R | S, Action::Ignore); // being polled, already notified
  expect(C, Op::Wake, C, Action::Ignore);         // finished: never woken back to life
}

TEST_CASE("taking an entry starts the poll, unless the task finished") {
  expect(S, Op::Start, R, Action::Poll);
  expect(0, Op::Start, R, Action::Poll); // a book-style entry with no scheduled bit
  expect(C, Op::Start, C, Action::Discard);
}

TEST_CASE("a pending poll re-queues the task exactly when it was woken during the poll") {
  expect(R, Op::FinishPending, 0, Action::Idle);
  expect(R | S, Op::FinishPending, S, Action::Resubmit);
  expect(R, Op::FinishReady, C, Action::Complete);
  expect(R | S, Op::FinishReady, C, Action::Complete); // the wake dies with the future
}

TEST_CASE("a poll that wakes its own task writes nothing until it ends, then re-queues it once") {
  expect(R, Op::WakeSelf, R, Action::Defer);
  expect(R | S, Op::WakeSelf, R | S, Action::Defer);
  expect(R, Op::FinishPendingWoken, S, Action::Resubmit);
  expect(R | S, Op::FinishPendingWoken, S, Action::Resubmit); // another thread woke it too
}

TEST_CASE("every reachable word keeps completed apart from scheduled and running") {
  // Walk every op from every word reachable from a spawn (scheduled).
  std::vector<TaskState::Word> seen{S, 0};
  for (std::size_t i = 0; i < seen.size(); ++i) {
    for (Op op : {Op::Wake, Op::WakeSelf, Op::Start, Op::FinishPending, Op::FinishPendingWoken,
                  Op::FinishReady}) {
      // Executor ops only where the executor can make them.
      const bool running = (seen[i] & R) != 0;
      if (op != Op::Wake && op != Op::Start && !running) continue;
      if (op == Op::Start && (running || (seen[i] & S) == 0)) continue;
      const TaskState::Word next = TaskState::decide(seen[i], op).next;
      CHECK_FALSE(((next & C) != 0 && (next & (S | R)) != 0));
      if (std::find(seen.begin(), seen.end(), next) == seen.end()) seen.push_back(next);
    }
  }
  CHECK(seen.size() == 5); // scheduled, idle, running, running|scheduled, completed
  CHECK(TaskState::describe(R | S) == "scheduled|running");
  CHECK(TaskState::describe(0) == "idle");
}

namespace {

// Where a stressed task keeps a clone of its latest waker for the waking
// threads, with the poll count it was stored at.
struct Slot {
  std::mutex mutex;
  Waker waker;
  std::uint64_t epoch = 0; // guarded by mutex: bumped by every poll that stores
  std::atomic<bool> done{false};
};

// Pending `rounds` times; each poll stores a fresh waker clone for the
// waking threads, which wake it (from several threads at once) whenever it
// has stored a new one, so every Pending is answered by wakes that race the
// poll itself, the queue entry and each other. A lost wake would leave the
// task pending forever (the test detects that as no progress).
class Stressed {
public:
  Stressed(std::shared_ptr<Slot> slot, int rounds) : slot_(std::move(slot)), rounds_(rounds) {}
  Poll<void> poll(Context& cx) {
    if (polls_++ == rounds_) {
      slot_->done.store(true, std::memory_order_release);
      std::lock_guard lock(slot_->mutex);
      slot_->waker.reset();
      return Ready();
    }
    // Every third poll also wakes itself (a yield), so the executor's own
    // note races the other threads' wakes too.
    if (polls_ % 3 == 0) cx.waker().wake_by_ref();
    Waker w = cx.waker().clone();
    std::lock_guard lock(slot_->mutex);
    slot_->waker = std::move(w);
    ++slot_->epoch;
    return Pending;
  }

private:
  std::shared_ptr<Slot> slot_;
  int rounds_;
  int polls_ = 0;
};

void stress(QueuePolicy policy) {
  constexpr int kTasks = 8, kRounds = 1000, kWakers = 4;
  RealClock clock;
  StringTable strings;
  RuntimeContext rt(RuntimeContext::Options{&clock, &strings, nullptr, false});
  auto [executor, spawner] = executor_and_spawner(rt, 64, policy);
  std::vector<std::shared_ptr<Slot>> slots;
  for (int i = 0; i < kTasks; ++i) {
    slots.push_back(std::make_shared<Slot>());
    REQUIRE(spawner.spawn(Stressed(slots.back(), kRounds), "stressed") == SendResult::Ok);
  }
  spawner = Spawner{};
  std::atomic<bool> stop{false};
  std::vector<std::thread> wakers;
  for (int t = 0; t < kWakers; ++t) {
    wakers.emplace_back([&] {
      std::vector<std::uint64_t> woken(kTasks, 0);
      while (!stop.load(std::memory_order_acquire)) {
        for (int i = 0; i < kTasks; ++i) {
          std::lock_guard lock(slots[i]->mutex);
          if (slots[i]->epoch == woken[i] || slots[i]->waker.empty()) continue;
          woken[i] = slots[i]->epoch;
          slots[i]->waker.wake_by_ref();
        }
        std::this_thread::yield();
      }
    });
  }
  std::uint64_t polls = 0;
  bool stuck = false;
  for (;;) {
    const TickResult r = executor.try_tick();
    if (r == TickResult::Closed) break;
    if (r == TickResult::Polled) {
      ++polls;
      // The queue never holds a task twice (snapshot reads published entries only).
      std::vector<TaskId> q = executor.channel().snapshot();
      std::sort(q.begin(), q.end());
      REQUIRE(std::adjacent_find(q.begin(), q.end()) == q.end());
      continue;
    }
    // Nothing queued: a waker thread owes a wake. A lost one never comes;
    // the long bound only turns that hang into a failure.
    if (executor.wait_for_work(std::chrono::seconds(20)) == SyncChannel::WaitResult::TimedOut) {
      stuck = true;
      break;
    }
  }
  stop.store(true, std::memory_order_release);
  for (std::thread& t : wakers) t.join();
  CHECK_FALSE(stuck);
  for (const auto& s : slots) CHECK(s->done.load());
  // Each task is polled until Ready and never after, whatever woke it: had a
  // duplicate entry reached the executor after the end, it would count here.
  CHECK(polls == std::uint64_t{kTasks} * (kRounds + 1));
}

} // namespace

TEST_CASE("under notified, concurrent wakes from many threads during polls queue each task at "
          "most once and never lose a wake") {
  stress(QueuePolicy::Notified);
}

TEST_CASE("under local, concurrent wakes from many threads during polls queue each task at most "
          "once and never lose a wake") {
  stress(QueuePolicy::Local);
}
