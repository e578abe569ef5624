// The delivery gate's keys in the Timer threads panel (the policies issue,
// §3: "click a due timer, or use keys"), on the three-timers scenario run for
// real on the virtual clock with due wakes held: pressing 3, 1, 2 delivers
// timer 3, then 1, then 2, and Output prints them in that order.
#include "gui_test_support.hpp"

#include "gui/app.hpp"

#include <imgui.h>

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace pollscope::gui {
namespace {

// The app on three-timers, virtual clock, running with "hold due wakes" on
// (as the panel's checkbox does it: a reset with the gate on).
struct HeldThreeTimers {
  test::BareImGui imgui;
  std::optional<App> app;
  HeldThreeTimers() {
    CliOptions cli;
    cli.scenario = "three-timers";
    cli.clock = "virtual";
    cli.mode = "run";
    app.emplace(cli);
    ControllerOptions o = app->controller().options();
    o.hold_due_timers = true;
    o.initial_mode = ExecutorMode::Run;
    app->controller().reset(o);
    frame();
  }
  void frame() {
    imgui.frame([&] { app->draw(); });
  }
  // A key press as the app gets it: a frame with the key down, one with it up.
  void press(char key) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeysDown[static_cast<unsigned char>(key)] = true;
    frame();
    io.KeysDown[static_cast<unsigned char>(key)] = false;
    frame();
  }
  [[nodiscard]] const fold::FoldState& live() { return app->pump().latest().state; }
  // Until `done` holds for the live fold. The runtime's threads move on
  // their own; each round waits for the worker and the pump, never a sleep
  // standing in for them. The bound is a safety net for a broken build (a
  // sanitizer run on a busy machine stays far inside it), not a timing.
  template <class Done>
  bool wait_until(Done done) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < give_up) {
      app->controller().sync();
      app->pump().flush();
      if (done(live())) return true;
      std::this_thread::yield();
    }
    return false;
  }
  [[nodiscard]] std::vector<std::string> output() {
    std::vector<std::string> lines;
    for (const fold::OutputLine& l : live().output)
      lines.emplace_back(app->controller().strings().get(l.text));
    return lines;
  }
};

TEST_CASE("with due wakes held, keys 3, 1, 2 deliver three-timers' timers in that order and "
          "Output prints timer 3, then 1, then 2") {
  HeldThreeTimers h;
  // The three timers come due at the same instant and the gate holds all three.
  REQUIRE(h.wait_until([](const fold::FoldState& s) { return s.counters.held_timers == 3; }));
  h.frame(); // the panel shows them: "[1] deliver" .. "[3] deliver"
  CHECK(h.output().empty());

  // A key for no held timer delivers nothing.
  h.press('4');
  h.app->controller().sync();
  h.app->pump().flush();
  CHECK(h.live().counters.held_timers == 3);

  const std::vector<std::string> want = {"timer 3 done", "timer 1 done", "timer 2 done"};
  const char keys[] = {'3', '1', '2'};
  for (std::size_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    h.press(keys[i]);
    REQUIRE(h.wait_until([&](const fold::FoldState& s) { return s.output.size() == i + 1; }));
    CHECK(h.live().counters.held_timers == 2 - i);
    h.frame(); // the panel drops the delivered timer's button
  }
  CHECK(h.output() == want);
}

} // namespace
} // namespace pollscope::gui
