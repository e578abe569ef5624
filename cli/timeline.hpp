// The headless timeline: one line per event, as a live run prints it and as
// a replayed recording prints it again (cli/replay.cpp), so the two agree
// line for line.
#pragma once

#include "fold/state.hpp"
#include "runtime/event.hpp"
#include "runtime/string_table.hpp"

#include <cstdint>
#include <string_view>

namespace pollscope {

// The first line of a run: the scenario and the clock it ran on.
void print_timeline_header(std::string_view scenario, std::string_view clock);

// `shown_t`: the event's display time (record/display_time.hpp), so the
// timeline's times never go backwards; files keep the raw ones. `state`:
// the fold as of this event (the describer names tasks and timers from it).
void print_event(const Event& e, std::uint64_t shown_t, const StringTable& strings,
                 const fold::FoldState& state, bool quiet);

// --lint: every lint at the default thresholds. Returns 3 when any fired, else 0.
[[nodiscard]] int print_lints(const fold::FoldState& state, const StringTable& strings);

} // namespace pollscope
