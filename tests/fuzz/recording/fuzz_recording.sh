#!/usr/bin/env bash
# Builds the .pscope loader's libFuzzer target with clang 19 (g++ has no
# libFuzzer; Debian 12's clang 14 cannot compile the runtime's C++20) and runs
# it on the committed seed corpus of real recordings.
#
#   tests/fuzz/recording/fuzz_recording.sh            # CI: a bounded 30 s run
#   tests/fuzz/recording/fuzz_recording.sh 600        # seconds to run
#   RUNS=10000000 tests/fuzz/recording/fuzz_recording.sh   # an exact number of executions
#
# Needs: apt-get install -y clang-19 libclang-rt-19-dev libxxhash-dev libfmt-dev
# nlohmann-json3-dev. Exit status: 0 = no crash, 1 = a crash (its input is in
# $OUT/artifacts/, reproduce with `$OUT/fuzz_recording $OUT/artifacts/crash-*`),
# 2 = cannot build. Self-contained: its own build folder, no CMake preset.
# One allocation over 64 MB counts as a crash (-malloc_limit_mb): no input
# of a seed's size justifies it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
readonly SECONDS_TO_RUN=${1:-30}
readonly OUT=${OUT:-build/fuzz-recording}
readonly CXX=${CXX_FUZZ:-clang++-19}
readonly HERE=tests/fuzz/recording

if ! command -v "$CXX" >/dev/null; then
  echo "fuzz_recording.sh: $CXX not found: apt-get install -y clang-19 libclang-rt-19-dev" >&2
  exit 2
fi
mkdir -p "$OUT/obj" "$OUT/artifacts" "$OUT/corpus"

# The code under test gets coverage feedback (fuzzer-no-link); only the
# target links libFuzzer's main.
readonly SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
readonly FLAGS="-std=c++20 -O1 -g -fno-omit-frame-pointer -I. $SAN"
objs=()
for src in record/recording_file.cpp record/chrome_trace.cpp runtime/string_table.cpp runtime/event.cpp; do
  obj="$OUT/obj/$(basename "${src%.cpp}").o"
  if [[ ! -f $obj || $src -nt $obj || record/recording_file.hpp -nt $obj || record/chrome_trace.hpp -nt $obj ]]; then
    $CXX $FLAGS -fsanitize=fuzzer-no-link -c "$src" -o "$obj" || exit 2
  fi
  objs+=("$obj")
done
$CXX $FLAGS -fsanitize=fuzzer tests/fuzz/fuzz_recording.cpp "${objs[@]}" -lxxhash -lfmt \
  -o "$OUT/fuzz_recording" || exit 2

# New inputs go to $OUT/corpus; the committed seeds stay read-only.
args=(-print_final_stats=1 -artifact_prefix="$OUT/artifacts/" -rss_limit_mb=2048
      -malloc_limit_mb=64 -timeout=10)
if [[ -n ${RUNS:-} ]]; then
  args+=(-runs="$RUNS")
else
  args+=(-max_total_time="$SECONDS_TO_RUN")
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
exec "$OUT/fuzz_recording" "${args[@]}" "$OUT/corpus" "$HERE/corpus"
