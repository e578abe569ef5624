// Compiles Dear ImGui's GLFW backend from libimgui-dev's examples folder.
#include <imgui_impl_glfw.cpp>
