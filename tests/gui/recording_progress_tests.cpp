// Long file work in the app: opening, saving and exporting run on a
// ProgressJob's thread while frames keep drawing, report their progress, and
// can be cancelled; a cancelled open leaves the view as it was.
#include "common/scratch_dir.hpp"
#include "gui_test_support.hpp"

#include "gui/app.hpp"
#include "gui/progress_job.hpp"
#include "gui/progress_popup.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <latch>
#include <string>

namespace pollscope::gui {
namespace {

using pollscope::test::Scratch;

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

// Draws frames until the app's file work has landed (the UI thread never
// waits for it). False if it never did.
bool frames_until_done(App& app, test::BareImGui& imgui) {
  for (long i = 0; i < 2'000'000; ++i) {
    imgui.frame([&] { app.draw(); });
    if (!app.file_work_running()) return true;
  }
  return false;
}

} // namespace

TEST_CASE("a job runs its work on its own thread, shows its progress, and cancel stops the work "
          "at its next progress call") {
  ProgressJob job;
  std::latch reported(1);
  std::latch cancelled(1);
  std::uint64_t calls = 0;
  job.start("Saving test.pscope", [&](const ProgressFn& progress) {
    CHECK(progress(250, 1000));
    reported.count_down();
    cancelled.wait();
    for (;;) {
      ++calls;
      if (!progress(500, 1000)) return RecordingStatus{"test.pscope: save cancelled", true};
    }
  });
  reported.wait();
  CHECK(job.running());
  CHECK(job.title() == "Saving test.pscope");
  CHECK(job.done() == 250);
  CHECK(job.total() == 1000);
  CHECK(job.fraction() == doctest::Approx(0.25));
  CHECK_FALSE(job.cancel_requested());
  job.cancel();
  cancelled.count_down();
  const RecordingStatus s = job.take(); // joins
  CHECK(s.cancelled);
  CHECK(calls == 1);
  CHECK_FALSE(job.running());
}

TEST_CASE("the progress popup stays away from quick work, then shows the job, and Escape cancels "
          "it") {
  test::BareImGui imgui;
  ImGuiIO& io = ImGui::GetIO();
  io.KeyMap[ImGuiKey_Escape] = 256;
  ProgressJob job;
  std::latch reported(1);
  std::latch release(1);
  job.started_at = ImGui::GetTime();
  job.start("Exporting big.json", [&](const ProgressFn& progress) {
    (void)progress(300, 1000);
    reported.count_down();
    release.wait();
    return progress(400, 1000) ? RecordingStatus{} : RecordingStatus{"cancelled", true};
  });
  reported.wait();
  bool open = false;
  auto frame = [&] {
    imgui.frame([&] {
      draw_progress_popup(job, "events", "finishing...", ImGui::GetTime());
      open = ImGui::IsPopupOpen("Working##progress");
    });
  };
  frame(); // 1/60 s in: too soon to show anything
  CHECK_FALSE(open);
  // Frames keep coming while the work runs (the test's frames are 1/60 s).
  for (int i = 0; i < 30; ++i) frame();
  CHECK(open);
  CHECK_FALSE(job.cancel_requested());
  io.KeysDown[256] = true;
  frame();
  io.KeysDown[256] = false;
  frame();
  CHECK(job.cancel_requested());
  release.count_down();
  const RecordingStatus s = job.take();
  CHECK(s.cancelled);
}

TEST_CASE("a save and an export from the File popups run in the background and land as files") {
  test::BareImGui imgui;
  Scratch scratch;
  App app(finished_run());
  run_to_end(app, imgui);
  app.start_save_recording(scratch / "bg.pscope");
  CHECK(app.file_work_running());
  REQUIRE(frames_until_done(app, imgui));
  CHECK(std::filesystem::exists(scratch / "bg.pscope"));
  app.start_export_trace(scratch / "bg.json");
  REQUIRE(frames_until_done(app, imgui));
  CHECK(std::filesystem::file_size(scratch / "bg.json") > 100);
  CHECK(app.file_error().empty());

  // The saved file opens in the background too, with the same events.
  const std::size_t n = app.pump().latest().events.count;
  app.start_open_recording(scratch / "bg.pscope");
  REQUIRE(frames_until_done(app, imgui));
  imgui.frame([&] { app.draw(); });
  CHECK(app.showing_recording());
  CHECK(app.pump().latest().events.count == n);
  CHECK(app.pump().latest().state.executor.total_polls == 2);
}

TEST_CASE("a cancelled open leaves the run on screen as it was, even when the file was read") {
  test::BareImGui imgui;
  Scratch scratch;
  App app(finished_run());
  run_to_end(app, imgui);
  REQUIRE(app.save_recording_to(scratch / "run.pscope").ok());
  const record::FoldPump* before = &app.pump();
  app.start_open_recording(scratch / "run.pscope");
  app.cancel_file_work();
  REQUIRE(frames_until_done(app, imgui));
  CHECK_FALSE(app.showing_recording());
  CHECK(&app.pump() == before);
  CHECK(app.pump().latest().state.executor.total_polls == 2);
  CHECK(app.file_error().empty()); // a cancel is no error
}

TEST_CASE("a bad file opened in the background reopens the popup with the loader's message") {
  test::BareImGui imgui;
  Scratch scratch;
  App app(finished_run());
  run_to_end(app, imgui);
  const std::string path = scratch / "bad.pscope";
  std::ofstream(path) << "not a recording at all";
  app.start_open_recording(path);
  REQUIRE(frames_until_done(app, imgui));
  imgui.frame([&] { app.draw(); });
  CHECK(app.file_error().find("bad.pscope") != std::string::npos);
  CHECK(app.file_error().find("not a pollscope recording") != std::string::npos);
  CHECK_FALSE(app.showing_recording());
  CHECK(app.pump().latest().state.executor.total_polls == 2);
}

} // namespace pollscope::gui

namespace pollscope::gui {

TEST_CASE("--record ends with the run the window showed, not with the runtime's teardown at quit") {
  test::BareImGui imgui;
  Scratch scratch;
  const std::string path = scratch / "quit.pscope";
  LiveRecording record;
  REQUIRE(record.open(path, live_recording_header(finished_run())).ok());
  std::size_t shown = 0;
  {
    App app(finished_run(), nullptr, &record);
    run_to_end(app, imgui);
    shown = app.pump().latest().events.count;
    app.end_live_recording(); // what main() does on quit, before the shutdown
    (void)app.controller().shutdown();
    app.controller().sync();
    app.pump().flush(); // the teardown reaches the pump, not the file
    CHECK(app.pump().latest().events.all().back().kind == EventKind::RuntimeReset);
  }
  REQUIRE(record.finish().ok());
  LoadedRecording loaded;
  REQUIRE(load_whole_recording(path, loaded).ok());
  CHECK(loaded.info.complete);
  CHECK(loaded.events.size() == shown);
  CHECK(loaded.events.back().kind != EventKind::RuntimeReset);
}

} // namespace pollscope::gui
