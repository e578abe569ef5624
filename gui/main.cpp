// pollscope: the Rust async book's executor, rebuilt in C++20, shown live.
//
// main() reads top to bottom: parse the command line (maybe run headless),
// open the window, set up Dear ImGui, start the runtime and its fold pump,
// loop (snapshot, draw, render), then clean up in reverse order.
#include "cli/cli.hpp"
#include "cli/replay.hpp"
#include "gui/app.hpp"
#include "gui/platform_window.hpp"
#include "gui/screenshot.hpp"
#include "gui/theme.hpp"
#include "record/events_file.hpp"

#include <glad/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>

namespace {

// SIGINT / SIGTERM end the loop cleanly (the --events file is complete, the
// layout saved); the pacer wakes at least every frame to notice.
std::atomic<bool> g_quit{false};
extern "C" void on_signal(int) { g_quit.store(true); }

// For end-to-end tests: where the main buttons are, in screen pixels.
void print_ready_line(const pollscope::gui::App& app, GLFWwindow* window) {
  int wx = 0, wy = 0;
  pollscope::gui::window_origin(window, wx, wy);
  const pollscope::gui::ControlRects& r = app.control_rects();
  auto rect = [&](const ImVec4& v) {
    return std::to_string(wx + static_cast<int>(v.x)) + "," +
           std::to_string(wy + static_cast<int>(v.y)) + "," +
           std::to_string(static_cast<int>(v.z)) + "," + std::to_string(static_cast<int>(v.w));
  };
  std::printf("pollscope-ready spawn_timer=%s step=%s run=%s pause=%s reset=%s history=%s\n",
              rect(r.spawn_timer).c_str(), rect(r.step).c_str(), rect(r.run).c_str(),
              rect(r.pause).c_str(), rect(r.reset).c_str(), rect(app.history().bar_rect).c_str());
  std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
  using namespace pollscope;
  const CliParse parsed = parse_cli(argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const CliOptions& cli = parsed.options;
  if (cli.headless) return cli.open_path.empty() ? run_headless(cli) : replay_headless(cli);

  record::EventsFile events;
  if (std::string error; !cli.events_path.empty() && !events.open(cli.events_path, error)) {
    std::fprintf(stderr, "pollscope: %s\n", error.c_str());
    return 2;
  }

  // --record: the app's pump streams the runtime's events to it as they come.
  LiveRecording record;
  if (const RecordingStatus r = record.open(cli.record_path, live_recording_header(cli)); !r) {
    std::fprintf(stderr, "pollscope: %s\n", r.error.c_str());
    return 2;
  }
  // --open FILE / pollscope FILE.pscope: a bad file is refused before any window.
  std::unique_ptr<LoadedRecording> recording;
  if (!cli.open_path.empty()) {
    recording = std::make_unique<LoadedRecording>();
    if (const RecordingStatus s = load_whole_recording(cli.open_path, *recording); !s) {
      std::fprintf(stderr, "pollscope: %s\n", s.error.c_str());
      return 2;
    }
    if (!recording->info.notice.empty())
      std::fprintf(stderr, "pollscope: %s\n", recording->info.notice.c_str());
  }

  // 1. The window and its GL 3.3 context.
  const gui::OpenedWindow win = gui::open_window("pollscope", 1280, 800);
  if (!win.window) return win.exit_code;

  // 2. Dear ImGui. Screenshots use the default layout, not the user's saved one.
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  const bool screenshot = !cli.screenshot_path.empty();
  const std::string ini_path = screenshot ? std::string() : gui::settings_path();
  ImGui::GetIO().IniFilename = ini_path.empty() ? nullptr : ini_path.c_str();
  gui::apply_theme(gui::content_scale(win.window));
  gui::track_input(win.window); // before the backend, which chains to it
  ImGui_ImplGlfw_InitForOpenGL(win.window, true);
  gui::install_key_latch(win.window);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  // 3. The runtime, the pump, the panels; the frame loop.
  int exit_code = 0;
  {
    gui::App app(cli, &events, &record, std::move(recording));
    app.measure_peak_rss(true); // compare mode: each side again in a child of this binary
    std::string title = "pollscope";
    gui::FramePacer pacer;
    unsigned frame = 0;
    while (!glfwWindowShouldClose(win.window) && !g_quit.load()) {
      // Full rate while something moves or the user interacts (a tooltip
      // needs frames after the mouse stops); screenshots never idle.
      const bool lively = screenshot || app.animating() || gui::seconds_since_input() < 1.5;
      if (!pacer.wait(win.window, lively)) continue; // minimised: nothing to draw
      ImGui_ImplOpenGL3_NewFrame();
      ImGui_ImplGlfw_NewFrame();
      ImGui::NewFrame();
      app.draw();
      if (std::string t = app.window_title(); t != title) { // a recording opened or closed
        title = std::move(t);
        glfwSetWindowTitle(win.window, title.c_str());
      }
      if (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed('Q', false))
        glfwSetWindowShouldClose(win.window, 1);
      ImGui::Render();
      // Between frames, never inside one: this frame saw the taps as presses,
      // the next one sees them released. (Inside a frame a modifier's release
      // would change io.KeyCtrl/KeyShift mid-frame and trip ImGui's KeyMods
      // assert in a text field.)
      gui::release_latched_keys();

      int fb_w = 0, fb_h = 0;
      glfwGetFramebufferSize(win.window, &fb_w, &fb_h);
      glViewport(0, 0, fb_w, fb_h);
      // The panels' background colour: a panel that overlaps nothing draws none.
      const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
      glClearColor(bg.x, bg.y, bg.z, 1.0f);
      glClear(GL_COLOR_BUFFER_BIT);
      ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
      ++frame;
      // Frame 2: every panel has been laid out once, so the rectangles are real.
      if (cli.print_ready && frame == 2) print_ready_line(app, win.window);
      if (screenshot && frame >= std::max(cli.frames, 2u)) {
        exit_code = gui::write_screenshot(cli.screenshot_path, fb_w, fb_h) ? 0 : 1;
        break;
      }
      glfwSwapBuffers(win.window);
    }
    app.end_live_recording(); // --record: the quit's teardown is not part of the run
    // Quit never waits for a wedged runtime (see Controller::shutdown); say
    // what was left behind, then let the process exit around it.
    const Controller::ShutdownReport left = app.controller().shutdown();
    if (left.abandoned_runtimes > 0) {
      std::fprintf(stderr,
                   "pollscope: quit leaving %u runtime%s behind: %llu executor thread%s stuck "
                   "inside a poll\n",
                   left.abandoned_runtimes, left.abandoned_runtimes == 1 ? "" : "s",
                   static_cast<unsigned long long>(left.polls_in_progress),
                   left.polls_in_progress == 1 ? "" : "s");
    }
  }

  // The App (and its pump, the files' writer) is gone: close the recording
  // with its footer, and report a failed write.
  if (const RecordingStatus r = record.finish(); !r) {
    std::fprintf(stderr, "pollscope: --record: %s\n", r.error.c_str());
    if (exit_code == 0) exit_code = 1;
  }
  if (events.failed()) {
    std::fprintf(stderr, "pollscope: --events: %s\n", events.error().c_str());
    if (exit_code == 0) exit_code = 1;
  }

  // 4. Cleanup, in reverse order of setup.
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  gui::close_window(win.window);
  return exit_code;
}
