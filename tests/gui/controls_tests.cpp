// The controls' commands: spawning never blocks and a full queue is said on
// screen; the scenario picker's entries; the default layout fits the window.
#include "gui_test_support.hpp"

#include "gui/commands.hpp"
#include "gui/layout.hpp"
#include "runtime/controller.hpp"
#include "runtime/scenarios.hpp"

#include <doctest/doctest.h>

#include <chrono>

namespace pollscope::gui {
namespace {

TEST_CASE("spawning into a full queue returns at once and says so in the status line") {
  test::BareImGui imgui; // the status line is stamped with ImGui's clock
  ControllerOptions opts;
  opts.scenario = "";
  opts.queue_capacity = 2;
  Controller controller(opts); // step mode: nothing is popped
  ControlsState st;
  cmd_spawn_timer(controller, st);
  cmd_spawn_timer(controller, st);
  CHECK_FALSE(st.status_is_error);
  const auto t0 = std::chrono::steady_clock::now();
  cmd_spawn_timer(controller, st);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(500));
  CHECK(st.status_is_error);
  CHECK(st.status.find("full") != std::string::npos);
  cmd_spawn_timers(controller, st);
  CHECK(st.status_is_error);
}

TEST_CASE("the scenario picker lists hello-world first and ends with an empty runtime") {
  REQUIRE(scenario_choices() == static_cast<int>(scenarios().size()) + 1);
  CHECK(scenario_name(0) == "hello-world");
  CHECK(scenario_name(scenario_choices() - 1).empty());
  CHECK(scenario_index("hello-world") == 0);
  CHECK(scenario_index("") == scenario_choices() - 1);
  CHECK(scenario_index("no-such-scenario") == 0);
  for (int i = 0; i < scenario_choices(); ++i) CHECK(!scenario_summary(i).empty());
}

TEST_CASE(
    "the default layout puts every panel inside the window, below the menu bar, without overlaps") {
  const char* titles[] = {title::kDiagram, title::kControls, title::kRunQueue, title::kTasks,
                          title::kWakers,  title::kTimers,   title::kEventLog, title::kOutput};
  for (ImVec2 display : {ImVec2(1280, 800), ImVec2(2560, 1600), ImVec2(1024, 700)}) {
    const float top = 20;
    for (const char* a : titles) {
      const PanelRect r = default_rect(a, display, top);
      CHECK(r.pos.x >= 0);
      CHECK(r.pos.y >= top);
      CHECK(r.pos.x + r.size.x <= display.x + 0.5f);
      CHECK(r.pos.y + r.size.y <= display.y + 0.5f);
      for (const char* b : titles) {
        if (a == b) continue;
        const PanelRect q = default_rect(b, display, top);
        const bool apart =
            r.pos.x + r.size.x <= q.pos.x + 0.5f || q.pos.x + q.size.x <= r.pos.x + 0.5f ||
            r.pos.y + r.size.y <= q.pos.y + 0.5f || q.pos.y + q.size.y <= r.pos.y + 0.5f;
        CHECK_MESSAGE(apart, a << " overlaps " << b);
      }
    }
  }
}

} // namespace
} // namespace pollscope::gui

TEST_CASE("picking a scenario whose file sets a default count takes that count, and picking the "
          "same scenario again keeps the count the user had") {
  pollscope::ControllerOptions o;
  o.scenario = "hello-world";
  o.params.count = 25;
  pollscope::gui::pick_scenario(o, "random-timers"); // no default count: the user's stays
  CHECK(o.scenario == "random-timers");
  CHECK(o.params.count == 25);
  pollscope::gui::pick_scenario(o, "lesson-10000-timers");
  CHECK(o.scenario == "lesson-10000-timers");
  CHECK(o.params.count == 10000);
  o.params.count = 300; // the user's own, later
  pollscope::gui::pick_scenario(o, "lesson-10000-timers");
  CHECK(o.params.count == 300);
}
