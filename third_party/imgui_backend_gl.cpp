// Compiles Dear ImGui's OpenGL3 backend against our glad loader instead of
// imgui's embedded one: glad must be included first, and
// IMGUI_IMPL_OPENGL_LOADER_CUSTOM (set in CMake) tells the backend not to
// bring its own.
#include <glad/gl.h>
#include <imgui_impl_opengl3.cpp>
