// Async<T>: async blocks as C++20 coroutines that are futures.
//
//   Async<void> hello_world() {
//     print("Hello");
//     co_await TimerFuture(2s);   // polls the timer; suspends on Pending
//     print("World");
//   }
//
// Polling an Async resumes its coroutine. `co_await f` on any Future polls
// `f` at once with the current Context (like `.await`); on Pending the
// coroutine suspends and the poll returns Pending. The next poll polls `f`
// again *before* resuming, and resumes only once `f` is Ready — so an await
// never spins and a nested Async composes. Nothing runs until the first poll
// (futures are lazy, as in Rust).
//
// Each await records its source location; `where()` reports the innermost
// one, which is the line the GUI shows as "suspended at".
//
// Frames never move (see future.hpp); an Async owns its frame and destroys it.
// Threading: an Async is polled by one thread at a time, like any future.
#pragma once

#include "future.hpp"
#include "poll.hpp"
#include "task_memory.hpp"
#include "waker.hpp"

#include <coroutine>
#include <exception>
#include <optional>
#include <source_location>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace pollscope {

// Wakes its own task and returns Pending once, then Ready: lets the other
// queued tasks run (tokio::task::yield_now).
class YieldNow {
public:
  Poll<void> poll(Context& cx) {
    if (yielded_) return Ready();
    yielded_ = true;
    cx.waker().wake_by_ref();
    return Pending;
  }

  [[nodiscard]] bool yielded() const noexcept { return yielded_; }

private:
  bool yielded_ = false;
};
[[nodiscard]] inline YieldNow yield_now() { return {}; }

namespace detail {

// What a suspended coroutine is waiting on: an awaiter in its frame.
struct AwaitSlot {
  void* awaiter = nullptr;
  bool (*poll)(void* awaiter, Context& cx) = nullptr; // true: ready, result stored
  const std::source_location* (*where)(const void* awaiter) = nullptr;
};

struct PromiseBase {
  Context* cx = nullptr;
  AwaitSlot waiting;
  std::exception_ptr error;

  // Frames come from task_memory, like the tasks that own them (made on the
  // spawner's thread, freed on the executor's).
  static void* operator new(std::size_t size) { return task_memory::allocate(size); }
  static void operator delete(void* p, std::size_t size) noexcept {
    task_memory::deallocate(p, size);
  }

  std::suspend_always initial_suspend() noexcept { return {}; }
  std::suspend_always final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { error = std::current_exception(); }

  template <class F>
  struct Awaiter {
    F future; // F is a reference type for lvalue futures
    PromiseBase* promise;
    std::source_location loc;
    using Out = FutureOutput<std::remove_reference_t<F>>;
    using Stored = std::conditional_t<std::is_void_v<Out>, bool, Out>;
    std::optional<Stored> result;

    bool take(Poll<Out>& p) {
      if (p.is_pending()) return false;
      if constexpr (std::is_void_v<Out>) {
        result = true;
      } else {
        result.emplace(p.take());
      }
      return true;
    }
    bool await_ready() {
      auto p = future.poll(*promise->cx);
      return take(p);
    }
    void await_suspend(std::coroutine_handle<>) noexcept {
      promise->waiting = {this, &poll_again, &where_of};
    }
    Out await_resume() {
      if constexpr (!std::is_void_v<Out>) return std::move(*result);
    }
    static bool poll_again(void* self, Context& cx) {
      auto* a = static_cast<Awaiter*>(self);
      auto p = a->future.poll(cx);
      return a->take(p);
    }
    static const std::source_location* where_of(const void* self) {
      auto* a = static_cast<const Awaiter*>(self);
      if (const std::source_location* inner = where_suspended(a->future)) return inner;
      return &a->loc;
    }
  };

  // `co_await yield_now()`: what Awaiter<YieldNow> would do, minus the
  // steps whose answer is known. A fresh YieldNow's poll always wakes and
  // returns Pending, and its next poll always returns Ready, so there is
  // nothing to poll at the await and nothing to poll again before the
  // resume: the wait slot names no poll (Async::poll then resumes at once)
  // and only says where the coroutine waits. A yield is the commonest await
  // of a busy executor; this is a third of its instructions.
  struct YieldAwaiter {
    PromiseBase* promise;
    std::source_location loc;
    bool yielded; // an rvalue YieldNow that had yielded already: Ready at once
    [[nodiscard]] bool await_ready() const noexcept { return yielded; }
    void await_suspend(std::coroutine_handle<>) {
      promise->waiting = {this, nullptr, &where_of};
      promise->cx->waker()
          .wake_by_ref(); // may throw (a closed runtime's send): rethrown at the await
    }
    static void await_resume() noexcept {}
    static const std::source_location* where_of(const void* self) {
      return &static_cast<const YieldAwaiter*>(self)->loc;
    }
  };

  // `co_await f`: f is any Future. An rvalue is moved into the frame; an
  // lvalue is polled where it is (it must outlive the await).
  template <class F>
  requires Future<std::remove_reference_t<F>>
  auto await_transform(F&& f, std::source_location loc = std::source_location::current()) {
    using Held = std::conditional_t<std::is_lvalue_reference_v<F>, F, std::remove_reference_t<F>>;
    if constexpr (std::is_same_v<Held, YieldNow>) {
      return YieldAwaiter{this, loc, f.yielded()}; // (an lvalue is polled where it is)
    } else {
      return Awaiter<Held>{std::forward<F>(f), this, loc, {}};
    }
  }
};

template <class T>
struct Promise;

} // namespace detail

template <class T = void>
class [[nodiscard]] Async {
public:
  using promise_type = detail::Promise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  explicit Async(Handle h) noexcept : h_(h) {}
  Async(Async&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Async& operator=(Async&& o) noexcept {
    if (this != &o) {
      if (h_) h_.destroy();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  Async(const Async&) = delete;
  Async& operator=(const Async&) = delete;
  ~Async() {
    if (h_) h_.destroy();
  }

  Poll<T> poll(Context& cx) {
    if (!h_ || h_.done()) throw std::logic_error("Async polled after it returned Ready");
    auto& p = h_.promise();
    p.cx = &cx;
    if (p.waiting.poll != nullptr) {
      if (!p.waiting.poll(p.waiting.awaiter, cx)) return Pending;
      p.waiting = {};
    }
    h_.resume();
    if (!h_.done()) return Pending;
    if (p.error) std::rethrow_exception(p.error);
    if constexpr (std::is_void_v<T>) {
      return Ready();
    } else {
      return Poll<T>::ready(std::move(*p.value));
    }
  }

  // The innermost await this coroutine is suspended at, if any.
  [[nodiscard]] const std::source_location* where() const noexcept {
    if (!h_ || h_.done()) return nullptr;
    const auto& w = h_.promise().waiting;
    return w.where != nullptr ? w.where(w.awaiter) : nullptr;
  }

private:
  Handle h_;
};

namespace detail {

template <class T>
struct Promise : PromiseBase {
  std::optional<T> value;
  Async<T> get_return_object() noexcept {
    return Async<T>(std::coroutine_handle<Promise>::from_promise(*this));
  }
  template <class U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
};

template <>
struct Promise<void> : PromiseBase {
  Async<void> get_return_object() noexcept {
    return Async<void>(std::coroutine_handle<Promise>::from_promise(*this));
  }
  void return_void() noexcept {}
};

} // namespace detail

// The book's println!: an Output event from the task being polled (stdout
// when called outside any runtime or with events off).
void print(std::string_view text);

// Polls every future until all are Ready; Ready with their results in order
// (for void futures, Ready with nothing). Each poll polls only the futures
// not yet done.
template <Future F>
class JoinAll {
public:
  using Out = FutureOutput<F>;
  explicit JoinAll(std::vector<F> futures)
      : futures_(std::move(futures)), done_(futures_.size(), false) {
    if constexpr (!std::is_void_v<Out>) results_.resize(futures_.size());
  }
  auto poll(Context& cx) {
    bool all = true;
    for (std::size_t i = 0; i < futures_.size(); ++i) {
      if (done_[i]) continue;
      auto p = futures_[i].poll(cx);
      if (p.is_ready()) {
        done_[i] = true;
        if constexpr (!std::is_void_v<Out>) results_[i].emplace(p.take());
      } else {
        all = false;
      }
    }
    if constexpr (std::is_void_v<Out>) {
      return all ? Ready() : Poll<void>(Pending);
    } else {
      if (!all) return Poll<std::vector<Out>>(Pending);
      std::vector<Out> out;
      out.reserve(results_.size());
      for (auto& r : results_) out.push_back(std::move(*r));
      return Poll<std::vector<Out>>::ready(std::move(out));
    }
  }
  [[nodiscard]] const std::source_location* where() const noexcept {
    for (std::size_t i = 0; i < futures_.size(); ++i) {
      if (!done_[i]) return where_suspended(futures_[i]);
    }
    return nullptr;
  }

private:
  struct Empty {};
  std::vector<F> futures_;
  std::vector<bool> done_;
  std::conditional_t<std::is_void_v<Out>, Empty, std::vector<std::optional<Out>>> results_;
};
template <Future F>
[[nodiscard]] JoinAll<F> join_all(std::vector<F> futures) {
  return JoinAll<F>(std::move(futures));
}

} // namespace pollscope
