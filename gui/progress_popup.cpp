#include "gui/progress_popup.hpp"

#include "gui/widgets.hpp"

#include <imgui.h>

#include <cstdio>

namespace pollscope::gui {
namespace {

constexpr const char* kPopupId = "Working##progress";

// 480613 -> "480.6 k", for "of" figures that stay short.
void human(char* out, std::size_t size, std::uint64_t n) {
  if (n >= 1'000'000)
    std::snprintf(out, size, "%.1f M", static_cast<double>(n) / 1e6);
  else if (n >= 10'000)
    std::snprintf(out, size, "%.1f k", static_cast<double>(n) / 1e3);
  else
    std::snprintf(out, size, "%llu", static_cast<unsigned long long>(n));
}

} // namespace

void draw_progress_popup(ProgressJob& job, const char* unit, const char* finishing, double now) {
  if (!job.running()) return;
  if (now - job.started_at < kProgressPopupDelay && !ImGui::IsPopupOpen(kPopupId)) return;
  if (!ImGui::IsPopupOpen(kPopupId)) ImGui::OpenPopup(kPopupId);
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing,
                          ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(kPopupId, nullptr,
                              ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoTitleBar))
    return;
  ImGui::TextUnformatted(job.title().c_str());
  const float width = ImGui::GetFontSize() * 28;
  const std::uint64_t done = job.done(), total = job.total();
  char done_text[32], total_text[32], overlay[96];
  human(done_text, sizeof done_text, done);
  human(total_text, sizeof total_text, total);
  if (job.cancel_requested())
    std::snprintf(overlay, sizeof overlay, "cancelling...");
  else if (total > 0 && done >= total)
    std::snprintf(overlay, sizeof overlay, "%s", finishing);
  else
    std::snprintf(overlay, sizeof overlay, "%s of %s %s", done_text, total_text, unit);
  ImGui::ProgressBar(job.fraction(), ImVec2(width, 0), overlay);
  text_dim("The window stays live; Cancel leaves everything as it was.");
  if (job.cancel_requested()) {
    ImGui::BeginDisabled();
    ImGui::Button("Cancel");
    ImGui::EndDisabled();
  } else if (ImGui::Button("Cancel") ||
             ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
    job.cancel();
  }
  if (job.finished()) ImGui::CloseCurrentPopup(); // the App takes the result this frame
  ImGui::EndPopup();
}

} // namespace pollscope::gui
