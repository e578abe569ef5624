// Compare mode's history bar and its keys: the single view's
// (gui/history_bar.hpp), over both sides' runs at once. The bar sits above
// the two sides and spans the merged record (gui/compare_history.hpp); both
// sides show the moment it stands at, and while the user looks back both
// runtimes go on. The same keys as the single view. UI thread only.
#pragma once

#include "gui/compare_history.hpp"

namespace pollscope::gui {

// Left/Right (one event of either side), Shift+Left/Right (one book step of
// either side), Home/End, unless a text field has the keyboard. True if the
// position changed.
bool handle_compare_history_keys(CompareHistoryState& h, CompareTimeline& line);

// The bar, where it stands, the "viewing the past" notice and the Live
// button, one line across the window. True if the user moved it.
bool draw_compare_history_bar(CompareHistoryState& h, CompareTimeline& line);

} // namespace pollscope::gui
