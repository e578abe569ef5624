// Compare mode's shared history cursor: one position that walks both sides'
// runs together. No ImGui here (tested headless); gui/compare_panel.cpp
// draws the bar and reads the keys.
//
// The shared axis. Both sides run one scenario on one kind of clock, so the
// moment that means "the same point of the story" on both is the run's time
// on its clock, counted from each side's own start (the last Reset). Time
// alone is not enough for a learner, though: on the virtual clock it stands
// still while the executor polls, so every event of the double-wake lesson
// before the timer happens at 0 s, and a plain time merge would show all of
// A's polls, then all of B's (stepping back from live, B would rewind to its
// start while A did not move). So events are ordered by (time, polls begun
// on their side) — a poll begins at its QueuePop, and its events run up to
// the next pop — with ties A before B: at one instant, A's k-th poll, then
// B's k-th, then A's k+1-th. Stepping back therefore undoes the two sides'
// polls alternately, and at every position the two sides have taken the
// same number of polls (or A one more), which is what "the same moment" is
// to someone comparing the two executors. On the real clock the time almost
// never ties, and the order is simply time.
//
// A position is a pair of store positions (record/cursor.hpp: position i
// shows the fold of the first i events), one per side, that is a prefix of
// that merged order: every event it includes comes before every event it
// leaves out. It covers the current runtime of each side only (from the
// event that opened it: a comparison's Reset restarts both sides, and what
// ran before belongs to the other run). Live follows both sides' newest
// published counts. While the user looks back, a side's new events may
// belong before events of the other side that the position includes (A
// polls again at the instant B's position stands at): the position then
// stays where it is until the user moves; every move lands on a prefix.
//
// Threading: UI thread only; the counts must be ones the pumps published
// (record/fold_pump.hpp), so every event below them is complete.
#pragma once

#include "record/checkpoints.hpp"
#include "record/cursor.hpp"
#include "record/event_store.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace pollscope::gui {

// Where the shared cursor stands, kept from frame to frame (view state).
struct CompareHistoryState {
  bool live = true;
  std::array<std::size_t, 2> at{0, 0}; // each side's store position when not live
};

// One side's run as the shared cursor sees it this frame.
struct CompareHistorySide {
  const record::EventStore* store = nullptr;
  const record::Checkpoints* checkpoints = nullptr;
  std::size_t begin = 0;          // the store index of the event that opened the current runtime
  std::size_t count = 0;          // the newest published count
  record::Cursor* keys = nullptr; // a cursor of the side's own, for ordering lookups
};

// The merged order over both sides' current runtimes, for one frame.
class CompareTimeline {
public:
  using Position = std::array<std::size_t, 2>;

  CompareTimeline(CompareHistorySide a, CompareHistorySide b);

  // The start (each runtime's opening event included) and live.
  [[nodiscard]] Position home() const noexcept { return {lo_[0], lo_[1]}; }
  [[nodiscard]] Position live() const noexcept { return {side_[0].count, side_[1].count}; }
  // Where the view stands: live, or the kept position clamped into the runs.
  [[nodiscard]] Position position(const CompareHistoryState& h) const noexcept;

  // One event of either side forward / back in the merged order (the same
  // position at the end / the start).
  [[nodiscard]] Position next(Position p);
  [[nodiscard]] Position previous(Position p);
  // The next position that ends in a book step of either side (fold/state.hpp
  // §4b), or live when none is ahead; the last one before `p`, or home.
  [[nodiscard]] Position next_book_step(Position p);
  [[nodiscard]] Position previous_book_step(Position p);
  [[nodiscard]] bool book_step_ahead(Position p);

  // Positions as one number, 0 (home) to total() (live): the bar's axis.
  [[nodiscard]] std::size_t total() const noexcept { return span(0) + span(1); }
  [[nodiscard]] std::size_t index(Position p) const noexcept {
    return (p[0] - lo_[0]) + (p[1] - lo_[1]);
  }
  [[nodiscard]] Position at_index(std::size_t k);

  // The shared time at `p`: the later of the two sides' last included
  // events, in seconds since each side's start.
  [[nodiscard]] double seconds(Position p) const;

private:
  // An event's place in the merged order: its time since its runtime opened
  // (display time), then the QueuePops of that runtime up to and including it.
  [[nodiscard]] std::uint64_t time(int s, std::size_t i) const;
  [[nodiscard]] std::uint64_t polls(int s, std::size_t i);
  [[nodiscard]] bool a_first(std::size_t i, std::size_t j); // A's event i before B's event j
  [[nodiscard]] std::size_t span(int s) const noexcept { return side_[s].count - lo_[s]; }
  [[nodiscard]] bool ends_in_book_step(int s, std::size_t pos); // pos > 0
  // The position right after side s's event i in the merged order.
  [[nodiscard]] Position just_after(int s, std::size_t i);

  std::array<CompareHistorySide, 2> side_;
  std::array<std::size_t, 2> lo_{0, 0};   // home: the opening event included
  std::array<std::uint64_t, 2> t0_{0, 0}; // each runtime's opening time
};

// Moves the view to `p` (live when `p` is live).
void compare_history_go(CompareHistoryState& h, const CompareTimeline& line,
                        CompareTimeline::Position p);

} // namespace pollscope::gui
