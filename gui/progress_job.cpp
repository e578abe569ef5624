#include "gui/progress_job.hpp"

#include <utility>

namespace pollscope::gui {

ProgressJob::~ProgressJob() {
  cancel();
  if (thread_.joinable()) thread_.join();
}

void ProgressJob::start(std::string title, Work work) {
  title_ = std::move(title);
  status_ = {};
  done_.store(0, std::memory_order_relaxed);
  total_.store(0, std::memory_order_relaxed);
  cancel_.store(false, std::memory_order_relaxed);
  finished_.store(false, std::memory_order_relaxed);
  thread_ = std::thread([this, work = std::move(work)] {
    const ProgressFn progress = [this](std::uint64_t done, std::uint64_t total) {
      total_.store(total, std::memory_order_relaxed);
      done_.store(done, std::memory_order_relaxed);
      return !cancel_requested();
    };
    RecordingStatus s;
    try {
      s = work(progress);
    } catch (const std::exception& e) {
      s = {e.what()};
    }
    status_ = std::move(s);
    finished_.store(true, std::memory_order_release);
  });
}

RecordingStatus ProgressJob::take() {
  if (thread_.joinable()) thread_.join();
  finished_.store(false, std::memory_order_relaxed);
  return std::exchange(status_, {});
}

float ProgressJob::fraction() const noexcept {
  const std::uint64_t total = this->total();
  if (total == 0) return 0.0f;
  const std::uint64_t done = this->done();
  return done >= total ? 1.0f : static_cast<float>(static_cast<double>(done) / total);
}

} // namespace pollscope::gui
