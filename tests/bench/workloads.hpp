// The workloads of pollscope-bench, one file each (the Rust anchor's
// workloads plus the two only pollscope has: log and reset). Each returns
// the JSON object main.cpp prints as one line.
//
//   yield_bench.cpp    yield N K [--events]   ns per poll of self-waking tasks
//   spawn_bench.cpp    spawn N [--events] [--pin-cores]  ns per spawned+polled+dropped task
//   timers_bench.cpp   timers N D [--events]  N concurrent D-ms timers
//   latency_bench.cpp  latency R D [--events] lateness of R sequential D-ms timers
//   log_bench.cpp      log [M]                EventLog append and drain+fold rates
//   reset_bench.cpp    reset [T]              tearing down T waiting timer threads
//   seek_bench.cpp     seek [E] [T] [S]       cursor seeks to random events of a recorded run
//   recording_bench.cpp recording [M]         .pscope save/stream/open and trace export of M events
//   timeline_bench.cpp timeline [E] [T] [R]   the timeline's index over E events: build, frame
//   queries
#pragma once

#include "bench_common.hpp"

#include <cstddef>
#include <cstdint>

namespace pollscope::bench {

[[nodiscard]] Json yield_bench(std::size_t n, std::size_t k, bool events);
[[nodiscard]] Json spawn_bench(std::size_t n, bool events, bool pin_cores = false);
[[nodiscard]] Json timers_bench(std::size_t n, std::uint64_t d_ms, bool events);
[[nodiscard]] Json latency_bench(std::size_t reps, std::uint64_t d_ms, bool events);
// `events_per_producer` appends per producer thread for the append figures.
[[nodiscard]] Json log_bench(std::size_t events_per_producer);
[[nodiscard]] Json reset_bench(std::size_t timers);
// E events of T yielding tasks recorded by the FoldPump, then S random seeks.
[[nodiscard]] Json seek_bench(std::size_t events, std::size_t tasks, std::size_t seeks);
[[nodiscard]] Json recording_bench(std::size_t events);
// A synthetic E-event log of T tasks and R timer threads into fold::Timeline,
// then frames of timeline queries zoomed out, on one poll, and panning.
[[nodiscard]] Json timeline_bench(std::size_t events, std::size_t tasks, std::size_t timers);

} // namespace pollscope::bench
