// Waker and Context: how a future asks to be polled again.
//
// A Waker is a (data, vtable) pair, like Rust's RawWaker, so wakers other
// than a task's can exist: a task's own waker re-sends the task on the run
// channel (ArcWake in the book); a counting waker (tests) just counts. Every
// waker *instance* has an id: cloning makes a new id (WakerCloned), waking
// logs WakerWoken, dropping logs WakerDropped, so the GUI can show every
// registered waker and who holds it.
//
// Ownership: a Waker owns one reference to its data (the vtable's clone adds
// one, drop releases it). `wake()` consumes the waker; `wake_by_ref()` does
// not. A *borrowed* waker (the one the executor puts in each poll's Context,
// like the book's `waker_ref`) owns nothing and logs nothing when it goes
// away: it lives only for the poll. There is no copy constructor on purpose:
// a clone is an event, and C++ copies are too easy to make by accident.
//
// Threading: a Waker may be moved to and used from any thread; its vtable
// functions must be thread-safe. Using one Waker object from two threads at
// once is a data race, as in Rust (&mut).
#pragma once

#include "event.hpp"

#include <atomic>
#include <cstdint>
#include <memory>

namespace pollscope {

class RuntimeContext;

struct RawWakerVTable {
  void* (*clone)(void* data);                  // returns data with one more reference
  void (*wake)(void* data, WakerId by);        // wakes and releases the reference
  void (*wake_by_ref)(void* data, WakerId by); // wakes, keeps the reference
  void (*drop)(void* data);                    // releases the reference
  TaskId (*task_of)(void* data);               // the task it wakes (0: none)
  RuntimeContext* (*runtime_of)(void* data);   // where its events go (may be null)
  WakerKind kind;
};

class Waker {
public:
  Waker() = default; // empty: waking it does nothing
  // Adopts one reference to `data`; logs WakerCreated with a fresh id.
  static Waker adopt(void* data, const RawWakerVTable* vtable);
  // A non-owning view used for a poll's Context; `id` is the task's waker id.
  static Waker borrowed(void* data, const RawWakerVTable* vtable, WakerId id) noexcept;
  // The same, when the caller already knows the runtime and whether it logs
  // (the executor, once per poll).
  static Waker borrowed(void* data, const RawWakerVTable* vtable, WakerId id, RuntimeContext* rt,
                        bool logs) noexcept {
    Waker w;
    w.data_ = data;
    w.vtable_ = vtable;
    w.rt_ = rt;
    w.id_ = id;
    w.logs_ = logs;
    return w;
  }

  // A borrowed waker lent again, for another poll of a task of the same
  // vtable and runtime (the executor's events-off loop keeps one).
  void relend(void* data, WakerId id) noexcept {
    data_ = data;
    id_ = id;
  }

  Waker(Waker&& o) noexcept;
  Waker& operator=(Waker&& o) noexcept;
  Waker(const Waker&) = delete;
  Waker& operator=(const Waker&) = delete;
  ~Waker() {
    if (owned_) drop_owned(); // a borrowed or empty waker has nothing to give back
  }

  [[nodiscard]] Waker clone() const; // a new owned waker with a new id (WakerCloned)
  void wake() &&;                    // wake, then drop (consumes)
  void wake_by_ref() const {         // inline: a yield's whole wake is this and the vtable call
    if (vtable_ == nullptr) return;
    if (logs_) log_woken_by_ref();
    vtable_->wake_by_ref(data_, id_);
  }
  void reset() noexcept; // drop now (WakerDropped) and become empty

  [[nodiscard]] bool empty() const noexcept { return vtable_ == nullptr; }
  [[nodiscard]] WakerId id() const noexcept { return id_; }
  [[nodiscard]] TaskId task() const noexcept;
  // Would waking either wake the same thing? (Rust's will_wake)
  [[nodiscard]] bool will_wake(const Waker& o) const noexcept {
    return data_ == o.data_ && vtable_ == o.vtable_;
  }

private:
  void drop_owned() noexcept;
  void log_woken_by_ref() const;

  void* data_ = nullptr;
  const RawWakerVTable* vtable_ = nullptr;
  // vtable_->runtime_of(data_), asked once: waking is on the poll path and
  // the answer never changes.
  RuntimeContext* rt_ = nullptr;
  WakerId id_ = 0;
  bool owned_ = false;
  bool logs_ = false; // rt_ != nullptr && rt_->logging()
};

// What a future gets when it is polled: the waker to wake when it can make
// progress.
class Context {
public:
  explicit Context(const Waker& waker) noexcept : waker_(&waker) {}
  [[nodiscard]] const Waker& waker() const noexcept { return *waker_; }

private:
  const Waker* waker_;
};

// A waker that only counts its wakes: for tests, and to poll a future by hand.
// Shares its counters with every clone.
class CountingWaker {
public:
  explicit CountingWaker(RuntimeContext* rt = nullptr);
  [[nodiscard]] Waker waker() const; // a new owned waker (a clone of the original)
  [[nodiscard]] unsigned wakes() const noexcept;
  [[nodiscard]] long live_refs() const noexcept; // references held by wakers made from it

private:
  struct State;
  std::shared_ptr<State> state_;
};

} // namespace pollscope
