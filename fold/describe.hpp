// Words for the screen: a one-line description of any event, the "what just
// happened" line, durations, and the one-line help for each concept the GUI
// lets the user hover.
#pragma once

#include "fold/state.hpp"
#include "runtime/event.hpp"
#include "runtime/string_table.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace pollscope::fold {

// "task 1 (hello-world) polled: Pending at main.cpp:12 (12.0 µs)",
// "timer 1 fired", "waker 3 woke task 1, by ref". With `state`, task names are
// looked up in it (the current runtime: describing an event from before a
// reset may name the wrong task, so the event log passes nullptr for those).
[[nodiscard]] std::string describe(const Event& e, const StringTable& strings,
                                   const FoldState* state = nullptr);

// "task 1" or "task 1 (hello-world)" when the name is known.
[[nodiscard]] std::string task_label(TaskId task, const StringTable& strings,
                                     const FoldState* state);

// The "what just happened" line: "Executor polled task 1 (hello-world): Pending".
[[nodiscard]] std::string describe_flow(const FoldState& state, const StringTable& strings);
// The same for a flow step other than the latest (the book's moment).
[[nodiscard]] std::string describe_flow(const FlowView& flow, const FoldState& state,
                                        const StringTable& strings);

// The diagram's top line, a pure function of the state (so the line, the
// step ring and the wake arrow, all drawn from one state, always agree).
struct Narration {
  int step = 0;       // the book step it tells (state.book.step); 0: none yet
  TaskId task = 0;    // the task that took it (state.book.task)
  std::string moment; // that step: "Timer 1 stored a clone of task 1 (hello-world)'s waker"
  std::string since;  // the latest flow step, when the flow moved on after it; else ""
  bool operator==(const Narration&) const = default;
};
[[nodiscard]] Narration narrate(const FoldState& state, const StringTable& strings);
// "Step 4 of 9 — Timer 1 stored ...; since then: Executor polled task 1: Pending".
[[nodiscard]] std::string narration_line(const FoldState& state, const StringTable& strings);

// "850 ns", "12.0 µs", "3.25 ms", "57.4 ms", "574 ms", "2.000 s".
[[nodiscard]] std::string format_duration(std::uint64_t ns);

// The concepts the GUI explains on hover.
enum class Concept : std::uint8_t {
  Waker,
  Pending,
  Ready,
  RunQueue,
  Spawner,
  Executor,
  Task,
  TimerThread,
  Poll,
  WakeByRef,
  Clone,
  Drop,
};
inline constexpr std::size_t kConceptCount = 12;
[[nodiscard]] std::string_view to_string(Concept c) noexcept; // "waker", "run queue"
[[nodiscard]] std::string_view help(Concept c) noexcept;      // one line

} // namespace pollscope::fold
