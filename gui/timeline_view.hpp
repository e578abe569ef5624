// The Timeline panel's navigation and ruler: which stretch of time the panel
// shows, how the wheel, a drag and W/S/A/D move it, and where the ruler's
// ticks go. No ImGui here (tested headless); gui/timeline_panel.cpp reads the
// mouse and the keys and draws.
//
// Times are ns since the runtime on screen started (its RuntimeStarted), as
// doubles: a 10 h run is 3.6e13 ns, far inside a double's exact integers, and
// a sub-ns zoom needs fractions of a ns per pixel.
#pragma once

#include <cstdint>
#include <string>

namespace pollscope::gui {

// The horizontal mapping between time and pixels: pixel x (from the left edge
// of the plot) shows time `t0 + x * ns_per_px`.
struct TimeWindow {
  double t0 = 0;          // ns at the plot's left edge
  double ns_per_px = 1e6; // 1 ms a pixel until the first fit

  // The closest zoom: single events at ns scale (a pixel is a tenth of a ns).
  static constexpr double kMinNsPerPx = 0.1;
  // The farthest: a day across a 1,000 px plot, whatever the run's length.
  static constexpr double kMaxNsPerPx = 86'400e9 / 1000;

  [[nodiscard]] double x_of(double t) const noexcept { return (t - t0) / ns_per_px; }
  [[nodiscard]] double t_of(double x) const noexcept { return t0 + x * ns_per_px; }
  [[nodiscard]] double t1(double width_px) const noexcept { return t0 + width_px * ns_per_px; }

  // Zooms by `factor` (> 1 zooms in) keeping the time under pixel `x` where
  // it is, as Perfetto and Tracy do with the wheel and W/S.
  void zoom_at(double factor, double x) noexcept;
  // Moves the view `dx` pixels' worth of time to the right (a drag to the
  // left moves the view right: the caller passes -drag).
  void pan_px(double dx) noexcept { t0 += dx * ns_per_px; }
  // Shows [begin, end] across `width_px`, with a margin of `margin` (a
  // fraction of the span) either side so the ends are not hidden under the
  // border; a zero-length span shows 1 µs around it.
  void fit(double begin, double end, double width_px, double margin = 0.02) noexcept;
};

// One wheel notch zooms by this factor; W/S held zoom by kKeyZoomPerSecond.
inline constexpr double kWheelZoom = 1.25;
inline constexpr double kKeyZoomPerSecond = 8.0;
// A/D held pan this share of the visible width a second.
inline constexpr double kKeyPanPerSecond = 1.0;

// The ruler: a tick every `step` ns (1, 2 or 5 times a power of ten) so that
// ticks are at least `min_px` apart at `ns_per_px`.
[[nodiscard]] double ruler_step(double ns_per_px, double min_px) noexcept;

// A tick's label, e.g. "1.25 s", "340 ms", "12.5 µs", "7 ns": in the unit that
// `step` calls for, with as many decimals as the step needs to tell ticks apart.
[[nodiscard]] std::string format_tick(double t_ns, double step_ns);

// A duration for a tooltip or a slice label, at a precision a reader wants:
// "2.000 s", "12.3 ms", "4.56 µs", "870 ns".
[[nodiscard]] std::string format_duration(double ns);

} // namespace pollscope::gui
