// Poll<T>: what Future::poll returns — Ready with a value, or Pending.
//
// Pending carries no value and makes a promise: the future has arranged for
// the waker in the Context to be woken when it can make progress (a timer
// thread will call it, or the future woke it itself). A future that returns
// Pending without arranging that is the "lost waker" bug: its task is never
// polled again.
#pragma once

#include <optional>
#include <utility>

namespace pollscope {

struct PendingTag {
  explicit constexpr PendingTag() = default;
};
inline constexpr PendingTag Pending{};

template <class T>
class [[nodiscard]] Poll {
public:
  using value_type = T;
  constexpr Poll(PendingTag) noexcept {}
  static constexpr Poll ready(T value) { return Poll(std::move(value)); }
  [[nodiscard]] constexpr bool is_ready() const noexcept { return value_.has_value(); }
  [[nodiscard]] constexpr bool is_pending() const noexcept { return !value_.has_value(); }
  // Only on a Ready poll.
  [[nodiscard]] constexpr T take() { return std::move(*value_); }

private:
  constexpr explicit Poll(T&& v) : value_(std::move(v)) {}
  std::optional<T> value_;
};

template <>
class [[nodiscard]] Poll<void> {
public:
  using value_type = void;
  constexpr Poll(PendingTag) noexcept {}
  static constexpr Poll ready() {
    Poll p(Pending);
    p.ready_ = true;
    return p;
  }
  [[nodiscard]] constexpr bool is_ready() const noexcept { return ready_; }
  [[nodiscard]] constexpr bool is_pending() const noexcept { return !ready_; }
  constexpr void take() const noexcept {}

private:
  bool ready_ = false;
};

template <class T>
constexpr Poll<std::decay_t<T>> Ready(T&& value) {
  return Poll<std::decay_t<T>>::ready(std::forward<T>(value));
}
constexpr Poll<void> Ready() { return Poll<void>::ready(); }

} // namespace pollscope
