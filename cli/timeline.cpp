#include "cli/timeline.hpp"

#include "fold/describe.hpp"
#include "fold/lints.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace pollscope {

void print_timeline_header(std::string_view scenario, std::string_view clock) {
  std::printf("pollscope: scenario %s on the %s clock%s\n", std::string(scenario).c_str(),
              std::string(clock).c_str(),
              clock == "virtual" ? " (time jumps to the next deadline)" : "");
}

void print_event(const Event& e, std::uint64_t shown_t, const StringTable& strings,
                 const fold::FoldState& state, bool quiet) {
  const double secs = static_cast<double>(shown_t) / 1e9;
  if (e.kind == EventKind::Output) {
    std::printf("[%8.3f s] %-8s  %s\n", secs, "OUTPUT",
                std::string(strings.get(field::output_text(e))).c_str());
  } else if (!quiet) {
    std::printf("[%8.3f s] %-8s  %s\n", secs, std::string(to_string(e.lane)).c_str(),
                fold::describe(e, strings, &state).c_str());
  }
  if (e.kind == EventKind::TaskCompleted && !quiet) {
    // The book's executor prints this whenever a poll returns Ready.
    std::printf("[%8.3f s] %-8s  The future is done running\n", secs, "executor");
  }
}

int print_lints(const fold::FoldState& state, const StringTable& strings) {
  const std::vector<fold::Lint> lints = fold::evaluate(state, fold::LintThresholds{});
  if (lints.empty()) {
    std::printf("lints: none\n");
    return 0;
  }
  std::printf("lints: %zu fired\n", lints.size());
  for (const fold::Lint& l : lints) {
    std::printf("  %-18s %s (x%llu; first at event #%llu, %.3f s)\n",
                std::string(fold::to_string(l.kind)).c_str(),
                fold::message(l, state, strings).c_str(), (unsigned long long)l.count,
                (unsigned long long)l.event, static_cast<double>(l.t) / 1e9);
  }
  return 3;
}

} // namespace pollscope
