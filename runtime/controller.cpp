#include "controller.hpp"

#include "async.hpp"
#include "executor.hpp"
#include "scenarios.hpp"
#include "timer_future.hpp"
#include "timer_threads.hpp"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <variant>

namespace pollscope {

std::string_view to_string(SpawnStatus s) noexcept {
  switch (s) {
  case SpawnStatus::Spawned: return "spawned";
  case SpawnStatus::QueueFull: return "queue full";
  case SpawnStatus::BadArgument: return "bad argument";
  }
  return "unknown";
}

namespace {

using namespace std::chrono_literals;

constexpr std::chrono::nanoseconds kMaxTimer = std::chrono::hours(24);

std::string duration_label(std::chrono::nanoseconds d) {
  char buf[48];
  const double ms = static_cast<double>(d.count()) / 1e6;
  if (ms >= 1000) {
    std::snprintf(buf, sizeof buf, "%.1f s", ms / 1000);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f ms", ms);
  }
  return buf;
}

// The task "Spawn timer" creates: the book's timer test without the Hello.
Async<void> timer_task(std::chrono::nanoseconds d, std::string label) {
  co_await TimerFuture(d);
  print("timer of " + label + " done");
}

// One live runtime. Replaced wholesale on reset.
struct Live {
  std::shared_ptr<RuntimeContext> rt;
  std::optional<Executor> executor; // worker thread only
  Spawner spawner;                  // copied (under Impl::live_mutex) by spawning threads
};

struct SetMode {
  ExecutorMode mode;
};
struct Step {
  unsigned polls;
};
struct Throttle {
  double rate;
};
struct TimeScale {
  double scale;
};
struct Reset {
  ControllerOptions options;
};
struct Sync {
  std::promise<void>* done;
};
struct Shutdown {};
using Command = std::variant<SetMode, Step, Throttle, TimeScale, Reset, Sync, Shutdown>;

} // namespace

struct Controller::Impl {
  explicit Impl(ControllerOptions o) : options(std::move(o)), log(options.log_capacity) {
    if (options.clock == ClockKind::Virtual) {
      clock = std::make_unique<VirtualClock>();
    } else {
      clock = std::make_unique<RealClock>(options.time_scale);
    }
  }

  // --- shared between threads ---
  ControllerOptions options; // guarded by command_mutex after construction
  EventLog log;
  StringTable strings;
  std::unique_ptr<Clock> clock; // fixed for the controller's life
  std::atomic<ExecutorMode> mode{ExecutorMode::Step};

  std::mutex command_mutex;
  std::condition_variable command_cv;
  std::deque<Command> commands;
  std::atomic<bool> commands_pending{false};

  std::mutex live_mutex; // guards the pointers in `live` against reset
  Live live;

  std::thread worker;

  // --- worker thread only ---
  unsigned steps_owed = 0;
  double throttle_rate = 2.0;
  std::chrono::steady_clock::time_point last_poll{};
  bool stop = false;

  void post(Command c) {
    {
      std::lock_guard lock(command_mutex);
      commands.push_back(std::move(c));
      commands_pending.store(true, std::memory_order_release);
    }
    command_cv.notify_one();
    std::lock_guard lock(live_mutex);
    if (live.executor)
      live.executor->interrupt(); // a worker blocked on the queue re-checks commands
  }

  Spawner spawner_copy() {
    std::lock_guard lock(live_mutex);
    return live.spawner;
  }

  void emit_mode() const {
    Event e;
    e.kind = EventKind::ExecutorMode;
    e.a = static_cast<std::uint64_t>(mode.load());
    if (live.rt) live.rt->emit(e);
  }

  void start_runtime() {
    RuntimeContext::Options ro;
    ro.clock = clock.get();
    ro.strings = &strings;
    ro.log = &log;
    auto rt = std::make_shared<RuntimeContext>(ro);
    auto [executor, spawner] = executor_and_spawner(*rt, options.queue_capacity);
    {
      std::lock_guard lock(live_mutex);
      live.rt = std::move(rt);
      live.executor.emplace(std::move(executor));
      live.spawner = std::move(spawner);
    }
    emit_mode();
    if (!options.scenario.empty()) {
      if (const Scenario* s = find_scenario(options.scenario)) {
        Spawner sp = spawner_copy();
        s->spawn(sp, ScenarioParams{});
      }
    }
  }

  // Tears the live runtime down: blocked senders give up, every timer thread
  // is cancelled and joined (dropping the wakers it held), queued tasks are
  // released, and the executor and spawner go.
  void stop_runtime() {
    Live old;
    {
      std::lock_guard lock(live_mutex);
      old = std::move(live);
      live = Live{};
    }
    if (!old.rt) return;
    old.executor->channel().shut_down();
    old.rt->timers().shutdown();
    while (Task* t = old.executor->channel().try_recv()) t->release();
    old.spawner = Spawner{};
    old.executor.reset();
    Event e;
    e.kind = EventKind::RuntimeReset;
    old.rt->emit(e);
  }

  void apply(Command& c) {
    std::visit(
        [&](auto& cmd) {
          using T = std::decay_t<decltype(cmd)>;
          if constexpr (std::is_same_v<T, SetMode>) {
            mode = cmd.mode;
            if (cmd.mode != ExecutorMode::Step) steps_owed = 0;
            emit_mode();
          } else if constexpr (std::is_same_v<T, Step>) {
            if (mode != ExecutorMode::Step) {
              mode = ExecutorMode::Step;
              emit_mode();
            }
            // A step polls a queued task, or waits for the next one to arrive.
            // Presses beyond that (Step held down on an empty queue) are
            // dropped: owed steps would otherwise poll future tasks unasked.
            const auto queued = static_cast<unsigned>(std::min<std::size_t>(
                live.executor ? live.executor->channel().size() : 0, 1u << 20));
            steps_owed = std::min(steps_owed + cmd.polls, queued + 1);
            Event e;
            e.kind = EventKind::StepRequested;
            e.a = steps_owed;
            if (live.rt) live.rt->emit(e);
          } else if constexpr (std::is_same_v<T, Throttle>) {
            throttle_rate = cmd.rate;
          } else if constexpr (std::is_same_v<T, TimeScale>) {
            if (auto* real = dynamic_cast<RealClock*>(clock.get())) real->set_time_scale(cmd.scale);
          } else if constexpr (std::is_same_v<T, Reset>) {
            stop_runtime();
            {
              std::lock_guard lock(command_mutex);
              const ClockKind kind = options.clock;
              options = cmd.options;
              options.clock = kind; // the clock is fixed for the controller's life
            }
            steps_owed = 0;
            mode = options.initial_mode;
            throttle_rate = options.throttle_polls_per_second;
            if (auto* real = dynamic_cast<RealClock*>(clock.get()))
              real->set_time_scale(options.time_scale);
            start_runtime();
          } else if constexpr (std::is_same_v<T, Sync>) {
            cmd.done->set_value();
          } else if constexpr (std::is_same_v<T, Shutdown>) {
            stop = true;
          }
        },
        c);
  }

  void drain_commands() {
    std::deque<Command> batch;
    {
      std::lock_guard lock(command_mutex);
      batch.swap(commands);
      commands_pending.store(false, std::memory_order_relaxed);
    }
    for (Command& c : batch) apply(c);
  }

  // Waits for a command (paused, or no steps owed), at most `timeout`.
  void wait_for_command(std::chrono::nanoseconds timeout) {
    std::unique_lock lock(command_mutex);
    command_cv.wait_for(lock, timeout, [&] { return !commands.empty(); });
  }

  void tick_or_wait() {
    Executor& ex = *live.executor;
    const TickResult r = ex.try_tick();
    if (r == TickResult::Polled) {
      last_poll = std::chrono::steady_clock::now();
      if (steps_owed > 0) --steps_owed;
      return;
    }
    // Empty (or closed: the controller's spawner keeps it open, so only after
    // a failed reset). Block on the queue; commands interrupt the wait.
    (void)ex.wait_for_work(100ms);
  }

  void run_worker() {
    RuntimeContext::set_thread_lane(Lane::Executor);
    while (!stop) {
      if (commands_pending.load(std::memory_order_acquire)) {
        drain_commands();
        continue;
      }
      switch (mode.load()) {
      case ExecutorMode::Pause: wait_for_command(1s); break;
      case ExecutorMode::Step:
        if (steps_owed == 0) {
          wait_for_command(1s);
        } else {
          tick_or_wait();
        }
        break;
      case ExecutorMode::Run: tick_or_wait(); break;
      case ExecutorMode::Throttle: {
        const double rate = std::clamp(throttle_rate, 0.01, 1e6);
        const auto gap = std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / rate));
        const auto next = last_poll + gap;
        const auto now = std::chrono::steady_clock::now();
        if (now < next) {
          wait_for_command(next - now);
        } else {
          tick_or_wait();
        }
        break;
      }
      }
    }
    stop_runtime();
  }
};

Controller::Controller(ControllerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->mode = impl_->options.initial_mode;
  impl_->throttle_rate = impl_->options.throttle_polls_per_second;
  // Started here, not on the worker, so a spawn right after construction
  // finds a runtime to spawn into.
  impl_->start_runtime();
  impl_->worker = std::thread([this] { impl_->run_worker(); });
}

Controller::~Controller() {
  impl_->post(Shutdown{});
  impl_->worker.join();
}

void Controller::set_mode(ExecutorMode mode) { impl_->post(SetMode{mode}); }
void Controller::step(unsigned polls) { impl_->post(Step{polls}); }
void Controller::set_throttle(double polls_per_second) {
  if (polls_per_second > 0 && std::isfinite(polls_per_second))
    impl_->post(Throttle{polls_per_second});
}
void Controller::set_time_scale(double scale) {
  if (scale > 0 && std::isfinite(scale)) impl_->post(TimeScale{scale});
}
void Controller::reset(ControllerOptions options) { impl_->post(Reset{std::move(options)}); }
void Controller::reset() { reset(options()); }

SpawnStatus Controller::spawn_timer(std::chrono::nanoseconds duration) {
  if (duration.count() < 0 || duration > kMaxTimer) return SpawnStatus::BadArgument;
  RuntimeContext::set_thread_lane(Lane::Control);
  Spawner sp = impl_->spawner_copy();
  const std::string label = duration_label(duration);
  const SendResult r = sp.try_spawn(timer_task(duration, label), "timer " + label);
  return r == SendResult::Ok ? SpawnStatus::Spawned : SpawnStatus::QueueFull;
}

SpawnStatus Controller::spawn_timers(unsigned count, std::chrono::nanoseconds min,
                                     std::chrono::nanoseconds max, std::uint64_t seed,
                                     unsigned* spawned) {
  if (spawned != nullptr) *spawned = 0;
  if (count == 0 || count > 100000 || min.count() < 0 || max < min || max > kMaxTimer) {
    return SpawnStatus::BadArgument;
  }
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> dist(min.count(), max.count());
  for (unsigned i = 0; i < count; ++i) {
    const SpawnStatus s = spawn_timer(std::chrono::nanoseconds(dist(rng)));
    if (s != SpawnStatus::Spawned) return s;
    if (spawned != nullptr) ++*spawned;
  }
  return SpawnStatus::Spawned;
}

SpawnStatus Controller::load_scenario(std::string_view name) {
  const Scenario* s = find_scenario(name);
  if (s == nullptr) return SpawnStatus::BadArgument;
  RuntimeContext::set_thread_lane(Lane::Control);
  Spawner sp = impl_->spawner_copy();
  return s->spawn(sp, ScenarioParams{}) ? SpawnStatus::Spawned : SpawnStatus::QueueFull;
}

EventLog& Controller::log() noexcept { return impl_->log; }
const StringTable& Controller::strings() const noexcept { return impl_->strings; }
std::uint64_t Controller::now_ns() const noexcept { return impl_->clock->now_ns(); }
ExecutorMode Controller::mode() const noexcept { return impl_->mode.load(); }
const ControllerOptions& Controller::options() const noexcept { return impl_->options; }

void Controller::sync() {
  std::promise<void> done;
  auto f = done.get_future();
  impl_->post(Sync{&done});
  f.wait();
}

} // namespace pollscope
