#include "channel.hpp"

#include "runtime_context.hpp"
#include "task.hpp"

#include <algorithm>
#include <bit>
#include <thread>
#include <utility>

namespace pollscope {
namespace {

// The id of the channel the calling thread consumes from (set by try_recv
// and wait). A send from that thread cannot find the consumer asleep, and
// only that thread may touch the local queue. An id, not the address: never
// shared by two channels, so a thread that consumed from a dead channel is
// never mistaken for the consumer of a new one at the same address.
thread_local std::uint64_t t_consumer_of = 0;
std::atomic<std::uint64_t> g_next_channel_id{1};

// The short spin before a sender or the consumer sleeps: it looks at the
// other side after 1, 2, 4 ... 64 pauses (~130 pauses, a few microseconds, in
// 7 looks), then yields a few times in case the other side waits for this
// core. Few looks, because each one pulls in the cache line the other core is
// writing and makes it pay to take it back.
class Spin {
public:
  static constexpr int kRounds = 7 + 12;
  [[nodiscard]] bool more() const noexcept { return round_ < kRounds; }
  void pause() noexcept {
    if (round_ < 7) {
      for (int i = 0; i < (1 << round_); ++i) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
      }
    } else {
      std::this_thread::yield();
    }
    if (round_ < kRounds) ++round_;
  }

private:
  int round_ = 0;
};

} // namespace

SyncChannel::SyncChannel(RuntimeContext& rt, std::size_t capacity, QueuePolicy policy)
    : rt_(rt),
      capacity_(capacity == 0 ? 1 : capacity),
      policy_(policy),
      id_(g_next_channel_id.fetch_add(1, std::memory_order_relaxed)) {
  const std::size_t physical = std::bit_ceil(capacity_);
  mask_ = physical - 1;
  slots_ = std::make_unique<Slot[]>(physical);
  for (std::size_t i = 0; i < physical; ++i) {
    slots_[i].seq.store(0, std::memory_order_relaxed);
    slots_[i].task = nullptr;
  }
}

SyncChannel::~SyncChannel() {
  // Whatever is still queued loses its reference (runtime teardown).
  while (Task* t = try_recv()) t->release();
}

SyncChannel::Claim SyncChannel::try_push(Task* task, WakerId by, bool was_blocked) {
  if (shut_down_.load(std::memory_order_relaxed)) [[unlikely]]
    return Claim::Closed;
  std::uint64_t pos = tail_.load(std::memory_order_relaxed);
  std::uint64_t head = 0;
  for (;;) {
    // acquire: the slot we may now reuse has been read out. head_seen_ was
    // stored with release after an acquire of head_, so either load carries
    // the consumer's release of head_ to us.
    head = head_seen_.load(std::memory_order_acquire);
    if (pos - head >= capacity_) {
      head = head_.load(std::memory_order_acquire);
      // Racing senders may store an older head: it only makes the next one
      // look again sooner.
      head_seen_.store(head, std::memory_order_release);
      if (pos - head >= capacity_) [[unlikely]]
        return Claim::Full;
    }
    // seq_cst: the claim and the load of consumer_sleeping_ below are one
    // side of a Dekker pair; wait() stores consumer_sleeping_ and then loads
    // tail_, both seq_cst. Either we see the consumer asleep and wake it, or
    // it sees our claim and stays up until we publish. (On x86 the locked
    // CAS is the fence: no mfence per send.)
    if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_seq_cst,
                                    std::memory_order_relaxed)) [[likely]]
      break;
  }
  // A send from the consumer's own thread (a task waking itself) cannot find
  // it asleep.
  const bool wake = t_consumer_of != id_ && consumer_sleeping_.load(std::memory_order_seq_cst);
  // Log before publishing: the consumer cannot pop (and log the pop) before
  // the store below, so the push is always earlier in the log.
  if (rt_.logging()) {
    // The length at the claim, as the book's log has always said it: against
    // the consumer's head now, not the one we checked room against (older).
    head = head_.load(std::memory_order_acquire);
    log_push(task, by, pos, pos + 1 - std::min(head, pos), was_blocked);
  }
  Slot& slot = slots_[pos & mask_];
  slot.task = task;
  // release: publishes slot.task to the consumer's acquire of seq.
  slot.seq.store(pos + 1, std::memory_order_release);
  if (wake) [[unlikely]]
    wake_consumer();
  return Claim::Ok;
}

void SyncChannel::log_push(const Task* task, WakerId by, std::uint64_t ticket, std::uint64_t len,
                           bool was_blocked) {
  if (was_blocked) {
    Event u;
    u.kind = EventKind::SendUnblocked;
    u.task = task->id();
    u.waker = by;
    rt_.emit(u);
  }
  Event e;
  e.kind = EventKind::QueuePush;
  e.task = task->id();
  e.waker = by;
  e.a = ticket;
  e.b = len;
  rt_.emit(e);
}

void SyncChannel::wake_consumer() {
  std::lock_guard lock(mutex_);
  not_empty_.notify_all();
}

SendResult SyncChannel::try_send(Task* task, WakerId by) {
  switch (try_push(task, by, false)) {
  case Claim::Ok: return SendResult::Ok;
  case Claim::Closed: return SendResult::Closed;
  case Claim::Full: break;
  }
  Event e;
  e.kind = EventKind::TrySendFull;
  e.task = task->id();
  e.waker = by;
  rt_.emit(e);
  return SendResult::Full;
}

SendResult SyncChannel::send(Task* task, WakerId by) {
  const Claim c = try_push(task, by, false);
  if (c == Claim::Ok) [[likely]]
    return SendResult::Ok;
  return c == Claim::Closed ? SendResult::Closed : send_blocking(task, by);
}

SendResult SyncChannel::send_blocking(Task* task, WakerId by) {
  Event e;
  e.kind = EventKind::SendBlocked;
  e.task = task->id();
  e.waker = by;
  rt_.emit(e);
  Claim c = Claim::Full;
  // Spin a little before sleeping: a running executor frees a slot within a
  // poll, and a futex sleep plus the consumer's wake costs microseconds on
  // both sides (a spawner outpacing the executor otherwise pays it per task).
  for (Spin spin; spin.more();) {
    spin.pause();
    c = try_push(task, by, true);
    if (c != Claim::Full) break;
  }
  if (c == Claim::Full) {
    // Tells a virtual clock not to wait for this thread (it may be a timer
    // thread the clock's advance_to is waiting for: see clock.hpp).
    rt_.clock().sender_blocked(true);
    blocked_senders_.fetch_add(1, std::memory_order_seq_cst);
    for (;;) {
      c = try_push(task, by, true);
      if (c != Claim::Full) break;
      std::unique_lock lock(mutex_);
      // Timed: the consumer's check of blocked_senders_ is not fenced (it is
      // on every pop), so a wake-up can be missed; the timeout bounds that cost.
      not_full_.wait_for(lock, std::chrono::milliseconds(1));
    }
    blocked_senders_.fetch_sub(1, std::memory_order_relaxed);
    rt_.clock().sender_blocked(false);
  }
  if (c == Claim::Closed) {
    // Gave up: the runtime is shutting down. Still unlist the sender.
    Event u;
    u.kind = EventKind::SendUnblocked;
    u.task = task->id();
    u.waker = by;
    u.flags = kFlagCancelled;
    rt_.emit(u);
  }
  return c == Claim::Ok ? SendResult::Ok : SendResult::Closed;
}

bool SyncChannel::has_published() const noexcept {
  const std::uint64_t h = head_.load(std::memory_order_relaxed);
  return slots_[h & mask_].seq.load(std::memory_order_acquire) == h + 1;
}

void SyncChannel::mark_consumer() noexcept { t_consumer_of = id_; }

bool SyncChannel::on_consumer_thread() const noexcept { return t_consumer_of == id_; }

SendResult SyncChannel::push_local(Task* task, WakerId by) {
  if (shut_down_.load(std::memory_order_relaxed)) [[unlikely]]
    return SendResult::Closed;
  const std::uint64_t ticket = kLocalQueueTicket | local_.pushed();
  local_.push(task);
  if (rt_.logging()) log_push(task, by, ticket, size() + local_.size(), false);
  return SendResult::Ok;
}

Task* SyncChannel::pop_local() {
  if (local_.empty()) return nullptr;
  const std::uint64_t ticket = kLocalQueueTicket | (local_.pushed() - local_.size());
  Task* task = local_.pop();
  // The entries behind it are known: start fetching the next tasks now, so
  // a queue of thousands of tasks (megabytes of tasks and frames) does not
  // pay a cache miss per poll. Two ahead: one poll's time covers the fetch.
  if (local_.size() > 2) __builtin_prefetch(local_.at(2), 1, 3);
  if (rt_.logging()) [[unlikely]] {
    Event e;
    e.kind = EventKind::QueuePop;
    e.task = task->id();
    e.a = ticket;
    e.b = size() + local_.size();
    rt_.emit(e);
  }
  return task;
}

Task* SyncChannel::try_recv() {
  mark_consumer();
  const std::uint64_t h = head_.load(std::memory_order_relaxed); // only we write it
  Slot& slot = slots_[h & mask_];
  // Nothing published on the channel: the local queue's turn (empty unless
  // the policy is Local).
  if (slot.seq.load(std::memory_order_acquire) != h + 1) {
    Task* task = pop_local();
    // Nothing at all: the consumer is about to ask whether the channel is
    // closed, or to wait. The count must be exact for that.
    if (task == nullptr) settle_senders();
    return task;
  }
  Task* task = slot.task;
  // release: senders that see the new head may reuse this slot.
  head_.store(h + 1, std::memory_order_release);
  if (rt_.logging()) log_pop(task, h);
  if (blocked_senders_.load(std::memory_order_relaxed) > 0) [[unlikely]]
    wake_blocked_senders();
  return task;
}

void SyncChannel::log_pop(const Task* task, std::uint64_t ticket) {
  Event e;
  e.kind = EventKind::QueuePop;
  e.task = task->id();
  e.a = ticket;
  e.b = tail_.load(std::memory_order_relaxed) - (ticket + 1);
  rt_.emit(e);
}

void SyncChannel::wake_blocked_senders() {
  std::lock_guard lock(mutex_);
  not_full_.notify_all();
}

SyncChannel::WaitResult SyncChannel::wait(std::chrono::nanoseconds timeout) {
  mark_consumer();
  settle_senders(); // the closed check below needs the exact count
  if (!local_.empty() || has_published()) return WaitResult::Ready;
  // Spin a little first (see send): a sender that is running usually
  // publishes within a microsecond, and sleeping makes it pay for a wake.
  if (timeout > std::chrono::nanoseconds(0)) {
    for (Spin spin; spin.more();) {
      spin.pause();
      if (has_published()) return WaitResult::Ready;
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  consumer_sleeping_.store(true, std::memory_order_seq_cst); // see try_push
  WaitResult result = WaitResult::TimedOut;
  bool claimed = false; // a sender has a ticket and is about to publish it
  {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (has_published()) {
        result = WaitResult::Ready;
        break;
      }
      // seq_cst: the other side of try_push's pair. A claim we see here may
      // have checked consumer_sleeping_ before our store: it will not wake
      // us, so we must not sleep.
      if (tail_.load(std::memory_order_seq_cst) != head_.load(std::memory_order_relaxed)) {
        claimed = true;
        break;
      }
      if (senders_.load(std::memory_order_acquire) == 0 &&
          tail_.load(std::memory_order_acquire) == head_.load(std::memory_order_relaxed)) {
        result = WaitResult::Closed;
        break;
      }
      if (interrupted_) {
        interrupted_ = false;
        result = WaitResult::Interrupted;
        break;
      }
      if (not_empty_.wait_until(lock, deadline) == std::cv_status::timeout) {
        if (has_published()) result = WaitResult::Ready;
        break;
      }
    }
  }
  consumer_sleeping_.store(false, std::memory_order_relaxed);
  if (claimed) {
    // Its publish is a few instructions away (unless its thread was
    // preempted between the two: then we yield to it).
    for (Spin spin; !has_published();) spin.pause(); // yields once past its rounds
    result = WaitResult::Ready;
  }
  return result;
}

void SyncChannel::interrupt() {
  std::lock_guard lock(mutex_);
  interrupted_ = true;
  not_empty_.notify_all();
}

void SyncChannel::add_senders(long n) {
  // The first sender (the Spawner made with the channel) makes the channel
  // keep itself alive for as long as there are senders; no sender can be
  // added once the count is back at zero (adding one takes a live sender).
  if (senders_.fetch_add(n, std::memory_order_relaxed) == 0) self_ = shared_from_this();
}

void SyncChannel::remove_senders(long n) {
  // acq_rel: the consumer that sees zero senders must also see their sends.
  if (senders_.fetch_sub(n, std::memory_order_acq_rel) == n) {
    // Declared first, released last: the channel may die with it, once we are
    // done with it.
    const std::shared_ptr<SyncChannel> keep = std::move(self_);
    Event e;
    e.kind = EventKind::ChannelClosed;
    rt_.emit(e);
    std::lock_guard lock(mutex_);
    not_empty_.notify_all();
  }
}

void SyncChannel::remove_task_sender() {
  // Batched only when nothing is logged: a logging runtime's ChannelClosed
  // comes right after the last TaskDropped, as it always has.
  if (!rt_.logging() && !shut_down_.load(std::memory_order_relaxed) && on_consumer_thread()) {
    if (++sender_debt_ == kSenderBatch) settle_senders();
    return;
  }
  remove_sender();
}

void SyncChannel::settle_senders() noexcept {
  if (sender_debt_ == 0) return;
  // The count stays above zero until here (each dead task's sender is still
  // in it), so the channel cannot have closed or gone meanwhile.
  remove_senders(std::exchange(sender_debt_, 0));
}

void SyncChannel::shut_down() {
  shut_down_.store(true, std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  not_full_.notify_all();
  not_empty_.notify_all();
}

std::size_t SyncChannel::size() const noexcept {
  const std::uint64_t h = head_.load(std::memory_order_acquire);
  const std::uint64_t t = tail_.load(std::memory_order_acquire);
  return t > h ? static_cast<std::size_t>(t - h) : 0;
}

bool SyncChannel::closed() const noexcept { return senders_.load(std::memory_order_acquire) == 0; }

std::vector<TaskId> SyncChannel::snapshot() const {
  std::vector<TaskId> ids;
  const std::uint64_t t = tail_.load(std::memory_order_acquire);
  for (std::uint64_t h = head_.load(std::memory_order_relaxed); h < t; ++h) {
    const Slot& slot = slots_[h & mask_];
    if (slot.seq.load(std::memory_order_acquire) != h + 1) break;
    ids.push_back(slot.task->id());
  }
  for (std::size_t i = 0; i < local_.size(); ++i) ids.push_back(local_.at(i)->id());
  return ids;
}

} // namespace pollscope
