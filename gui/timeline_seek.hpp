// Where a click on the Timeline takes the history cursor: the moment at a
// time is every event shown at or before it. No ImGui here (tested headless).
#pragma once

#include "record/event_store.hpp"

#include <cstddef>
#include <cstdint>

namespace pollscope::gui {

// The history position (an event count, gui/history.hpp) that shows the
// moment at display time `t` (absolute ns, record::EventStore::display_time)
// in the runtime whose events are [begin, count): one past the last event
// shown at or before `t`, and never before the runtime's first event (its
// RuntimeStarted), so a click left of the run still shows this runtime.
// Display times never go backwards within a runtime, so this is a binary
// search: ~24 lookups of at most EventStore::kDisplayChunk events each for
// 10M events.
[[nodiscard]] std::size_t position_at_time(const record::EventStore& store, std::size_t begin,
                                           std::size_t count, std::uint64_t t);

} // namespace pollscope::gui
