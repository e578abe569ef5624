// The Histograms panel: what tokio-console users rely on. Poll durations
// (every poll, and the selected task's), scheduled delay (queued -> polled)
// and timer lateness (fired - deadline), at the history cursor, from the
// timeline model's histograms (fold/histogram.hpp: four buckets per power of
// two, so the x axis is already logarithmic in time).
//
// Clicking a bar asks the model for that bucket's samples (once, on the
// click) and hands their spans to the Timeline, which outlines them.
#include "gui/layout.hpp"
#include "gui/panels.hpp"
#include "gui/widgets.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>

namespace pollscope::gui {
namespace {

// The charts, in order; the selected task's poll durations are chart 3.
constexpr int kTaskPolls = 3;

struct Chart {
  int id;
  fold::Metric metric;
  const char* title;
  const char* unit; // what a sample is, plural
  const char* help;
};

constexpr Chart kCharts[] = {
    {0, fold::Metric::PollDuration, "Poll duration", "polls",
     "How long each poll took (PollBegin to PollEnd): the time the executor could do nothing "
     "else. A long tail means some task blocks the executor."},
    {kTaskPolls, fold::Metric::PollDuration, "Poll duration, selected task", "polls",
     "The same for the selected task only."},
    {1, fold::Metric::ScheduledDelay, "Scheduled delay", "polls",
     "From the QueuePush that queued a task (a wake, or its spawn) to the poll it led to: how "
     "long a woken task waits its turn in the run queue."},
    {2, fold::Metric::TimerLateness, "Timer lateness", "timers",
     "How long after its deadline each timer fired (0 when on time): with one OS thread per "
     "TimerFuture, many timers make each other late."},
};

std::string range_label(std::size_t k) {
  const std::uint64_t lo = fold::Histogram::lower(k), hi = fold::Histogram::upper(k);
  if (hi - lo <= 1) return format_duration(static_cast<double>(lo));
  return format_duration(static_cast<double>(lo)) + " to " +
         format_duration(static_cast<double>(hi - 1));
}

// Outlines bucket k's samples on the timeline (sorted by begin time, as the
// timeline looks them up).
void select_bucket(const fold::Timeline& tl, const Chart& c, std::size_t k, std::uint64_t upto,
                   std::optional<fold::TaskKey> task, HistogramsState& st, TimelineState& tls) {
  std::vector<fold::SampleRef> samples;
  tl.in_bucket(c.metric, k, upto, task, samples);
  std::vector<std::pair<std::uint64_t, fold::SpanRef>> spans;
  spans.reserve(samples.size());
  for (const fold::SampleRef& s : samples)
    if (s.span.index != fold::kNoIndex) spans.emplace_back(tl.span(s.span).begin_t, s.span);
  std::sort(spans.begin(), spans.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  tls.highlight.clear();
  tls.highlight_t.clear();
  for (const auto& [t, ref] : spans) {
    tls.highlight_t.push_back(t);
    tls.highlight.push_back(ref);
  }
  st.metric = c.id;
  st.bucket = k;
  st.selected = samples.size();
  std::string unit = c.unit;
  if (samples.size() == 1) unit.pop_back(); // "1 poll"
  tls.highlight_what =
      std::to_string(samples.size()) + " " + unit + " of " + range_label(k) + " (" + c.title + ")";
}

void draw_chart(const Chart& c, const fold::Histogram& h, const fold::Timeline& tl,
                std::uint64_t upto, std::optional<fold::TaskKey> task, HistogramsState& st,
                TimelineState& tls) {
  ImGui::PushID(c.id);
  ImGui::TextUnformatted(c.title);
  ImGui::SameLine();
  help_marker(c.help);
  ImGui::SameLine();
  if (h.total == 0) {
    text_dim("no samples yet");
    ImGui::PopID();
    return;
  }
  ImGui::TextDisabled("%llu %s", static_cast<unsigned long long>(h.total), c.unit);
  ImGui::TextDisabled("p50 %s   p90 %s   p99 %s",
                      format_duration(static_cast<double>(h.p50())).c_str(),
                      format_duration(static_cast<double>(h.p90())).c_str(),
                      format_duration(static_cast<double>(h.p99())).c_str());
  const std::size_t first = h.first_bucket(), end = std::max(h.end_bucket(), first + 1);
  const float font = ImGui::GetFontSize();
  const float w = std::max(50.0f, ImGui::GetContentRegionAvail().x);
  const float chart_h = font * 4.5f;
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##bars", ImVec2(w, chart_h));
  const bool hovered = ImGui::IsItemHovered();
  const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + chart_h),
                    u32(with_alpha(ImGui::GetStyle().Colors[ImGuiCol_FrameBg], 0.6f)));
  const std::size_t n = end - first;
  const float bw = w / static_cast<float>(n);
  std::uint64_t top = 1;
  for (std::size_t k = first; k < end; ++k) top = std::max(top, h.counts[k]);
  auto height = [&](std::uint64_t count) {
    if (count == 0) return 0.0f;
    const double f =
        st.log_scale ? std::log1p(static_cast<double>(count)) / std::log1p(static_cast<double>(top))
                     : static_cast<double>(count) / static_cast<double>(top);
    return std::max(2.0f, static_cast<float>(f) * (chart_h - 2));
  };
  const std::size_t mouse_k =
      hovered ? first + std::min(n - 1, static_cast<std::size_t>(
                                            std::max(0.0f, (ImGui::GetIO().MousePos.x - p.x) / bw)))
              : SIZE_MAX;
  for (std::size_t k = first; k < end; ++k) {
    const float x0 = p.x + static_cast<float>(k - first) * bw;
    const bool chosen = st.metric == c.id && st.bucket == k;
    const ImVec4 col = chosen ? kAccent
                              : (k == mouse_k ? ImVec4(0.55f, 0.75f, 1.0f, 1.0f)
                                              : ImVec4(0.35f, 0.60f, 0.85f, 0.9f));
    dl->AddRectFilled(ImVec2(x0 + (bw > 3 ? 1.0f : 0.0f), p.y + chart_h - height(h.counts[k])),
                      ImVec2(x0 + bw, p.y + chart_h), u32(col));
  }
  // p50 / p90 / p99 where their buckets are.
  const std::uint64_t ps[] = {h.p50(), h.p90(), h.p99()};
  const char* names[] = {"p50", "p90", "p99"};
  for (int i = 0; i < 3; ++i) {
    const std::size_t k = fold::Histogram::bucket_of(ps[i]);
    if (k < first || k >= end) continue;
    const float x = p.x + (static_cast<float>(k - first) + 0.5f) * bw;
    dl->AddLine(ImVec2(x, p.y), ImVec2(x, p.y + chart_h), u32(with_alpha(kWarnText, 0.8f)));
    dl->AddText(ImVec2(x + 2, p.y + static_cast<float>(i) * font * 0.9f), u32(kWarnText), names[i]);
  }
  // The axis: its two ends.
  const std::string lo = format_duration(static_cast<double>(fold::Histogram::lower(first)));
  const std::string hi =
      format_duration(static_cast<double>(std::min(h.max, fold::Histogram::upper(end - 1) - 1)));
  text_dim(lo);
  ImGui::SameLine(std::max(0.0f, w - ImGui::CalcTextSize(hi.c_str()).x));
  text_dim(hi);
  if (mouse_k != SIZE_MAX) {
    ImGui::SetTooltip("%llu %s of %s\nclick: outline them on the timeline",
                      static_cast<unsigned long long>(h.counts[mouse_k]), c.unit,
                      range_label(mouse_k).c_str());
    if (clicked && h.counts[mouse_k] > 0) select_bucket(tl, c, mouse_k, upto, task, st, tls);
  }
  ImGui::PopID();
}

} // namespace

void draw_histograms(const FrameView& view, const fold::Timeline& tl, HistogramsState& st,
                     TimelineState& timeline, Selection& sel, bool* p_open) {
  if (!begin_panel(title::kHistograms, p_open)) {
    ImGui::End();
    return;
  }
  const std::uint64_t upto = view.events.count;
  ImGui::Checkbox("log scale", &st.log_scale);
  tooltip_for_last_item("Bar heights on a log scale, so that a few slow polls still show "
                        "beside thousands of fast ones.");
  ImGui::SameLine();
  text_dim("at the moment shown; click a bar to outline its polls or timers on the Timeline");
  const std::optional<fold::TaskKey> task =
      sel.task != 0 ? tl.find_task(sel.task, upto) : std::nullopt;
  for (const Chart& c : kCharts) {
    ImGui::Separator();
    if (c.id == kTaskPolls) {
      if (!task) {
        ImGui::TextUnformatted(c.title);
        ImGui::SameLine();
        text_dim("select a task (click it anywhere)");
        continue;
      }
      draw_chart(c, tl.task_histogram(c.metric, *task, upto), tl, upto, task, st, timeline);
    } else {
      draw_chart(c, tl.histogram(c.metric, upto), tl, upto, std::nullopt, st, timeline);
    }
  }
  ImGui::End();
}

} // namespace pollscope::gui
