// FoldPump: drains a runtime's event log on its own thread, folds every
// event, keeps it in an EventStore with checkpoints of the fold (a Recorder),
// and hands the reader consistent snapshots. The one pump: the GUI and the
// headless CLI both use it.
//
// Why a thread: the log is bounded and lossless, so a producer waits when it
// is full. If the UI drained it once per frame, a slow frame, a minimised
// window or a modal drag would throttle the executor. The pump drains
// continuously, whatever the UI is doing.
//
// Threading contract
//   - The pump thread is the log's one consumer (EventLog's contract) and the
//     only thread that touches the Recorder's writer side (fold, store,
//     checkpoints) and the event sink.
//   - `latest()` is for one UI thread. It returns a Snapshot that the pump
//     never touches until the UI calls `latest()` again: a triple buffer.
//     The pump copies the fold's state into its private back buffer, then,
//     under `mutex_`, swaps it with the shared middle buffer; the UI swaps the
//     middle with its front buffer under the same mutex. The mutex is held for
//     pointer swaps only, so neither side ever waits on the other's work.
//   - The pump copies only after the UI took the previous snapshot (`want_`),
//     so it does at most one copy per UI frame, and none while minimised.
//   - A snapshot's EventsView covers events [0, count) of the store; the
//     mutex hand-off makes those (and their checkpoints) visible to the UI,
//     so a Cursor over `store()` and `checkpoints()` may seek below it.
//   - Counters in `stats()` are relaxed atomics: figures for display only.
//   - File mode has no pump thread: the constructor does the pump's work on
//     the caller's thread before any reader can see the object.
#pragma once

#include "fold/fold.hpp"
#include "record/recorder.hpp"
#include "runtime/event_log.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

namespace pollscope::record {

struct Snapshot {
  fold::FoldState state;
  EventsView events;        // every event the state was folded from
  std::uint64_t folded = 0; // log events folded into `state` (kept or not)
  std::uint64_t serial = 0; // 0: nothing published yet; +1 per publication
};

struct PumpStats {
  std::uint64_t events = 0;  // folded so far
  std::uint64_t fold_ns = 0; // time spent in Fold::apply, total
  // The same in the pump thread's CPU time (steadier than wall time on a
  // busy machine; page faults count, being the thread's own).
  std::uint64_t fold_cpu_ns = 0;
  std::uint64_t copy_ns = 0; // time spent copying state into snapshots, total
};

class FoldPump {
public:
  // Called on the pump thread with each drained batch, after it was folded
  // (the --events JSON writer, which flushes per batch so a reader of the
  // file sees events as they happen).
  using EventSink = std::function<void(std::span<const Event>)>;
  // Called on the pump thread for each event, right after it was folded,
  // with the state as of that event (the headless timeline printer).
  using EventObserver = std::function<void(const Event&, const fold::FoldState&)>;

  explicit FoldPump(EventLog& log, EventSink sink = {}, EventObserver observer = {},
                    CheckpointPolicy policy = {});
  // File mode (an opened recording): folds and stores `events` here, on the
  // caller's thread, and publishes one snapshot of them all. No thread, no
  // log: `latest()` returns that snapshot for ever, `flush()` and `stop()`
  // have nothing to do. The store and checkpoints serve a Cursor as live.
  explicit FoldPump(std::span<const Event> events, CheckpointPolicy policy = {});
  ~FoldPump(); // stops and joins the thread; events still in the log stay there
  FoldPump(const FoldPump&) = delete;
  FoldPump& operator=(const FoldPump&) = delete;

  // UI thread: the newest published snapshot. Valid and unchanged until the
  // next call.
  [[nodiscard]] const Snapshot& latest();

  // UI thread, tests: blocks until every event appended to the log before
  // this call has been folded and is in a snapshot `latest()` returns.
  // The interactive GUI never calls it.
  void flush();

  // Reader thread, once every producer is done (the headless CLI: after the
  // runtime and its timer threads are joined): drains the log to the end,
  // folds and writes (sink) every event, publishes a last snapshot that
  // `latest()` returns, and joins the pump thread. Idempotent.
  void stop();

  [[nodiscard]] PumpStats stats() const noexcept;

  // For a Cursor: readers follow the published counts (see the contract).
  [[nodiscard]] const EventStore& store() const noexcept { return recorder_.store(); }
  [[nodiscard]] const Checkpoints& checkpoints() const noexcept { return recorder_.checkpoints(); }
  // For the Timeline and Histograms panels: query at the snapshot's events.count.
  [[nodiscard]] const fold::Timeline& timeline() const noexcept { return recorder_.timeline(); }
  [[nodiscard]] std::size_t runtime_begin_at(std::size_t i) const {
    return recorder_.runtime_begin_at(i);
  }

private:
  void run();
  std::size_t drain_once(std::vector<Event>& batch);
  void publish_if_wanted(bool force = false);

  EventLog* log_; // null in file mode
  EventSink sink_;
  EventObserver observer_;
  Recorder recorder_;  // writer: pump thread
  bool dirty_ = false; // folded since the last publication

  // The triple buffer. back_: pump only; front_: UI only; middle_: shared.
  std::unique_ptr<Snapshot> back_, middle_, front_;
  std::mutex mutex_;                  // guards middle_, fresh_, want_
  std::condition_variable wake_;      // to the pump: UI wants a snapshot, or stop
  std::condition_variable published_; // to flush(): a snapshot was published
  bool fresh_ = false;                // middle_ is newer than front_
  bool want_ = true;                  // the UI took the last one: publish again
  std::uint64_t serial_ = 0;          // pump only
  std::uint64_t folded_ = 0;          // pump only

  std::atomic<std::uint64_t> events_{0}, fold_ns_{0}, fold_cpu_ns_{0}, copy_ns_{0};
  std::atomic<bool> stop_{false};
  bool drain_on_stop_ = false; // written before stop_ under mutex_, read by the pump after
  std::thread thread_;         // last: starts after every member above exists
};

} // namespace pollscope::record
