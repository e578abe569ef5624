#include "gui/timeline_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace pollscope::gui {

void TimeWindow::zoom_at(double factor, double x) noexcept {
  if (!(factor > 0) || !std::isfinite(factor)) return;
  const double t = t_of(x);
  ns_per_px = std::clamp(ns_per_px / factor, kMinNsPerPx, kMaxNsPerPx);
  t0 = t - x * ns_per_px;
}

void TimeWindow::fit(double begin, double end, double width_px, double margin) noexcept {
  if (width_px < 1) width_px = 1;
  if (end < begin) std::swap(begin, end);
  double span = end - begin;
  if (span <= 0) {
    begin -= 500;
    span = 1000;
  }
  const double pad = span * margin;
  ns_per_px = std::clamp((span + 2 * pad) / width_px, kMinNsPerPx, kMaxNsPerPx);
  // Centred: a span narrower than the closest zoom sits in the middle.
  t0 = begin + span / 2 - width_px * ns_per_px / 2;
}

double ruler_step(double ns_per_px, double min_px) noexcept {
  const double want = std::max(ns_per_px * std::max(min_px, 1.0), 1e-3);
  double step = std::pow(10.0, std::floor(std::log10(want)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (step * m >= want) return step * m;
  }
  return step * 10;
}

namespace {

struct Unit {
  double ns;
  const char* name;
};

// The unit a value of about `magnitude` ns reads best in.
Unit unit_for(double magnitude) {
  magnitude = std::fabs(magnitude);
  if (magnitude >= 1e9) return {1e9, "s"};
  if (magnitude >= 1e6) return {1e6, "ms"};
  if (magnitude >= 1e3) return {1e3, "\xC2\xB5s"}; // µs, in the UI font
  return {1, "ns"};
}

} // namespace

std::string format_tick(double t_ns, double step_ns) {
  if (std::fabs(t_ns) < step_ns * 1e-6) t_ns = 0; // no "-0 ms" from rounding
  // The unit of the tick itself (1.5 s, not 1500 ms), or of the step at 0;
  // as many decimals as the step needs, so neighbouring ticks differ (deep
  // in a 2 s run at ns scale: "2.000000124 s").
  const Unit u = unit_for(std::max(std::fabs(t_ns), std::max(step_ns, 1.0)));
  const double in_unit = step_ns / u.ns;
  int decimals = 0;
  for (; decimals < 9; ++decimals) {
    const double x = in_unit * std::pow(10.0, decimals);
    if (std::round(x) != 0 && std::fabs(x - std::round(x)) <= 1e-6 * x) break;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f %s", decimals, t_ns / u.ns, u.name);
  return buf;
}

std::string format_duration(double ns) {
  const Unit u = unit_for(ns);
  const double v = ns / u.ns;
  char buf[64];
  if (u.ns == 1)
    std::snprintf(buf, sizeof buf, "%.0f ns", v);
  else if (u.ns == 1e9)
    std::snprintf(buf, sizeof buf, "%.3f s", v);
  else
    std::snprintf(buf, sizeof buf,
                  v >= 100  ? "%.0f %s"
                  : v >= 10 ? "%.1f %s"
                            : "%.2f %s",
                  v, u.name);
  return buf;
}

} // namespace pollscope::gui
