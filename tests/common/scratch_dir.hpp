// A scratch folder for tests that write files: unique per process and
// instance, removed with everything in it when the test is done.
#pragma once

#include <filesystem>
#include <random>
#include <string>
#include <system_error>

#include <unistd.h>

namespace pollscope::test {

struct Scratch {
  explicit Scratch(const std::string& prefix = "pollscope-test") {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() /
          (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir);
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  [[nodiscard]] std::string operator/(const char* name) const { return (dir / name).string(); }
  std::filesystem::path dir;
};

} // namespace pollscope::test
