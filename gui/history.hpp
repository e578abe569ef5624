// History navigation: where the arrow keys and the history bar take the
// cursor. No ImGui here (tested headless); gui/history_bar.cpp draws the bar
// and reads the keys.
//
// Positions are event counts: position i shows the fold of the store's first
// i events (record/cursor.hpp), `count` is the newest count the pump
// published, and position `count` is live.
#pragma once

#include "fold/state.hpp"
#include "record/checkpoints.hpp"
#include "record/event_store.hpp"

#include <cstddef>

namespace pollscope::gui {

// Whether the event between `before` and `after` advances a book step: some
// task takes one of the book's nine steps for the first time. The fold
// decides that (fold/state.hpp §4b) and counts it in `book.advances`, which
// only ever grows, so a change of the counter is the one sign of a step.
[[nodiscard]] bool is_book_step(const fold::FoldState& before, const fold::FoldState& after);

// The next position after `from` that ends in a book step (the event just
// before it is one), or `count` when none comes before it. Looks at most
// `limit` events ahead (and returns `from + limit` when it finds none there).
[[nodiscard]] std::size_t next_book_step(const record::EventStore& store,
                                         const record::Checkpoints& checkpoints, std::size_t from,
                                         std::size_t count, std::size_t limit = 1'000'000);

// Whether some position in from+1 .. count ends in a book step: Step shows it
// rather than polling. Two seeks, however far apart.
[[nodiscard]] bool book_step_ahead(const record::EventStore& store,
                                   const record::Checkpoints& checkpoints, std::size_t from,
                                   std::size_t count);

// The last position before `from` that ends in a book step, or 0.
[[nodiscard]] std::size_t previous_book_step(const record::EventStore& store,
                                             const record::Checkpoints& checkpoints,
                                             std::size_t from, std::size_t count,
                                             std::size_t limit = 1'000'000);

} // namespace pollscope::gui
