// The rows of compare mode's metrics table: each metric of A and of B as
// shown, how B compares with A, whether they differ, and what the row counts
// and why it differs between policies (its hover help). A pure function of
// the two sides' fold::RunMetrics and peak-RSS measurements: no ImGui, so
// the table's content is tested headless.
#pragma once

#include "fold/metrics.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace pollscope::gui {

// One side's peak RSS as compare mode knows it.
struct RssCell {
  enum class State {
    Off,       // not measured (tests, or no scenario to run)
    Measuring, // the child runs
    Measured,  // kib holds it
    Failed,    // error says why
  };
  State state = State::Off;
  std::uint64_t kib = 0;
  std::string error;
  std::uint64_t elapsed_ns = 0; // the child's run() on the steady clock (wall time)
};

struct MetricRow {
  std::string name;
  std::string a, b;   // the values as shown ("-" for none)
  std::string change; // B against A: "same", "x0.25", "+3", ...
  bool differ = false;
  std::string help;           // what it counts, and why it differs between policies
  std::string a_note, b_note; // hover on a value: a measurement's error
};

[[nodiscard]] std::vector<MetricRow> metric_rows(const fold::RunMetrics& a,
                                                 const fold::RunMetrics& b, const RssCell& a_rss,
                                                 const RssCell& b_rss);

} // namespace pollscope::gui
