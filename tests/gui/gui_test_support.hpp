// Helpers for the GUI tests: a bare Dear ImGui context (no window, no GL) and
// a builder of synthetic event logs shaped like the runtime's.
#pragma once

#include "fold/fold.hpp"
#include "record/event_store.hpp"
#include "gui/panels.hpp"
#include "runtime/event.hpp"
#include "runtime/string_table.hpp"

#include <imgui.h>

#include <memory>
#include <vector>

namespace pollscope::gui::test {

// A Dear ImGui context sized like the app's default window, fonts built, no
// .ini file. Frames are begun and ended by `frame()`.
class BareImGui {
public:
  BareImGui() {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1280, 800);
    io.DeltaTime = 1.0f / 60.0f;
    // The GLFW backend's key map, so shortcut tests press the same indices.
    io.KeyMap[ImGuiKey_Space] = 32;
    io.KeyMap[ImGuiKey_RightArrow] = 262;
    build_fonts();
  }
  // Builds the font atlas, as a renderer backend would on its first frame
  // (again after apply_theme replaced the fonts).
  static void build_fonts() {
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  }
  ~BareImGui() { ImGui::DestroyContext(); }
  BareImGui(const BareImGui&) = delete;
  BareImGui& operator=(const BareImGui&) = delete;

  template <class Draw>
  void frame(Draw&& draw) {
    ImGui::NewFrame();
    draw();
    ImGui::Render();
  }
};

// Appends runtime-shaped events for tasks that follow the book's flow.
class LogBuilder {
public:
  explicit LogBuilder(StringTable& strings) : strings_(strings) {}

  std::vector<Event> events;

  void add(EventKind k, TaskId task = 0, WakerId waker = 0, TimerId timer = 0, std::uint64_t a = 0,
           std::uint64_t b = 0, std::uint8_t flags = 0, Lane lane = Lane::Executor) {
    Event e;
    e.t = t_ += 1000;
    e.kind = k;
    e.task = task;
    e.waker = waker;
    e.timer = timer;
    e.a = a;
    e.b = b;
    e.flags = flags;
    e.lane = lane;
    events.push_back(e);
  }
  void start(std::uint64_t capacity) {
    add(EventKind::RuntimeStarted, 0, 0, 0, capacity, 0, 0, Lane::External);
  }
  // Spawner: the task, its own waker (id = task id), the first push.
  void spawn(TaskId id) {
    add(EventKind::TaskSpawned, id, 0, 0, strings_.intern("timer task"),
        strings_.intern("tests.cpp:1"), 0, Lane::External);
    add(EventKind::WakerCreated, id, id, 0, 0, 0, 0, Lane::External);
    add(EventKind::QueuePush, id, 0, 0, ticket_++, ++queued_, 0, Lane::External);
  }
  // First poll: arms a timer (id = task id), stores a clone of the waker,
  // returns Pending. The clone's id is 100000 + task id.
  void poll_pending(TaskId id) {
    add(EventKind::QueuePop, id, 0, 0, 0, --queued_);
    add(EventKind::PollBegin, id);
    add(EventKind::TimerCreated, id, 0, id, t_ + 2'000'000'000, 2'000'000'000);
    add(EventKind::WakerCloned, id, 100000 + id, 0, 0, id);
    add(EventKind::WakerStored, 0, 100000 + id, id);
    add(EventKind::PollEnd, id, 0, 0, 5000, strings_.intern("tests.cpp:42"));
    add(EventKind::TimerThreadStarted, 0, 0, id, 0, 0, 0, Lane::Timer);
    add(EventKind::TimerThreadWaiting, 0, 0, id, t_ + 2'000'000'000, 0, 0, Lane::Timer);
  }
  // The timer fires: takes the waker out, wakes it, the task is queued again.
  void fire(TaskId id) {
    add(EventKind::TimerFired, 0, 0, id, 0, 0, 0, Lane::Timer);
    add(EventKind::WakerRemoved, 0, 100000 + id, id, 0, 0, 0, Lane::Timer);
    add(EventKind::WakerWoken, id, 100000 + id, 0, 0, 0, 0, Lane::Timer);
    add(EventKind::QueuePush, id, 100000 + id, 0, ticket_++, ++queued_, 0, Lane::Timer);
    add(EventKind::WakerDropped, id, 100000 + id, 0, 0, 0, 0, Lane::Timer);
    add(EventKind::TimerThreadExited, 0, 0, id, 0, 0, 0, Lane::Timer);
  }
  // Second poll: prints, returns Ready, the task completes and is dropped.
  void poll_ready(TaskId id) {
    add(EventKind::QueuePop, id, 0, 0, 0, --queued_);
    add(EventKind::PollBegin, id);
    add(EventKind::Output, id, 0, 0, strings_.intern("World"));
    add(EventKind::PollEnd, id, 0, 0, 3000, 0, kFlagReady);
    add(EventKind::TaskCompleted, id);
    add(EventKind::WakerDropped, id, id);
    add(EventKind::TaskDropped, id);
  }

private:
  StringTable& strings_;
  std::uint64_t t_ = 0;
  std::uint64_t ticket_ = 0;
  std::uint64_t queued_ = 0;
};

// A folded log kept the way the pump keeps it, for drawing panels directly.
struct FoldedLog {
  record::EventStore store;
  fold::Fold fold;
  void apply(const std::vector<Event>& events) {
    for (const Event& e : events) {
      fold.apply(e);
      store.push(e);
    }
  }
  [[nodiscard]] record::EventsView view() const { return record::EventsView{&store, store.writer_size(), 0}; }
};

} // namespace pollscope::gui::test
