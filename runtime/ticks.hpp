// Ticks: the cheapest monotonic counter this CPU offers, and its rate in ns.
//
// Why not just std::chrono::steady_clock: the executor reads the time twice
// per poll when logging, so the read is on the hot path. In the VMs we run on
// (kvm-clock), a steady_clock read costs ~28 ns on a quiet machine and 70-200
// ns while the other core is busy — the event consumer always is — whereas the
// CPU's time-stamp counter (rdtsc) costs ~11 ns either way. So on x86-64 with
// an invariant TSC (constant rate, runs in every power state: CPUID
// 0x80000007 EDX bit 8) that the kernel also trusts (it lists "tsc" among the
// available clocksources, i.e. its watchdog found the cores in step) ticks
// are TSC cycles, converted with a rate measured once against steady_clock;
// anywhere else ticks are steady_clock nanoseconds and the rate is 1.
//
// Threading contract: everything here may be called from any thread.
// `tick_rate()` calibrates on its first call (a function-local static: C++
// guarantees one initialisation, and every other caller waits for it); the
// calibration spins ~10 ms, once per process.
#pragma once

#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace pollscope {

struct TickRate {
  bool tsc = false;         // ticks are TSC cycles (else steady_clock ns)
  double ns_per_tick = 1.0; // measured once
};

// steady_clock::now() in ns since its epoch (declared here, defined in
// ticks.cpp, so this header needs no <chrono>).
[[nodiscard]] std::uint64_t steady_clock_ns() noexcept;

// The rate and source, measured on first use.
[[nodiscard]] const TickRate& tick_rate() noexcept;

// The current tick count. Only differences are meaningful.
[[nodiscard]] inline std::uint64_t read_ticks(const TickRate& rate) noexcept {
#if defined(__x86_64__)
  if (rate.tsc) return __rdtsc();
#endif
  (void)rate;
  return steady_clock_ns();
}

} // namespace pollscope
