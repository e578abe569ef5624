#include "timer_threads.hpp"

#include "runtime_context.hpp"

#include <algorithm>
#include <system_error>

namespace pollscope {

void TimerThreads::reap_locked() {
  for (auto it = threads_.begin(); it != threads_.end();) {
    if (it->finished.load(std::memory_order_acquire)) {
      it->thread.join();
      it = threads_.erase(it);
    } else {
      ++it;
    }
  }
}

bool TimerThreads::start(TimerId id, std::function<void()> body, Sleeper sleeper) {
  std::lock_guard lock(mutex_);
  reap_locked();
  Entry& entry = threads_.emplace_back();
  entry.id = id;
  std::atomic<bool>* finished = &entry.finished; // list nodes never move
  // Shared so the sleeper survives (and is released by us) if no thread starts.
  auto sl = std::make_shared<Sleeper>(std::move(sleeper));
  try {
    entry.thread = std::thread([body = std::move(body), finished, sl] {
      body();
      // release: the joiner that sees `finished` sees all the thread did.
      finished->store(true, std::memory_order_release);
      sl->release();
    });
  } catch (const std::system_error&) {
    threads_.pop_back();
    sl->release();
    return false;
  }
  peak_.store(std::max(peak_.load(std::memory_order_relaxed), threads_.size()),
              std::memory_order_relaxed);
  return true;
}

std::vector<TimerId> TimerThreads::live() const {
  std::lock_guard lock(mutex_);
  std::vector<TimerId> ids;
  for (const Entry& e : threads_) {
    if (!e.finished.load(std::memory_order_acquire)) ids.push_back(e.id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

bool TimerThreads::sleep_until(std::uint64_t deadline) {
  return rt_.clock().sleep_until(deadline, cancelled_);
}

bool TimerThreads::sleep_until(std::uint64_t deadline, const std::function<bool()>& stop,
                               std::size_t weight) {
  return rt_.clock().sleep_until(
      deadline, [&] { return cancelled_.load(std::memory_order_acquire) || stop(); }, weight);
}

void TimerThreads::cancel() {
  cancelled_.store(true, std::memory_order_release);
  rt_.clock().wake_sleepers();
}

void TimerThreads::shutdown() {
  cancel();
  std::list<Entry> joining;
  {
    std::lock_guard lock(mutex_);
    joining.splice(joining.end(), threads_);
  }
  for (Entry& e : joining) e.thread.join();
}

} // namespace pollscope
