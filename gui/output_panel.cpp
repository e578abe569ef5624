// Output: what the tasks printed (the book's "Hello" and "World"), with the
// runtime time and the task that printed each line.
#include "gui/layout.hpp"
#include "gui/panels.hpp"
#include "gui/widgets.hpp"

#include "fold/describe.hpp"

#include <imgui.h>

#include <cstdio>

namespace pollscope::gui {

void draw_output(const FrameView& view, OutputPanelState& st, bool* p_open) {
  if (!begin_panel(title::kOutput, p_open)) {
    ImGui::End();
    return;
  }
  const auto& lines = view.state.output;
  ImGui::Text("%zu line%s printed", lines.size(), lines.size() == 1 ? "" : "s");
  tooltip_for_last_item(
      "What the tasks printed, like the book's println!. The time is the runtime clock's.");
  if (lines.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    // Any scenario may be loaded: say what prints, not which scenario runs.
    text_dim("Nothing printed yet. Tasks print when they are polled (the book's println!): "
             "hello-world prints Hello on its first poll, a timer task a line when it is done.");
    ImGui::PopTextWrapPos();
    ImGui::End();
    return;
  }
  ImGui::BeginChild("lines", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  const std::uint64_t t0 = view.state.started_t;
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(lines.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const fold::OutputLine& l = lines[static_cast<std::size_t>(i)];
      char prefix[48];
      std::snprintf(prefix, sizeof prefix, "%9.3f s  #%u", double(l.t > t0 ? l.t - t0 : 0) / 1e9,
                    l.task);
      text_dim(prefix);
      ImGui::SameLine();
      text(view.strings.get(l.text));
    }
  }
  // Follow the newest line while the view is at the bottom; scrolling up
  // pauses that (ScrollMaxY is still last frame's, so new lines pull it down).
  st.follow = ImGui::GetScrollY() >= ImGui::GetScrollMaxY();
  if (st.follow) ImGui::SetScrollHereY(1.0f);
  ImGui::EndChild();
  ImGui::End();
}

} // namespace pollscope::gui
