// Look and feel: the font, the HiDPI scale, the colours, and where the
// window layout is saved.
#pragma once

#include <string>

struct ImFont;

namespace pollscope::gui {

// Loads the UI font at `scale` (DejaVu Sans from fonts-dejavu-core when
// installed, Dear ImGui's built-in font otherwise; `bold` is a heavier face
// for headings, or the same font) and scales every style size by `scale`.
// Call once, after ImGui::CreateContext and before the first frame.
void apply_theme(float scale);

// The bold font loaded by apply_theme (the default font if none).
ImFont* bold_font();

// Where Dear ImGui keeps the window layout: $XDG_CONFIG_HOME/pollscope/imgui.ini
// or ~/.config/pollscope/imgui.ini, its directory created. Empty when neither
// variable is set or the directory cannot be made: then nothing is saved
// (never the working directory).
[[nodiscard]] std::string settings_path();

} // namespace pollscope::gui
