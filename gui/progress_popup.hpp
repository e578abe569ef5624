// The modal shown while the App's file work (open, save, export) runs on its
// ProgressJob: what it is doing, a progress bar with how far it got, and
// Cancel (or Escape). It draws the job's figures and nothing else.
//
// A job that ends within kProgressPopupDelay seconds (every small recording)
// never shows it, so a quick save does not flash a window.
#pragma once

#include "gui/progress_job.hpp"

namespace pollscope::gui {

inline constexpr double kProgressPopupDelay = 0.25;

// UI thread, once per frame while `job.running()`. `unit` names what
// done/total count ("events", "bytes"); `finishing` is what the bar says
// once done reached total but the work has not returned (an open then folds
// every event for the history bar, a save renames its file into place);
// `now` is ImGui's clock.
void draw_progress_popup(ProgressJob& job, const char* unit, const char* finishing, double now);

} // namespace pollscope::gui
