#include "gui/compare_mode.hpp"

#include "gui/app.hpp"
#include "runtime/scenarios.hpp"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <utility>

namespace pollscope::gui {

std::string to_string(const SidePolicies& p) {
  return std::string(to_string(p.queue)) + " / " + std::string(to_string(p.timer));
}

std::optional<CompareSetup> compare_setup(const CliOptions& cli) {
  const Scenario* scenario = find_scenario(cli.scenario);
  const ScenarioCompare* lesson =
      scenario != nullptr && scenario->compare ? &*scenario->compare : nullptr;
  if (!cli.compare && lesson == nullptr) return std::nullopt;
  ControllerOptions run = controller_options(cli);
  if (!cli.compare) return compare_setup(*lesson, std::move(run));
  return compare_setup(std::move(run), {cli.queue_policy, cli.timer_policy},
                       {cli.compare_queue_policy, cli.compare_timer_policy});
}

CompareSetup compare_setup(ControllerOptions run, SidePolicies a, SidePolicies b) {
  CompareSetup s;
  s.run = std::move(run);
  s.a = a;
  s.b = b;
  // The lesson's words only if they are about these two policy sets.
  const Scenario* scenario = find_scenario(s.run.scenario);
  if (scenario != nullptr && scenario->compare &&
      a == SidePolicies{scenario->compare->a_queue, scenario->compare->a_timer} &&
      b == SidePolicies{scenario->compare->b_queue, scenario->compare->b_timer})
    s.lesson = scenario->compare->lesson;
  return s;
}

CompareSetup compare_setup(const ScenarioCompare& lesson, ControllerOptions run) {
  CompareSetup s;
  s.run = std::move(run);
  s.a = {lesson.a_queue, lesson.a_timer};
  s.b = {lesson.b_queue, lesson.b_timer};
  s.lesson = lesson.lesson;
  return s;
}

std::string compare_lesson(const CompareSetup& setup) {
  if (!setup.lesson.empty()) return setup.lesson;
  const SidePolicies& a = setup.a;
  const SidePolicies& b = setup.b;
  if (a == b)
    return "Both sides run " + to_string(a) +
           ": pick other policies for B above (applied at Reset) to see what changes.";
  std::string text = "A runs " + to_string(a) + ", B runs " + to_string(b) + ". ";
  if (a.queue != b.queue) {
    const bool a_book = a.queue == QueuePolicy::Book, b_book = b.queue == QueuePolicy::Book;
    if (a_book != b_book)
      text += "The book's queue puts a task woken twice in the queue twice (a \"dup\" badge, one "
              "more poll that finds nothing to do); the notified bit makes the second wake a "
              "no-op. ";
    if (a.queue == QueuePolicy::Local || b.queue == QueuePolicy::Local)
      text += "Under local, wakes made on the executor thread (a task yielding) skip the shared "
              "channel for an executor-local queue. ";
  }
  if (a.timer != b.timer)
    text += "thread-per-timer starts one OS thread per waiting timer, so the thread count (and "
            "memory) climbs with the timers; timer-thread serves every timer from one driver "
            "thread. ";
  text += "Watch the queues, the timer threads and the metrics below.";
  return text;
}

std::vector<std::string> side_child_args(const CompareSetup& setup, const SidePolicies& side) {
  const ControllerOptions& o = setup.run;
  std::vector<std::string> args{"--headless"};
  // A bundled scenario by name; one the user loaded from elsewhere by its
  // file, which the child loads again.
  const Scenario* s = find_scenario(o.scenario);
  std::error_code ec;
  const std::string dir = scenarios_dir();
  const bool bundled =
      s == nullptr || s->source.empty() ||
      (!dir.empty() &&
       std::filesystem::equivalent(std::filesystem::path(s->source).parent_path(), dir, ec));
  if (bundled) {
    args.insert(args.end(), {"--scenario", o.scenario});
  } else {
    args.insert(args.end(), {"--scenario-file", s->source});
  }
  char scale[32];
  std::snprintf(scale, sizeof scale, "%g", o.time_scale);
  args.insert(args.end(),
              {"--clock", o.clock == ClockKind::Virtual ? "virtual" : "real", "--time-scale", scale,
               "--capacity", std::to_string(o.queue_capacity), "--count",
               std::to_string(o.params.count), "--seed", std::to_string(o.params.seed),
               "--queue-policy", std::string(to_string(side.queue)), "--timer-policy",
               std::string(to_string(side.timer)), "--metrics-json", "-"});
  return args;
}

FrameView CompareSide::frame() { return view(pump->latest(), SIZE_MAX); }

FrameView CompareSide::view(const record::Snapshot& snap, std::size_t pos) {
  count = snap.events.count;
  // The same moment the single view's panels get from App::draw: the fold's
  // state at the cursor and the store up to there.
  const bool past = pos < count;
  const fold::FoldState& state = past ? cursor->seek(pos, count) : snap.state;
  const record::EventsView events =
      past ? record::EventsView{&pump->store(), pos, pump->runtime_begin_at(pos)} : snap.events;
  const std::uint64_t key = past ? pos : snap.serial;
  if (key != last_view_key_ || past != last_past_) {
    last_view_key_ = key;
    last_past_ = past;
    ++view_serial_;
  }
  lints.update(state, view_serial_); // lints too are a function of the moment shown
  return FrameView{state,
                   events,
                   controller->strings(),
                   past ? state.log.last_t : controller->now_ns(),
                   view_serial_,
                   &lints.lints};
}

CompareMode::CompareMode(CompareSetup setup, bool measure_rss, std::string exe)
    : pending(setup), setup_(std::move(setup)), measure_rss_(measure_rss), exe_(std::move(exe)) {
  sides_[0] = std::make_unique<CompareSide>();
  sides_[1] = std::make_unique<CompareSide>();
  start_side(*sides_[0], setup_.a);
  start_side(*sides_[1], setup_.b);
}

CompareMode::~CompareMode() {
  wait_for_reset();                       // it calls the controllers
  for (auto& s : sides_) s->rss.cancel(); // a child may run for a while
  for (auto& s : sides_) {                // the cursors read the pumps' stores
    s->cursor.reset();
    s->order.reset();
  }
  for (auto& s : sides_) s->pump.reset(); // stop draining before the logs go away
  for (auto& s : sides_) s->controller.reset();
}

void CompareMode::start_side(CompareSide& side, const SidePolicies& policies) {
  ControllerOptions o = setup_.run;
  o.queue_policy = policies.queue;
  o.timer_policy = policies.timer;
  side.policies = policies;
  side.controller = std::make_unique<Controller>(o);
  side.pump = std::make_unique<record::FoldPump>(side.controller->log());
  side.cursor = std::make_unique<record::Cursor>(side.pump->store(), side.pump->checkpoints());
  side.order = std::make_unique<record::Cursor>(side.pump->store(), side.pump->checkpoints());
}

void CompareMode::run() {
  if (resetting()) return;
  for (auto& s : sides_) s->controller->set_mode(ExecutorMode::Run);
}

void CompareMode::pause() {
  if (resetting()) return;
  for (auto& s : sides_) s->controller->set_mode(ExecutorMode::Pause);
}

void CompareMode::step() {
  if (resetting()) return;
  for (auto& s : sides_) s->controller->step(1);
}

void CompareMode::set_time_scale(double scale) {
  if (resetting()) return;
  setup_.run.time_scale = pending.run.time_scale = scale;
  for (auto& s : sides_) s->controller->set_time_scale(scale);
}

bool CompareMode::resetting() const noexcept { return resetting_.load(std::memory_order_acquire); }

void CompareMode::wait_for_reset() {
  if (resetter_.joinable()) resetter_.join();
}

void CompareMode::reset() {
  if (resetting()) return;
  wait_for_reset();                       // the last one has finished: join its thread
  for (auto& s : sides_) s->rss.cancel(); // a measurement of the old run measures nothing now
  // A lesson's words are about its scenario and its two policy sets only.
  pending = compare_setup(pending.run, pending.a, pending.b);
  pending.run.initial_mode = ExecutorMode::Step;
  setup_ = pending;
  std::array<ControllerOptions, 2> options;
  const SidePolicies policies[2] = {setup_.a, setup_.b};
  for (std::size_t i = 0; i < sides_.size(); ++i) {
    options[i] = setup_.run;
    options[i].queue_policy = policies[i].queue;
    options[i].timer_policy = policies[i].timer;
    sides_[i]->policies = policies[i];
    sides_[i]->selection = Selection{};
  }
  measured_ = false;
  resetting_.store(true); // before the thread starts: it stores false when done
  // The controllers outlive the thread: the destructor joins it first.
  resetter_ = std::thread([this, options = std::move(options),
                           controllers = std::array<Controller*, 2>{sides_[0]->controller.get(),
                                                                    sides_[1]->controller.get()}] {
    for (std::size_t i = 0; i < controllers.size(); ++i)
      controllers[i]->reset(options[i]); // the log, and so the pump, carry on
    resetting_.store(false, std::memory_order_release);
  });
}

void CompareMode::measure_rss(bool on) {
  if (!on)
    for (auto& s : sides_) s->rss.cancel();
  if (on != measure_rss_) measured_ = false;
  measure_rss_ = on;
}

void CompareMode::start_measurements() {
  if (!measure_rss_ || measured_ || setup_.run.scenario.empty() || resetting()) return;
  measured_ = true;
  sides_[0]->rss.start(exe_, side_child_args(setup_, setup_.a));
  sides_[1]->rss.start(exe_, side_child_args(setup_, setup_.b));
}

} // namespace pollscope::gui
