#include "bench_cli.hpp"

#include "runtime/policy.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <iostream>

namespace pollscope::bench {

BenchCli::BenchCli(std::string description) : app(std::move(description)) {
  app.require_subcommand(1);
}

void BenchCli::add_policy_options(std::initializer_list<CLI::App*> subs) {
  for (CLI::App* sub : subs) {
    sub->add_option("--queue-policy", queue_policy, "book (default), notified or local")
        ->check(CLI::IsMember({"book", "notified", "local"}));
    sub->add_option("--timer-policy", timer_policy, "thread-per-timer (default) or timer-thread")
        ->check(CLI::IsMember({"thread-per-timer", "timer-thread"}));
  }
}

namespace {

std::string join(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

} // namespace

int BenchCli::main(int argc, char** argv, std::string_view program,
                   const std::vector<std::string_view>& workloads, std::string_view other_program,
                   const std::vector<std::string_view>& other_workloads) {
  if (argc > 1 && argv[1][0] != '-') {
    const std::string_view w = argv[1];
    const auto has = [&](const std::vector<std::string_view>& names) {
      return std::find(names.begin(), names.end(), w) != names.end();
    };
    if (!has(workloads)) {
      if (has(other_workloads)) {
        std::fprintf(stderr, "%.*s: '%s' is a workload of %.*s (this one has %s)\n",
                     static_cast<int>(program.size()), program.data(), argv[1],
                     static_cast<int>(other_program.size()), other_program.data(),
                     join(workloads).c_str());
      } else {
        std::fprintf(stderr, "%.*s: unknown workload '%s' (%s; %.*s has %s)\n",
                     static_cast<int>(program.size()), program.data(), argv[1],
                     join(workloads).c_str(), static_cast<int>(other_program.size()),
                     other_program.data(), join(other_workloads).c_str());
      }
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e); // --help
  } catch (const CLI::ParseError& e) {
    (void)app.exit(e);
    return 2;
  }

  bench_policies().queue = *parse_queue_policy(queue_policy);
  bench_policies().timer = *parse_timer_policy(timer_policy);
  try {
    Json j = run();
    j["queue_policy"] = queue_policy;
    j["timer_policy"] = timer_policy;
    std::cout << j.dump() << std::endl;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(program.size()), program.data(), e.what());
    return 1;
  }
  return 0;
}

} // namespace pollscope::bench
