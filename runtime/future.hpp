// The Future concept and BoxFuture, its type-erased, heap-allocated form.
//
// A future is anything with `poll(Context&) -> Poll<T>`. Polling is the only
// way it makes progress; Ready is returned once, after which it must not be
// polled again.
//
// Why nothing here ever moves (what Rust's Pin guarantees): a future may hold
// pointers into itself — a coroutine frame holds its locals and the awaiter of
// the future it is suspended on, and that awaiter may be referenced by the
// frame's promise. So a future is polled only in place: BoxFuture allocates
// it once and hands out no way to move it out of the box, an Async's frame
// is allocated by the compiler and only its handle moves, and a Task stores
// its future inline in a heap object that is never relocated. Moving a
// BoxFuture moves the pointer, never the future.
#pragma once

#include "poll.hpp"
#include "waker.hpp"

#include <concepts>
#include <memory>
#include <source_location>
#include <type_traits>
#include <utility>

namespace pollscope {

template <class P>
struct is_poll : std::false_type {};
template <class T>
struct is_poll<Poll<T>> : std::true_type {};

template <class F>
concept Future = requires(F& f, Context& cx) {
  {f.poll(cx)};
  requires is_poll<decltype(f.poll(cx))>::value;
};

template <Future F>
using FutureOutput =
    typename decltype(std::declval<F&>().poll(std::declval<Context&>()))::value_type;

// Where a future is suspended, if it can tell (coroutines can): the source
// location of the innermost co_await it is parked on.
template <class F>
const std::source_location* where_suspended(const F& f) noexcept {
  if constexpr (requires {
                  { f.where() } -> std::convertible_to<const std::source_location*>;
                }) {
    return f.where();
  } else {
    return nullptr;
  }
}

template <class T>
class BoxFuture {
public:
  BoxFuture() = default;
  template <Future F>
  requires(!std::is_same_v<std::decay_t<F>, BoxFuture> &&
           std::is_same_v<FutureOutput<std::decay_t<F>>, T>) BoxFuture(F&& f)
      : impl_(std::make_unique<Holder<std::decay_t<F>>>(std::forward<F>(f))) {
  } // NOLINT: implicit, like .boxed()

  Poll<T> poll(Context& cx) { return impl_->poll(cx); }
  [[nodiscard]] const std::source_location* where() const noexcept {
    return impl_ ? impl_->where() : nullptr;
  }
  [[nodiscard]] explicit operator bool() const noexcept { return impl_ != nullptr; }

private:
  struct Erased {
    virtual ~Erased() = default;
    virtual Poll<T> poll(Context& cx) = 0;
    virtual const std::source_location* where() const noexcept = 0;
  };
  template <class F>
  struct Holder final : Erased {
    explicit Holder(F&& f) : future(std::move(f)) {}
    explicit Holder(const F& f) : future(f) {}
    Poll<T> poll(Context& cx) override { return future.poll(cx); }
    const std::source_location* where() const noexcept override { return where_suspended(future); }
    F future;
  };
  std::unique_ptr<Erased> impl_;
};

} // namespace pollscope
