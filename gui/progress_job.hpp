// ProgressJob: one piece of long work (opening, saving or exporting a
// recording) on a thread of its own, so that the UI thread only draws while
// it runs (a progress bar, gui/progress_popup.hpp) and can cancel it.
//
// Threading contract
//   - The UI thread calls everything here, the destructor included.
//   - The work runs on the job's thread and reports through the ProgressFn it
//     is given. done/total are relaxed atomics: figures for the bar, read
//     while they change. The callback returns false once cancel() was called
//     (relaxed too: a cancel seen one block late costs one block of work).
//   - The job's thread stores `finished_` (release) after the work returned;
//     `finished()` loads it (acquire), so once it says true the UI may read
//     the result and whatever the work built, and take() joins at once.
//   - Whatever the work reads or writes must outlive the job, or be handed
//     over through the work's own captures: the destructor cancels the work
//     and joins it.
#pragma once

#include "record/recording_file.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace pollscope::gui {

class ProgressJob {
public:
  using Work = std::function<RecordingStatus(const ProgressFn&)>;

  ProgressJob() = default;
  ~ProgressJob();
  ProgressJob(const ProgressJob&) = delete;
  ProgressJob& operator=(const ProgressJob&) = delete;

  // Starts `work` on a new thread; the job must not be running. `title` is
  // what the popup says ("Saving run.pscope").
  void start(std::string title, Work work);
  // Started, and its result not taken yet.
  [[nodiscard]] bool running() const noexcept { return thread_.joinable(); }
  // The work has returned: take() will not block.
  [[nodiscard]] bool finished() const noexcept { return finished_.load(std::memory_order_acquire); }
  // Joins the thread and hands over the work's status; the job is idle again.
  [[nodiscard]] RecordingStatus take();

  void cancel() noexcept { cancel_.store(true, std::memory_order_relaxed); }
  [[nodiscard]] bool cancel_requested() const noexcept {
    return cancel_.load(std::memory_order_relaxed);
  }

  [[nodiscard]] const std::string& title() const noexcept { return title_; }
  [[nodiscard]] std::uint64_t done() const noexcept {
    return done_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t total() const noexcept {
    return total_.load(std::memory_order_relaxed);
  }
  // done / total in [0, 1]; 0 before the first report.
  [[nodiscard]] float fraction() const noexcept;
  // Seconds on the UI's clock when it started (for the popup's delay).
  double started_at = 0.0;

private:
  std::string title_;
  RecordingStatus status_; // written by the job's thread before finished_
  std::atomic<std::uint64_t> done_{0}, total_{0};
  std::atomic<bool> cancel_{false};
  std::atomic<bool> finished_{false};
  std::thread thread_; // last: started once everything above exists
};

} // namespace pollscope::gui
