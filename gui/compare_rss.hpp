// PeakRssMeasurement: compare mode's "peak RSS" for one side. Two runtimes in
// one process share one resident set, so the side is run again, headless, in
// a child process (cli/compare_run.hpp), on a worker thread of its own: the
// UI only ever asks whether it has finished.
//
// Threading contract
//   - start(), cancel(), wait(), status(), result() and the destructor are
//     for one thread at a time: the UI's (and, once compare mode is left,
//     the thread the App tears it down on).
//   - The worker runs run_side_in_child once, writes `result_`, then stores
//     `done_` (release). status() loads `done_` (acquire) and result() reads
//     `result_` only once status() said Done: the worker never touches it
//     again after that store.
//   - `cancel_` is the flag run_side_in_child watches (it then kills the
//     child), so cancel() returns as soon as the child is gone; it joins the
//     worker, and the destructor cancels. Leaving compare mode, a Reset and
//     quitting all cancel a measurement still running.
#pragma once

#include "cli/compare_run.hpp"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace pollscope::gui {

class PeakRssMeasurement {
public:
  enum class Status {
    Idle,      // never started, or cancelled
    Measuring, // the child runs
    Done,      // result() holds the outcome (an error too)
  };

  PeakRssMeasurement() = default;
  ~PeakRssMeasurement() { cancel(); }
  PeakRssMeasurement(const PeakRssMeasurement&) = delete;
  PeakRssMeasurement& operator=(const PeakRssMeasurement&) = delete;

  // Cancels any measurement still running, then runs `exe` ("" = this
  // process's own binary) with `args` in a child.
  void start(std::string exe, std::vector<std::string> args);
  void cancel() noexcept;
  // Blocks until the child has finished on its own (tests; the UI never waits).
  void wait() noexcept;

  [[nodiscard]] Status status() const noexcept;
  [[nodiscard]] const SideRun& result() const noexcept { return result_; } // once Done

private:
  std::thread worker_;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> done_{false};
  bool started_ = false; // UI thread only
  SideRun result_;       // the worker's until done_, the UI's after
};

} // namespace pollscope::gui
