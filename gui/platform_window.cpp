#include "gui/platform_window.hpp"

#include <glad/gl.h> // before GLFW, which then brings no GL header of its own
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <imgui_impl_glfw.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace pollscope::gui {
namespace {

// GLFW reports failures through a callback, not return values: keep the last
// message so the failure we print says what actually went wrong.
std::string g_last_glfw_error;

void on_glfw_error(int code, const char* description) {
  g_last_glfw_error = description ? description : "unknown error";
  g_last_glfw_error += " (GLFW error " + std::to_string(code) + ")";
}

void print_no_display() {
  std::fprintf(stderr,
               "pollscope: cannot open a window: %s\n"
               "  No display is available. Either run without a window:\n"
               "    pollscope --headless [--scenario hello-world]\n"
               "  or give the app a virtual display:\n"
               "    xvfb-run -a -s \"-screen 0 1280x800x24\" pollscope\n",
               g_last_glfw_error.c_str());
}

// Key latch state (UI thread only: GLFW calls callbacks from glfwPollEvents).
struct HeldRelease {
  GLFWwindow* window;
  int key, scancode, mods;
};
std::vector<int> g_pressed_this_frame;
double g_last_input = -1e9;

void note_input() { g_last_input = glfwGetTime(); }
// Installed before the ImGui backend, which calls them ahead of its own work.
void on_mouse_button(GLFWwindow*, int, int, int) { note_input(); }
void on_scroll(GLFWwindow*, double, double) { note_input(); }
void on_char(GLFWwindow*, unsigned int) { note_input(); }
void on_cursor_pos(GLFWwindow*, double, double) { note_input(); }
void on_resize(GLFWwindow*, int, int) { note_input(); }
std::vector<HeldRelease> g_held_releases;

void latch_key_callback(GLFWwindow* window, int key, int scancode, int action, int mods) {
  note_input();
  if (action == GLFW_PRESS) g_pressed_this_frame.push_back(key);
  if (action == GLFW_RELEASE && std::find(g_pressed_this_frame.begin(), g_pressed_this_frame.end(),
                                          key) != g_pressed_this_frame.end()) {
    g_held_releases.push_back({window, key, scancode, mods});
    return;
  }
  ImGui_ImplGlfw_KeyCallback(window, key, scancode, action, mods);
}

} // namespace

void track_input(GLFWwindow* window) {
  glfwSetMouseButtonCallback(window, on_mouse_button);
  glfwSetScrollCallback(window, on_scroll);
  glfwSetCharCallback(window, on_char);
  glfwSetCursorPosCallback(window, on_cursor_pos);
  glfwSetFramebufferSizeCallback(window, on_resize);
}

double seconds_since_input() { return glfwGetTime() - g_last_input; }

void install_key_latch(GLFWwindow* window) { glfwSetKeyCallback(window, latch_key_callback); }

void release_latched_keys() {
  g_pressed_this_frame.clear();
  for (const HeldRelease& r : g_held_releases)
    ImGui_ImplGlfw_KeyCallback(r.window, r.key, r.scancode, GLFW_RELEASE, r.mods);
  g_held_releases.clear();
}

OpenedWindow open_window(const char* title, int width, int height) {
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) {
    print_no_display();
    return {nullptr, 2};
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  // HiDPI: grow the window by the monitor's content scale, so the layout
  // (which is scaled too) fits it.
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);

  // Never larger than the screen's work area (a 1280x800 Xvfb screen, a small
  // laptop): the default layout is computed from the size we actually get.
  if (GLFWmonitor* monitor = glfwGetPrimaryMonitor()) {
    int x = 0, y = 0, w = 0, h = 0;
    glfwGetMonitorWorkarea(monitor, &x, &y, &w, &h);
    float sx = 1, sy = 1;
    glfwGetMonitorContentScale(monitor, &sx, &sy);
    if (w > 0 && h > 0) {
      width = std::min(width, static_cast<int>(static_cast<float>(w) / std::max(sx, 1.0f)));
      height = std::min(height, static_cast<int>(static_cast<float>(h) / std::max(sy, 1.0f)));
    }
  }

  GLFWwindow* window = glfwCreateWindow(width, height, title, nullptr, nullptr);
  if (!window) {
    std::fprintf(
        stderr,
        "pollscope: cannot create an OpenGL 3.3 core window: %s\n"
        "  The app needs OpenGL 3.3 (Mesa's llvmpipe software renderer is enough:\n"
        "  apt-get install libgl1-mesa-dri). To run without a window: pollscope --headless\n",
        g_last_glfw_error.c_str());
    glfwTerminate();
    return {nullptr, 1};
  }
  glfwMakeContextCurrent(window);
  if (gladLoadGL(glfwGetProcAddress) == 0) {
    std::fprintf(stderr, "pollscope: could not load the OpenGL 3.3 functions (glad)\n");
    glfwDestroyWindow(window);
    glfwTerminate();
    return {nullptr, 1};
  }
  glfwSwapInterval(1);
  return {window, 0};
}

void close_window(GLFWwindow* window) {
  glfwDestroyWindow(window);
  glfwTerminate();
}

float content_scale(GLFWwindow* window) {
  float sx = 1, sy = 1;
  glfwGetWindowContentScale(window, &sx, &sy);
  const float s = std::max(sx, sy);
  return s > 0.5f && s < 8.0f ? s : 1.0f;
}

void window_origin(GLFWwindow* window, int& x, int& y) { glfwGetWindowPos(window, &x, &y); }

FramePacer::FramePacer(double fps, double idle_fps)
    : period_(1.0 / fps), idle_period_(1.0 / idle_fps) {}

bool FramePacer::wait(GLFWwindow* window, bool lively) {
  if (glfwGetWindowAttrib(window, GLFW_ICONIFIED)) {
    glfwWaitEventsTimeout(0.1);
    next_ = glfwGetTime();
    return false;
  }
  double now = glfwGetTime();
  if (!lively) {
    // Idle: the first input event (or the heartbeat) ends the wait.
    const double due = next_ - period_ + idle_period_;
    if (due > now)
      glfwWaitEventsTimeout(due - now);
    else
      glfwPollEvents();
    now = glfwGetTime();
  } else if (next_ <= now) {
    glfwPollEvents();
  } else {
    while (now < next_ && !glfwWindowShouldClose(window)) {
      glfwWaitEventsTimeout(next_ - now);
      now = glfwGetTime();
    }
  }
  // Late frames do not try to catch up: the next one is due a period later.
  next_ = std::max(next_ + period_, now);
  return true;
}

} // namespace pollscope::gui
