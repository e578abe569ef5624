#!/bin/sh
# Builds (tests/fuzz/build.sh) and runs the scenario-file fuzzer for a bounded
# time, seeded with the real scenario files. Exit 0: no crash, no sanitizer
# report. CI calls it with the default 30 s.
#
#   tests/fuzz/run.sh [SECONDS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
secs=${1:-30}
out=$root/build/fuzz
bin=$("$here/build.sh" "$out" | tail -n 1)
corpus=$out/corpus
mkdir -p "$corpus" "$out/artifacts"
cp "$root"/assets/scenarios/*.json "$here"/scenario_corpus/*.json "$corpus/"
# -max_len: a little over the parser's own 256 KiB limit, so the limit is exercised.
exec "$bin" -max_total_time="$secs" -print_final_stats=1 -max_len=300000 -timeout=10 \
  -rss_limit_mb=2048 -artifact_prefix="$out/artifacts/" \
  -dict="$here/scenario.dict" "$corpus"
