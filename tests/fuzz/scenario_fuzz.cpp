// libFuzzer target for the scenario-file parser: any bytes in, a model or a
// message out — never a crash, a sanitizer report, a hang or an unbounded
// allocation. Built only by tests/fuzz/build.sh (clang with libFuzzer).
#include "runtime/scenario_file.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const pollscope::ScenarioParseResult r = pollscope::parse_scenario(text, "fuzz.json");
  // Exactly one of the two, and an error always names the input.
  if (r.model.has_value() == !r.error.empty()) __builtin_trap();
  if (!r.model && r.error.rfind("fuzz.json", 0) != 0) __builtin_trap();
  return 0;
}
