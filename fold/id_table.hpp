// IdTable<T>: the fold's storage for tasks, wakers and timers.
//
// Runtime ids are dense small integers starting at 1 and restarting after a
// reset, so an id indexes a flat vector: no map on the hot path. Items live in
// first-seen order in `items()` (what the panels iterate), and `slot_` maps an
// id to its item. Two vectors rather than one indexed directly by id, because
// a log prefix that starts mid-run (ids 500.. only) must not make the panels
// walk 499 empty rows, and because finished items are forgotten (see
// `forget_oldest`) while live ones keep their place.
//
// `slot_` covers ids [base_, base_ + slot_.size()); forgetting old items moves
// `base_` up, so a long run that made millions of wakers keeps a slot vector
// as long as the span of ids still remembered, not of all ids ever made.
//
// T must have a public `id` field of an unsigned 32-bit integer type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace pollscope::fold {

template <class T>
class IdTable {
public:
  // The item with this id, or nullptr if no event has mentioned it yet (or it
  // was forgotten).
  [[nodiscard]] const T* find(std::uint32_t id) const noexcept {
    const std::uint32_t i = id - base_; // ids below base_ wrap to huge
    if (i >= slot_.size() || slot_[i] == 0) return nullptr;
    return &items_[slot_[i] - 1];
  }
  [[nodiscard]] T* find(std::uint32_t id) noexcept {
    return const_cast<T*>(static_cast<const IdTable*>(this)->find(id));
  }

  // The item with this id, created (value-initialised, `id` set) on first
  // mention; `created` reports whether it is new. Callers never pass id 0.
  // Creating may move every item: pointers from earlier calls die.
  T& get_or_create(std::uint32_t id, bool& created) {
    std::uint32_t& s = slot_for(id);
    created = s == 0;
    if (created) {
      items_.emplace_back();
      items_.back().id = id;
      s = static_cast<std::uint32_t>(items_.size());
    }
    return items_[s - 1];
  }
  T& get_or_create(std::uint32_t id) {
    bool created = false;
    return get_or_create(id, created);
  }

  // Forgets the oldest (first-seen) items for which `finished` holds, keeping
  // the `keep` most recent of them, and returns how many it forgot.
  // `finished_count` is how many there are (the caller's counters know it, so
  // the table need not count). Order of the remaining items is unchanged.
  // O(size()).
  template <class Pred>
  std::size_t forget_oldest(std::size_t finished_count, std::size_t keep, Pred finished) {
    if (finished_count <= keep) return 0;
    const std::size_t wanted = finished_count - keep;
    std::size_t to_forget = wanted;
    std::size_t kept = 0;
    for (std::size_t r = 0; r < items_.size(); ++r) {
      if (to_forget > 0 && finished(items_[r])) {
        slot_[items_[r].id - base_] = 0;
        --to_forget;
        continue;
      }
      if (kept != r) items_[kept] = std::move(items_[r]);
      slot_[items_[kept].id - base_] = static_cast<std::uint32_t>(kept + 1);
      ++kept;
    }
    items_.resize(kept);
    trim_front();
    return wanted - to_forget;
  }

  // Items in the order their ids were first seen (for the runtime: id order).
  [[nodiscard]] std::span<const T> items() const noexcept { return items_; }
  [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }

  void clear() noexcept {
    items_.clear();
    slot_.clear();
    base_ = 0;
  }

  // Equal when they hold the same items in the same order: the slots are a
  // function of the items.
  friend bool operator==(const IdTable& a, const IdTable& b) { return a.items_ == b.items_; }

private:
  std::uint32_t& slot_for(std::uint32_t id) {
    if (slot_.empty()) base_ = id;
    if (id < base_) { // a forgotten id mentioned again: rare, so a front insert
      slot_.insert(slot_.begin(), base_ - id, 0);
      base_ = id;
    }
    const std::size_t i = id - base_;
    if (i >= slot_.size()) slot_.resize(i < 64 ? 64 : i + 1 + i / 2, 0); // amortised growth
    return slot_[i];
  }

  void trim_front() {
    std::size_t unused = 0;
    while (unused < slot_.size() && slot_[unused] == 0) ++unused;
    if (unused == slot_.size()) {
      slot_.clear();
      return;
    }
    // Shift only when it pays: half the vector is dead prefix.
    if (unused * 2 < slot_.size()) return;
    slot_.erase(slot_.begin(), slot_.begin() + static_cast<std::ptrdiff_t>(unused));
    base_ += static_cast<std::uint32_t>(unused);
  }

  std::vector<T> items_;
  std::vector<std::uint32_t> slot_; // id - base_ -> index into items_ + 1; 0 = none
  std::uint32_t base_ = 0;          // the id slot_[0] stands for
};

} // namespace pollscope::fold
