#include "ticks.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace pollscope {
namespace {

#if defined(__x86_64__)
bool has_invariant_tsc() noexcept {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(0x80000000u, &eax, &ebx, &ecx, &edx) == 0 || eax < 0x80000007u) return false;
  if (__get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (edx & (1u << 8)) != 0;
}

bool kernel_trusts_tsc() noexcept {
  std::FILE* f =
      std::fopen("/sys/devices/system/clocksource/clocksource0/available_clocksource", "r");
  if (f == nullptr) return false;
  char buf[256] = {};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  // Space-separated names: look for the whole word "tsc".
  for (const char* p = std::strstr(buf, "tsc"); p != nullptr; p = std::strstr(p + 1, "tsc")) {
    const bool starts = p == buf || p[-1] == ' ';
    const char after = p[3];
    if (starts && (after == ' ' || after == '\n' || after == '\0')) return n > 0;
  }
  return false;
}

// One (tsc, steady ns) pair: the steady read bracketed by two TSC reads,
// keeping the tightest of a few tries, so a preemption or a slow vDSO read
// between the two does not skew the rate.
struct Pair {
  std::uint64_t tsc;
  std::uint64_t ns;
};
Pair bracketed_pair() noexcept {
  Pair best{0, 0};
  std::uint64_t best_width = std::numeric_limits<std::uint64_t>::max();
  for (int i = 0; i < 7; ++i) {
    const std::uint64_t a = __rdtsc();
    const std::uint64_t ns = steady_clock_ns();
    const std::uint64_t b = __rdtsc();
    if (b - a < best_width) {
      best_width = b - a;
      best = {a + (b - a) / 2, ns};
    }
  }
  return best;
}

TickRate calibrate() noexcept {
  TickRate r;
  // POLLSCOPE_TICKS=steady or =tsc overrides the choice below (to compare
  // the two, or to rule the TSC out when timestamps look odd).
  const char* force = std::getenv("POLLSCOPE_TICKS");
  if (force != nullptr && std::strcmp(force, "steady") == 0) return r;
  const bool forced_tsc = force != nullptr && std::strcmp(force, "tsc") == 0;
  if (!has_invariant_tsc()) return r;
  // The CPU's word is not enough in a VM: vCPUs may run with TSC offsets a
  // few hundred cycles apart (measured here: ~200), so two threads' stamps
  // could disagree by ~100 ns and a timer could wake "early". The kernel's
  // clocksource watchdog checks exactly this and removes "tsc" from the
  // available clocksources when it fails; we follow its verdict.
  if (!forced_tsc && !kernel_trusts_tsc()) return r;
  // 10 ms: with brackets of ~50 ns the rate is good to ~1e-5, i.e. ~20 us
  // over a 2 s timer, well inside a thread wake-up's own jitter.
  constexpr std::uint64_t kWindowNs = 10'000'000;
  const Pair start = bracketed_pair();
  while (steady_clock_ns() - start.ns < kWindowNs) {
  }
  const Pair end = bracketed_pair();
  if (end.tsc <= start.tsc || end.ns <= start.ns) return r;
  const double ns_per_tick =
      static_cast<double>(end.ns - start.ns) / static_cast<double>(end.tsc - start.tsc);
  // A TSC between 100 MHz and 100 GHz; anything else means it cannot be trusted.
  if (!(ns_per_tick > 0.01 && ns_per_tick < 10.0)) return r;
  r.tsc = true;
  r.ns_per_tick = ns_per_tick;
  return r;
}
#else
TickRate calibrate() noexcept { return TickRate{}; }
#endif

} // namespace

std::uint64_t steady_clock_ns() noexcept {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

const TickRate& tick_rate() noexcept {
  static const TickRate rate = calibrate();
  return rate;
}

} // namespace pollscope
