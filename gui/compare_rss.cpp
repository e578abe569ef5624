#include "gui/compare_rss.hpp"

#include <utility>

namespace pollscope::gui {

void PeakRssMeasurement::start(std::string exe, std::vector<std::string> args) {
  cancel();
  cancel_.store(false);
  done_.store(false, std::memory_order_relaxed); // no worker runs: nothing to order with
  result_ = SideRun{};
  started_ = true;
  worker_ = std::thread([this, exe = std::move(exe), args = std::move(args)] {
    SideRun r = run_side_in_child(exe, args, &cancel_);
    result_ = std::move(r);
    done_.store(true, std::memory_order_release); // result_ is the UI's from here
  });
}

void PeakRssMeasurement::cancel() noexcept {
  if (!worker_.joinable()) return;
  cancel_.store(true); // the child is killed; the worker returns
  worker_.join();
  started_ = false; // a cancelled run's outcome is not a measurement
}

void PeakRssMeasurement::wait() noexcept {
  if (worker_.joinable()) worker_.join(); // done_ was stored before the thread ended
}

PeakRssMeasurement::Status PeakRssMeasurement::status() const noexcept {
  if (!started_) return Status::Idle;
  return done_.load(std::memory_order_acquire) ? Status::Done : Status::Measuring;
}

} // namespace pollscope::gui
