#include "gui/theme.hpp"

#include <imgui.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace pollscope::gui {
namespace {

constexpr const char* kFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr const char* kBoldFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
constexpr float kFontPixels = 15.0f;

// Latin-1 plus the punctuation, arrows and shapes the panels use
// (en dash, ellipsis, arrows, check mark, triangles).
constexpr ImWchar kGlyphRanges[] = {0x0020, 0x00FF, 0x2010, 0x206F, 0x2190, 0x21FF,
                                    0x2500, 0x25FF, 0x2713, 0x2717, 0};

ImFont* g_bold = nullptr; // UI thread only, set once at startup

void set_colors() {
  ImGui::StyleColorsDark();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowRounding = 4.0f;
  s.FrameRounding = 3.0f;
  s.GrabRounding = 3.0f;
  s.TabRounding = 3.0f;
  s.WindowBorderSize = 1.0f;
  s.FramePadding = ImVec2(6, 3);
  s.ItemSpacing = ImVec2(7, 5);
  s.CellPadding = ImVec2(5, 2);
  ImVec4* c = s.Colors;
  c[ImGuiCol_WindowBg] = ImVec4(0.105f, 0.11f, 0.125f, 1.0f);
  c[ImGuiCol_TitleBg] = ImVec4(0.14f, 0.15f, 0.18f, 1.0f);
  c[ImGuiCol_TitleBgActive] = ImVec4(0.20f, 0.24f, 0.32f, 1.0f);
  c[ImGuiCol_Header] = ImVec4(0.26f, 0.36f, 0.52f, 0.55f);
  c[ImGuiCol_TableHeaderBg] = ImVec4(0.17f, 0.18f, 0.21f, 1.0f);
  c[ImGuiCol_TableRowBgAlt] = ImVec4(1.0f, 1.0f, 1.0f, 0.03f);
}

} // namespace

void apply_theme(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig cfg;
  cfg.OversampleH = 2; // crisper small text on llvmpipe at a small atlas cost
  ImFont* regular = nullptr;
  if (std::filesystem::exists(kFontPath))
    regular = io.Fonts->AddFontFromFileTTF(kFontPath, kFontPixels * scale, &cfg, kGlyphRanges);
  if (!regular) {
    ImFontConfig def;
    def.SizePixels = 13.0f * scale;
    regular = io.Fonts->AddFontDefault(&def);
  }
  g_bold = regular;
  if (std::filesystem::exists(kBoldFontPath))
    if (ImFont* b =
            io.Fonts->AddFontFromFileTTF(kBoldFontPath, kFontPixels * scale, &cfg, kGlyphRanges))
      g_bold = b;
  io.FontDefault = regular;

  set_colors();
  ImGui::GetStyle().ScaleAllSizes(scale);
}

ImFont* bold_font() {
  // Only if it belongs to the current context's atlas: a context made after
  // apply_theme (tests make several) has fonts of its own.
  if (g_bold && ImGui::GetIO().Fonts->Fonts.contains(g_bold)) return g_bold;
  return ImGui::GetFont();
}

std::string settings_path() {
  std::filesystem::path dir;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    dir = xdg;
  else if (const char* home = std::getenv("HOME"); home && *home)
    dir = std::filesystem::path(home) / ".config";
  else
    return {};
  dir /= "pollscope";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return {};
  return (dir / "imgui.ini").string();
}

} // namespace pollscope::gui
