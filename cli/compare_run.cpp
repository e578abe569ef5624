#include "cli/compare_run.hpp"

namespace pollscope {

// The lead's placeholder; issue #14's compare work replaces it.
SideRun run_side_in_child(const std::string&, const std::vector<std::string>&,
                          const std::atomic<bool>*) {
  SideRun r;
  r.error = "not measured yet";
  return r;
}

} // namespace pollscope
