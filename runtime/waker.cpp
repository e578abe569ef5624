#include "waker.hpp"

#include "runtime_context.hpp"

#include <utility>

namespace pollscope {
namespace {

Event waker_event(EventKind kind, WakerId id, TaskId task) {
  Event e;
  e.kind = kind;
  e.waker = id;
  e.task = task;
  return e;
}

} // namespace

Waker Waker::adopt(void* data, const RawWakerVTable* vtable) {
  Waker w;
  w.data_ = data;
  w.vtable_ = vtable;
  w.owned_ = true;
  RuntimeContext* rt = vtable->runtime_of(data);
  w.rt_ = rt;
  w.logs_ = rt != nullptr && rt->logging();
  static std::atomic<WakerId> orphan_ids{1u << 31}; // wakers outside any runtime
  w.id_ = rt != nullptr ? rt->next_waker_id() : orphan_ids.fetch_add(1, std::memory_order_relaxed);
  if (rt != nullptr) {
    rt->waker_born(w.id_);
    Event e = waker_event(EventKind::WakerCreated, w.id_, vtable->task_of(data));
    e.a = static_cast<std::uint64_t>(vtable->kind);
    rt->emit(e);
  }
  return w;
}

Waker Waker::borrowed(void* data, const RawWakerVTable* vtable, WakerId id) noexcept {
  RuntimeContext* rt = vtable->runtime_of(data);
  return borrowed(data, vtable, id, rt, rt != nullptr && rt->logging());
}

Waker::Waker(Waker&& o) noexcept
    : data_(std::exchange(o.data_, nullptr)),
      vtable_(std::exchange(o.vtable_, nullptr)),
      rt_(std::exchange(o.rt_, nullptr)),
      id_(std::exchange(o.id_, 0)),
      owned_(std::exchange(o.owned_, false)),
      logs_(std::exchange(o.logs_, false)) {}

Waker& Waker::operator=(Waker&& o) noexcept {
  if (this != &o) {
    reset();
    data_ = std::exchange(o.data_, nullptr);
    vtable_ = std::exchange(o.vtable_, nullptr);
    rt_ = std::exchange(o.rt_, nullptr);
    id_ = std::exchange(o.id_, 0);
    owned_ = std::exchange(o.owned_, false);
    logs_ = std::exchange(o.logs_, false);
  }
  return *this;
}

TaskId Waker::task() const noexcept { return vtable_ != nullptr ? vtable_->task_of(data_) : 0; }

void Waker::drop_owned() noexcept {
  if (rt_ != nullptr) {
    rt_->waker_died(id_);
    if (rt_->logging())
      rt_->emit(waker_event(EventKind::WakerDropped, id_, vtable_->task_of(data_)));
  }
  vtable_->drop(data_);
}

void Waker::reset() noexcept {
  if (owned_) drop_owned();
  data_ = nullptr;
  vtable_ = nullptr;
  rt_ = nullptr;
  id_ = 0;
  owned_ = false;
  logs_ = false;
}

Waker Waker::clone() const {
  if (vtable_ == nullptr) return {};
  Waker w;
  w.data_ = vtable_->clone(data_);
  w.vtable_ = vtable_;
  w.owned_ = true;
  RuntimeContext* rt = rt_;
  w.rt_ = rt;
  w.logs_ = logs_;
  static std::atomic<WakerId> orphan_ids{1u << 30};
  w.id_ = rt != nullptr ? rt->next_waker_id() : orphan_ids.fetch_add(1, std::memory_order_relaxed);
  if (rt != nullptr) {
    rt->waker_born(w.id_);
    Event e = waker_event(EventKind::WakerCloned, w.id_, vtable_->task_of(data_));
    e.b = id_;
    rt->emit(e);
  }
  return w;
}

void Waker::wake() && {
  if (vtable_ == nullptr) return;
  if (!owned_) { // waking a borrowed waker cannot consume it
    wake_by_ref();
    return;
  }
  RuntimeContext* rt = std::exchange(rt_, nullptr);
  const TaskId task = vtable_->task_of(data_);
  if (rt != nullptr) {
    rt->emit(waker_event(EventKind::WakerWoken, id_, task));
    rt->waker_died(id_);
  }
  // The vtable's wake releases our reference; log the drop before it, since
  // the release may free the task (TaskDropped must come after WakerDropped).
  void* data = std::exchange(data_, nullptr);
  const RawWakerVTable* vt = std::exchange(vtable_, nullptr);
  const WakerId id = std::exchange(id_, 0);
  owned_ = false;
  logs_ = false;
  vt->wake_by_ref(data, id);
  if (rt != nullptr) rt->emit(waker_event(EventKind::WakerDropped, id, task));
  vt->drop(data);
}

void Waker::log_woken_by_ref() const {
  Event e = waker_event(EventKind::WakerWoken, id_, vtable_->task_of(data_));
  e.flags = kFlagByRef;
  rt_->emit(e);
}

// --- CountingWaker --------------------------------------------------------

struct CountingWaker::State {
  std::atomic<long> refs{1}; // one for the CountingWaker itself
  std::atomic<unsigned> wakes{0};
  RuntimeContext* rt = nullptr;

  static State* of(void* p) { return static_cast<State*>(p); }
  static void release(State* s) {
    if (s->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete s;
  }
  static const RawWakerVTable vtable;
};

const RawWakerVTable CountingWaker::State::vtable = {
    [](void* p) -> void* {
      State::of(p)->refs.fetch_add(1, std::memory_order_relaxed);
      return p;
    },
    [](void* p, WakerId) {
      State::of(p)->wakes.fetch_add(1, std::memory_order_relaxed);
      State::release(State::of(p));
    },
    [](void* p, WakerId) { State::of(p)->wakes.fetch_add(1, std::memory_order_relaxed); },
    [](void* p) { State::release(State::of(p)); },
    [](void*) -> TaskId { return 0; },
    [](void* p) -> RuntimeContext* { return State::of(p)->rt; },
    WakerKind::Counting,
};

CountingWaker::CountingWaker(RuntimeContext* rt)
    : state_(new State, [](State* s) { State::release(s); }) {
  state_->rt = rt;
}

Waker CountingWaker::waker() const {
  state_->refs.fetch_add(1, std::memory_order_relaxed);
  return Waker::adopt(state_.get(), &State::vtable);
}

unsigned CountingWaker::wakes() const noexcept {
  return state_->wakes.load(std::memory_order_relaxed);
}
long CountingWaker::live_refs() const noexcept {
  return state_->refs.load(std::memory_order_relaxed) - 1;
}

} // namespace pollscope
