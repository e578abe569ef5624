// The app with a recording: a live run saved from the App opens again in
// it through a file-mode pump, with the same history and no runtime behind
// it (every command refuses), and a bad file changes nothing.
#include "common/scratch_dir.hpp"
#include "gui_test_support.hpp"

#include "gui/app.hpp"
#include "gui/history_bar.hpp"
#include "record/cursor.hpp"
#include "record/recording_file.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <unistd.h>

namespace pollscope::gui {
namespace {

using pollscope::test::Scratch;

// hello-world on the virtual clock, running: it finishes at once.
CliOptions finished_run() {
  CliOptions cli;
  cli.clock = "virtual";
  cli.mode = "run";
  return cli;
}

void run_to_end(App& app, test::BareImGui& imgui) {
  for (int i = 0; i < 2000 && app.pump().latest().state.executor.total_polls < 2; ++i) {
    app.controller().sync();
    app.pump().flush();
  }
  app.pump().flush();
  imgui.frame([&] { app.draw(); });
}

} // namespace

TEST_CASE("a run saved from the app opens again as a recording that shows the same moments") {
  test::BareImGui imgui;
  Scratch scratch;
  App app(finished_run());
  run_to_end(app, imgui);
  const std::size_t live_count = app.pump().latest().events.count;
  REQUIRE(app.pump().latest().state.executor.total_polls == 2);
  const std::string path = scratch / "hello.pscope";
  REQUIRE(app.save_recording_to(path).ok());
  CHECK_FALSE(app.showing_recording());
  CHECK(app.window_title() == "pollscope");

  REQUIRE(app.open_recording(path).ok());
  imgui.frame([&] { app.draw(); });
  CHECK(app.showing_recording());
  CHECK(app.window_title().find("hello.pscope") != std::string::npos);
  const record::Snapshot& snap = app.pump().latest();
  CHECK(snap.events.count == live_count);
  CHECK(snap.state.executor.total_polls == 2);
  CHECK(app.history().live);

  // The history walks the recording as it walks a live run: Home goes to
  // the start, Right moves one event.
  ImGuiIO& io = ImGui::GetIO();
  io.KeyMap[ImGuiKey_Home] = 268;
  io.KeyMap[ImGuiKey_RightArrow] = 262;
  io.KeysDown[268] = true;
  imgui.frame([&] { app.draw(); });
  io.KeysDown[268] = false;
  imgui.frame([&] { app.draw(); });
  CHECK(history_position(app.history(), live_count) == 0);
  io.KeysDown[262] = true;
  imgui.frame([&] { app.draw(); });
  io.KeysDown[262] = false;
  imgui.frame([&] { app.draw(); });
  CHECK(history_position(app.history(), live_count) == 1);
}

TEST_CASE("every moment of an opened recording folds to the state the live run had there") {
  test::BareImGui imgui;
  Scratch scratch;
  CliOptions cli = finished_run();
  cli.scenario = "random-timers"; // ten timers
  App live(cli);
  for (int i = 0; i < 4000 && live.pump().latest().state.executor.total_polls < 20; ++i) {
    live.controller().sync();
    live.pump().flush();
  }
  imgui.frame([&] { live.draw(); });
  const std::size_t n = live.pump().latest().events.count;
  REQUIRE(live.pump().latest().state.executor.total_polls == 20);
  const std::string path = scratch / "timers.pscope";
  REQUIRE(live.save_recording_to(path).ok());

  auto loaded = std::make_unique<LoadedRecording>();
  REQUIRE(load_whole_recording(path, *loaded).ok());
  App opened(CliOptions{}, nullptr, nullptr, std::move(loaded));
  imgui.frame([&] { opened.draw(); });
  REQUIRE(opened.pump().latest().events.count == n);
  record::Cursor a(live.pump().store(), live.pump().checkpoints());
  record::Cursor b(opened.pump().store(), opened.pump().checkpoints());
  for (const std::size_t pos : {std::size_t{1}, n / 4, n / 2, 3 * n / 4, n}) {
    CAPTURE(pos);
    const fold::FoldState& x = a.seek(pos, n);
    const fold::FoldState& y = b.seek(pos, n);
    CHECK(x.executor.total_polls == y.executor.total_polls);
    CHECK(x.tasks.size() == y.tasks.size());
    CHECK(x.queue.entries.size() == y.queue.entries.size());
    CHECK(x.counters.live_timer_threads == y.counters.live_timer_threads);
    CHECK(x.log.last_t == y.log.last_t);
    CHECK(live.pump().runtime_begin_at(pos) == opened.pump().runtime_begin_at(pos));
  }
}

TEST_CASE("with a recording open, the run, step, spawn and reset keys change nothing") {
  test::BareImGui imgui;
  Scratch scratch;
  const std::string path = scratch / "hello.pscope";
  {
    App live(finished_run());
    run_to_end(live, imgui);
    REQUIRE(live.save_recording_to(path).ok());
  }
  LoadedRecording loaded;
  REQUIRE(load_whole_recording(path, loaded).ok());
  const std::size_t n = loaded.events.size();
  App app(CliOptions{}, nullptr, nullptr, std::make_unique<LoadedRecording>(std::move(loaded)));
  imgui.frame([&] { app.draw(); });
  REQUIRE(app.showing_recording());
  ImGuiIO& io = ImGui::GetIO();
  for (const int key : {32, int{'S'}, int{'P'}, int{'T'}, int{'R'}}) {
    CAPTURE(key);
    io.KeysDown[key] = true;
    imgui.frame([&] { app.draw(); });
    io.KeysDown[key] = false;
    imgui.frame([&] { app.draw(); });
    CHECK(app.pump().latest().events.count == n);
    CHECK(app.history().live);
  }
  // The stand-in controller never ran anything.
  CHECK(app.controller().log().appended() < 64);
}

TEST_CASE("a bad recording is refused with the loader's message and the run on screen stays") {
  test::BareImGui imgui;
  Scratch scratch;
  App app(finished_run());
  run_to_end(app, imgui);
  const std::string path = scratch / "bad.pscope";
  std::ofstream(path) << "not a recording at all";
  const RecordingStatus s = app.open_recording(path);
  CHECK_FALSE(s.ok());
  CHECK(s.error.find("bad.pscope") != std::string::npos);
  CHECK_FALSE(app.showing_recording());
  CHECK(app.pump().latest().state.executor.total_polls == 2);
  CHECK_FALSE(app.open_recording(scratch / "missing.pscope").ok());
}

TEST_CASE("the app exports what it shows as a Chrome trace, from a run and from a recording") {
  test::BareImGui imgui;
  Scratch scratch;
  App app(finished_run());
  run_to_end(app, imgui);
  REQUIRE(app.export_trace_to(scratch / "live.json").ok());
  REQUIRE(app.save_recording_to(scratch / "run.pscope").ok());
  REQUIRE(app.open_recording(scratch / "run.pscope").ok());
  REQUIRE(app.export_trace_to(scratch / "opened.json").ok()); // no frame needed in between
  auto read = [](const std::string& p) {
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
  const std::string live = read(scratch / "live.json");
  CHECK(live.starts_with("{\"traceEvents\":["));
  CHECK(live == read(scratch / "opened.json"));
}

} // namespace pollscope::gui
