#!/bin/sh
# Builds the scenario-file parser fuzzer with clang and libFuzzer, apart from
# the g++ presets: the parser is compiled with -fsanitize=fuzzer-no-link (for
# coverage feedback) plus ASan and UBSan, the target linked with
# -fsanitize=fuzzer. Needs: apt-get install -y clang-19 libclang-rt-19-dev
#
#   tests/fuzz/build.sh [OUT_DIR]     # default: build/fuzz
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/build/fuzz}
cxx=${CXX_FUZZ:-clang++-19}
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "build.sh: $cxx not found; apt-get install -y clang-19 libclang-rt-19-dev" >&2
  exit 2
fi
mkdir -p "$out"
flags="-std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all -I$root"
"$cxx" $flags -fsanitize=fuzzer-no-link -c "$root/runtime/scenario_file.cpp" -o "$out/scenario_file.o"
"$cxx" $flags -fsanitize=fuzzer -c "$here/scenario_fuzz.cpp" -o "$out/scenario_fuzz.o"
"$cxx" $flags -fsanitize=fuzzer "$out/scenario_file.o" "$out/scenario_fuzz.o" -o "$out/scenario_fuzz"
echo "$out/scenario_fuzz"
