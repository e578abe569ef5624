// The desktop window: GLFW, an OpenGL 3.3 core context loaded by glad, and a
// frame pacer. Everything here touches the display; nothing else in gui/ does
// (the panels draw on any ImGui context).
#pragma once

struct GLFWwindow;

namespace pollscope::gui {

struct OpenedWindow {
  GLFWwindow* window = nullptr; // nullptr: could not open; see exit_code
  int exit_code = 0;            // 2: no display, 1: no usable OpenGL 3.3
};

// Initialises GLFW and opens the main window with a current GL 3.3 core
// context. On failure prints what went wrong and what to do instead (for no
// display: `--headless` or `xvfb-run`) and returns a null window.
[[nodiscard]] OpenedWindow open_window(const char* title, int width, int height);

// Destroys the window and terminates GLFW.
void close_window(GLFWwindow* window);

// The monitor's content scale for this window (1 on a standard display, 2 on
// a typical HiDPI one).
[[nodiscard]] float content_scale(GLFWwindow* window);

// The window's top-left corner in screen pixels (for the --print-ready line).
void window_origin(GLFWwindow* window, int& x, int& y);

// Notes the time of every input event (mouse, wheel, keys, text), so the
// loop can draw at full rate while the user interacts and idle otherwise.
// Call before ImGui_ImplGlfw_InitForOpenGL, which chains to these callbacks.
void track_input(GLFWwindow* window);
[[nodiscard]] double seconds_since_input();

// Dear ImGui 1.86's GLFW backend keeps only key *state*: a key pressed and
// released between two frames (a quick tap, xdotool) is never seen as
// pressed. Call after ImGui_ImplGlfw_InitForOpenGL: it wraps the backend's
// key callback so such a release is held back until the frame after the
// press. Call `release_latched_keys` between frames (after ImGui::Render,
// before the next NewFrame), never inside one.
void install_key_latch(GLFWwindow* window);
void release_latched_keys();

// Paces the loop. Lively (something moves on screen, or the user is
// interacting): ~60 frames a second, waiting for input events until the next
// frame is due. Idle: a frame on any input event, else 4 a second, so the
// software renderer does not take a core from the executor on a 2-core
// machine for a picture that does not change. Swap intervals alone cannot do
// this, and Xvfb has no vsync at all.
class FramePacer {
public:
  explicit FramePacer(double fps = 60.0, double idle_fps = 4.0);
  // Processes window events and returns when the next frame is due: true to
  // draw it, false while the window is minimised (nothing is drawn then; the
  // fold pump keeps draining the log on its own thread).
  [[nodiscard]] bool wait(GLFWwindow* window, bool lively);

private:
  double period_;
  double idle_period_;
  double next_ = 0;
};

} // namespace pollscope::gui
