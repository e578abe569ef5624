#include "controller.hpp"

#include "async.hpp"
#include "delivery_gate.hpp"
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
#include <vector>

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

// How long reset and shutdown wait for a worker that is not stuck in a poll,
// or for its teardown, before they abandon it anyway.
constexpr std::chrono::seconds kGiveUp{10};

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
struct Sync {
  std::promise<void>* done;
};
using Command = std::variant<SetMode, Step, Throttle, TimeScale, Sync>;

// Answers a Sync that will never be carried out (its runtime is gone), so
// the thread waiting in sync() does not wait forever.
void answer_syncs(std::deque<Command>& commands) {
  for (Command& c : commands) {
    if (auto* s = std::get_if<Sync>(&c)) s->done->set_value();
  }
  commands.clear();
}

// What every runtime of one Controller shares, and what an abandoned worker
// thread still writes through after the Controller is gone: owned jointly.
struct Resources {
  explicit Resources(const ControllerOptions& o) : log(o.log_capacity) {
    if (o.clock == ClockKind::Virtual) {
      clock = std::make_unique<VirtualClock>();
    } else {
      clock = std::make_unique<RealClock>(o.time_scale);
    }
  }
  EventLog log;
  StringTable strings;
  std::unique_ptr<Clock> clock; // fixed for the controller's life
};

// Worker threads that were abandoned and have not finished yet, process-wide.
// Never destroyed: such a thread may finish while the process exits.
struct Abandoned {
  std::mutex mutex;
  std::condition_variable cv;
  unsigned running = 0; // guarded by mutex
};
Abandoned& g_abandoned = *new Abandoned;

// One runtime and the thread that runs it. Shared by the Controller (while
// it is current, or until it is retired) and by its thread (for the thread's
// whole life), so an abandoned thread keeps all it touches alive.
struct Worker {
  Worker(std::shared_ptr<Resources> r, ControllerOptions o)
      : res(std::move(r)), options(std::move(o)) {}

  // --- fixed after start ---
  std::shared_ptr<Resources> res;
  const ControllerOptions options;
  std::shared_ptr<RuntimeContext> rt;
  std::thread thread; // the Controller's to join or detach

  // --- any thread ---
  std::atomic<ExecutorMode> mode{ExecutorMode::Step};
  // Set by cancel(): the worker tears down at its next look. seq_cst is not
  // needed (the command mutex orders the wake-up); relaxed reads are enough.
  std::atomic<bool> stop{false};
  std::atomic<bool> polling{false}; // inside try_tick: a wedge there is a stuck poll

  std::mutex command_mutex;
  std::condition_variable command_cv;
  std::deque<Command> commands; // guarded by command_mutex
  bool closed = false;          // guarded by command_mutex: no more commands
  std::atomic<bool> commands_pending{false};

  std::mutex live_mutex;            // guards the existence of `executor` and `spawner`
  std::optional<Executor> executor; // used by the worker thread only
  Spawner spawner;                  // copied by spawning threads

  std::mutex done_mutex;
  std::condition_variable done_cv;
  bool tearing_down = false; // guarded by done_mutex: out of every poll and wait
  bool finished = false;     // guarded by done_mutex: the runtime is torn down
  bool abandoned = false;    // guarded by done_mutex

  // --- worker thread only ---
  unsigned steps_owed = 0;
  double throttle_rate = 2.0;
  std::chrono::steady_clock::time_point last_poll{};

  void emit_mode() const {
    Event e;
    e.kind = EventKind::ExecutorMode;
    e.a = static_cast<std::uint64_t>(mode.load());
    rt->emit(e);
  }

  // Any thread. False when the worker takes no more commands (a Sync is then
  // answered at once).
  void post(Command c) {
    {
      std::lock_guard lock(command_mutex);
      if (closed) {
        if (auto* s = std::get_if<Sync>(&c)) s->done->set_value();
        return;
      }
      commands.push_back(std::move(c));
      commands_pending.store(true, std::memory_order_release);
    }
    command_cv.notify_one();
    std::lock_guard lock(live_mutex);
    if (executor) executor->interrupt(); // a worker blocked on the queue re-checks commands
  }

  Spawner spawner_copy() {
    std::lock_guard lock(live_mutex);
    return spawner;
  }

  // Any thread, never blocking on the worker: undoes every wedge that is not
  // a poll stuck in user code. Shutting the channel makes every blocked send
  // (the executor's own, or a timer thread's, holding its timer's lock) give
  // up; cancelling the timers wakes their threads (and keeps later ones from
  // waiting); the interrupt and the flag wake a worker waiting for work or
  // for a command.
  void cancel() {
    stop.store(true, std::memory_order_relaxed);
    {
      std::lock_guard lock(live_mutex);
      if (executor) {
        executor->channel().shut_down();
        executor->interrupt();
      }
    }
    rt->timers().cancel();
    { std::lock_guard lock(command_mutex); }
    command_cv.notify_all();
  }

  // Worker thread: the old stop_runtime. Blocked senders have given up (the
  // channel is shut), every timer thread is cancelled and joined (dropping
  // the wakers it held), queued tasks are released, and the executor and
  // spawner go.
  void tear_down() {
    std::optional<Executor> ex;
    Spawner sp;
    {
      std::lock_guard lock(live_mutex);
      ex = std::move(executor);
      executor.reset();
      sp = std::move(spawner);
    }
    ex->channel().shut_down();
    rt->timers().shutdown();
    while (Task* t = ex->channel().try_recv()) t->release();
    sp = Spawner{};
    ex.reset();
    Event e;
    e.kind = EventKind::RuntimeReset;
    rt->emit(e);
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
            // (The local queue counts too: this is the worker, its consumer.)
            const auto queued = static_cast<unsigned>(std::min<std::size_t>(
                executor->channel().size() + executor->channel().local_size(), 1u << 20));
            steps_owed = std::min(steps_owed + cmd.polls, queued + 1);
            Event e;
            e.kind = EventKind::StepRequested;
            e.a = steps_owed;
            rt->emit(e);
          } else if constexpr (std::is_same_v<T, Throttle>) {
            throttle_rate = cmd.rate;
          } else if constexpr (std::is_same_v<T, TimeScale>) {
            if (auto* real = dynamic_cast<RealClock*>(res->clock.get()))
              real->set_time_scale(cmd.scale);
          } else if constexpr (std::is_same_v<T, Sync>) {
            cmd.done->set_value();
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
    command_cv.wait_for(lock, timeout,
                        [&] { return !commands.empty() || stop.load(std::memory_order_relaxed); });
  }

  void tick_or_wait() {
    Executor& ex = *executor;
    polling.store(true, std::memory_order_relaxed);
    const TickResult r = ex.try_tick();
    polling.store(false, std::memory_order_relaxed);
    if (r == TickResult::Polled) {
      last_poll = std::chrono::steady_clock::now();
      if (steps_owed > 0) --steps_owed;
      return;
    }
    // Empty (or closed: the controller's spawner keeps it open, so only after
    // a cancel). Block on the queue; commands interrupt the wait.
    (void)ex.wait_for_work(100ms);
  }

  void run() {
    RuntimeContext::set_thread_lane(Lane::Executor);
    while (!stop.load(std::memory_order_relaxed)) {
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
    {
      std::lock_guard lock(done_mutex);
      tearing_down = true;
    }
    done_cv.notify_all();
    tear_down();
    {
      std::lock_guard lock(command_mutex);
      closed = true;
      answer_syncs(commands);
    }
    bool was_abandoned = false;
    {
      std::lock_guard lock(done_mutex);
      finished = true;
      was_abandoned = abandoned;
    }
    done_cv.notify_all();
    if (was_abandoned) {
      std::lock_guard lock(g_abandoned.mutex);
      --g_abandoned.running;
      g_abandoned.cv.notify_all();
    }
  }
};

} // namespace

struct Controller::Impl {
  explicit Impl(ControllerOptions o) : res(std::make_shared<Resources>(o)), options(std::move(o)) {}

  std::shared_ptr<Resources> res;

  std::mutex retire_mutex;                        // serialises reset and shutdown
  bool shut_down = false;                         // guarded by retire_mutex
  std::vector<std::shared_ptr<Worker>> abandoned; // guarded by retire_mutex

  mutable std::mutex state_mutex; // guards the two below
  ControllerOptions options;
  std::shared_ptr<Worker> current; // null after shutdown

  std::shared_ptr<Worker> worker() const {
    std::lock_guard lock(state_mutex);
    return current;
  }

  // Builds a runtime for `o`, spawns its scenario and starts its thread.
  std::shared_ptr<Worker> start_worker(const ControllerOptions& o) {
    auto w = std::make_shared<Worker>(res, o);
    RuntimeContext::Options ro;
    ro.clock = res->clock.get();
    ro.strings = &res->strings;
    ro.log = &res->log;
    ro.timer_policy = o.timer_policy;
    w->rt = std::make_shared<RuntimeContext>(ro);
    if (o.hold_due_timers) {
      w->rt->gate().enable(DeliveryGate::Mode::Interactive);
    } else if (auto* v = dynamic_cast<VirtualClock*>(res->clock.get())) {
      v->attach_gate(nullptr); // a torn-down runtime's gate must not serve this one's idle moments
    }
    auto [executor, spawner] = executor_and_spawner(*w->rt, o.queue_capacity, o.queue_policy, o.timer_policy);
    w->executor.emplace(std::move(executor));
    w->spawner = std::move(spawner);
    w->mode = o.initial_mode;
    w->throttle_rate = o.throttle_polls_per_second;
    if (auto* real = dynamic_cast<RealClock*>(res->clock.get())) real->set_time_scale(o.time_scale);
    w->emit_mode();
    if (!o.scenario.empty()) {
      if (const Scenario* s = find_scenario(o.scenario)) {
        Spawner sp = w->spawner_copy();
        s->spawn(sp, o.params);
      }
    }
    // The thread holds the worker: an abandoned one outlives the Controller.
    w->thread = std::thread([w] { w->run(); });
    return w;
  }

  // Retire-mutex held. Cancels `w` and waits for its thread to tear the
  // runtime down; abandons it if the thread does not answer in time.
  void retire(const std::shared_ptr<Worker>& w) {
    w->cancel();
    std::unique_lock lock(w->done_mutex);
    // Answering: the worker is out of every poll and wait, tearing down. One
    // that is not inside a poll always answers (cancel() ended its wait), if
    // later on a loaded machine; only a poll can hold it for good. So it is
    // abandoned when still inside a poll after kAbandonAfter, and waited for
    // otherwise (bounded all the same).
    const auto give_up = std::chrono::steady_clock::now() + kGiveUp;
    bool answered = false;
    for (;;) {
      answered =
          w->done_cv.wait_for(lock, kAbandonAfter, [&] { return w->tearing_down || w->finished; });
      if (answered || w->polling.load(std::memory_order_relaxed) ||
          std::chrono::steady_clock::now() > give_up)
        break;
    }
    // Tearing down only joins cancelled timer threads (and runs the
    // destructors of queued futures): bounded, unless a destructor blocks.
    const bool finished =
        answered && w->done_cv.wait_for(lock, kGiveUp, [&] { return w->finished; });
    if (finished) {
      lock.unlock();
      w->thread.join();
      return;
    }
    {
      // Counted before it is marked: the worker uncounts itself when it finds
      // the mark (under done_mutex, which we hold), never before it is counted.
      std::lock_guard g(g_abandoned.mutex);
      ++g_abandoned.running;
    }
    w->abandoned = true;
    lock.unlock();
    // Mute first: whatever the stuck thread does from now on stays out of
    // the log, which the next runtime's events share.
    w->rt->mute();
    {
      std::lock_guard c(w->command_mutex);
      w->closed = true;
      answer_syncs(w->commands);
    }
    Event e;
    e.kind = EventKind::RuntimeAbandoned;
    e.a = w->polling.load(std::memory_order_relaxed) ? 1 : 0;
    // Appended by hand (the runtime is muted): thread row 0, "unknown".
    res->log.append(e, res->clock->now_ns(), Lane::Control, 0, 0);
    w->thread.detach();
    abandoned.push_back(w);
  }

  ShutdownReport report() {
    ShutdownReport r;
    for (const auto& w : abandoned) {
      std::lock_guard lock(w->done_mutex);
      if (w->finished) continue;
      ++r.abandoned_runtimes;
      r.polls_in_progress += w->polling.load(std::memory_order_relaxed) ? 1 : 0;
    }
    return r;
  }
};

Controller::Controller(ControllerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
  // Started here, so a spawn right after construction finds a runtime.
  impl_->current = impl_->start_worker(impl_->options);
}

Controller::~Controller() { (void)shutdown(); }

Controller::ShutdownReport Controller::shutdown() {
  std::lock_guard lock(impl_->retire_mutex);
  if (!impl_->shut_down) {
    impl_->shut_down = true;
    std::shared_ptr<Worker> w;
    {
      std::lock_guard s(impl_->state_mutex);
      w = std::move(impl_->current);
      impl_->current.reset();
    }
    if (w) impl_->retire(w);
  }
  return impl_->report();
}

bool Controller::wait_for_abandoned(std::chrono::milliseconds timeout) {
  std::unique_lock lock(g_abandoned.mutex);
  return g_abandoned.cv.wait_for(lock, timeout, [] { return g_abandoned.running == 0; });
}

void Controller::set_mode(ExecutorMode mode) {
  if (auto w = impl_->worker()) w->post(SetMode{mode});
}
void Controller::step(unsigned polls) {
  if (auto w = impl_->worker()) w->post(Step{polls});
}
void Controller::set_throttle(double polls_per_second) {
  if (!(polls_per_second > 0 && std::isfinite(polls_per_second))) return;
  if (auto w = impl_->worker()) w->post(Throttle{polls_per_second});
}
void Controller::set_time_scale(double scale) {
  if (!(scale > 0 && std::isfinite(scale))) return;
  if (auto w = impl_->worker()) w->post(TimeScale{scale});
}

void Controller::reset(ControllerOptions options) {
  std::lock_guard lock(impl_->retire_mutex);
  if (impl_->shut_down) return;
  std::shared_ptr<Worker> old;
  {
    std::lock_guard s(impl_->state_mutex);
    old = impl_->current;
    options.clock = impl_->options.clock; // the clock is fixed for the controller's life
    options.log_capacity = impl_->options.log_capacity;
  }
  impl_->retire(old);
  std::shared_ptr<Worker> fresh = impl_->start_worker(options);
  std::lock_guard s(impl_->state_mutex);
  impl_->options = std::move(options);
  impl_->current = std::move(fresh);
}
void Controller::reset() { reset(options()); }

bool Controller::deliver(TimerId timer) {
  auto w = impl_->worker();
  return w && w->rt->gate().release(timer);
}

std::size_t Controller::deliver_all() {
  auto w = impl_->worker();
  return w ? w->rt->gate().release_all() : 0;
}

Spawner Controller::spawner() {
  auto w = impl_->worker();
  return w ? w->spawner_copy() : Spawner{};
}

SpawnStatus Controller::spawn_timer(std::chrono::nanoseconds duration) {
  if (duration.count() < 0 || duration > kMaxTimer) return SpawnStatus::BadArgument;
  RuntimeContext::set_thread_lane(Lane::Control);
  Spawner sp = spawner();
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
  Spawner sp = spawner();
  return s->spawn(sp, options().params) ? SpawnStatus::Spawned : SpawnStatus::QueueFull;
}

EventLog& Controller::log() noexcept { return impl_->res->log; }
const StringTable& Controller::strings() const noexcept { return impl_->res->strings; }
std::uint64_t Controller::now_ns() const noexcept { return impl_->res->clock->now_ns(); }
ExecutorMode Controller::mode() const noexcept {
  auto w = impl_->worker();
  return w ? w->mode.load() : ExecutorMode::Pause;
}
ControllerOptions Controller::options() const {
  std::lock_guard lock(impl_->state_mutex);
  return impl_->options;
}

void Controller::sync() {
  auto w = impl_->worker();
  if (!w) return;
  std::promise<void> done;
  auto f = done.get_future();
  w->post(Sync{&done});
  f.wait();
}

} // namespace pollscope
