#!/usr/bin/env bash
# pollscope-bench side by side with the Rust executors (the book's executor and
# tokio current_thread), interleaved, on this machine; prints one Markdown table.
#
#   tests/bench/compare.sh [--quick] [WORKLOAD ...]
#
#   WORKLOAD  yield spawn timers latency log reset (default: all)
#   --quick   RUNS=3 and the small configs only (a smoke test, not a result)
#   RUNS=5    counted rounds, after one warm-up round (dropped)
#   OUT_DIR   where everything is written (default ${TMPDIR:-/tmp}/pollscope-bench):
#             target/ (the anchor's cargo build), ring (the C++ floor),
#             results/<UTC stamp>/ (one JSON line per run, table.md, details.md)
#   PSBENCH   use this pollscope-bench binary instead of building the release preset
#             (the log workload runs pollscope-bench-record from the same folder)
#
# Each round runs every config once per executor, the executors' order rotating
# from round to round, so a change in machine load hits every executor alike.
# The anchor folder is never written to (it may be read-only).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ANCHOR=${ANCHOR:-$(cd "$ROOT/.." && pwd)/shared/anchors/rust-executors}
RUNS=${RUNS:-5}
QUICK=0
ALL=(yield spawn timers latency log reset)

usage() { sed -n '2,18s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
die2() { printf '%s\n' "$@" >&2; exit 2; }
log() { printf '%s\n' "$*" >&2; }

# ---- arguments -------------------------------------------------------------
declare -A want=()
for a in "$@"; do
  case $a in
    --quick) QUICK=1 ;;
    -h|--help) usage; exit 0 ;;
    all) for w in "${ALL[@]}"; do want[$w]=1; done ;;
    yield|spawn|timers|latency|log|reset) want[$a]=1 ;;
    *) usage >&2; die2 "unknown argument: $a" ;;
  esac
done
if [ ${#want[@]} -eq 0 ]; then for w in "${ALL[@]}"; do want[$w]=1; done; fi
[ "$QUICK" = 1 ] && RUNS=${RUNS_QUICK:-3}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die2 "RUNS must be a positive integer (got '$RUNS')"
wants() { [ -n "${want[$1]:-}" ]; }
need_rust=0
for w in yield spawn timers latency; do wants $w && need_rust=1; done

# ---- prerequisites: report everything missing at once, then exit 2 ---------
missing=()
command -v python3 >/dev/null || missing+=("python3:  apt-get install -y python3")
[ -x /usr/bin/time ] || missing+=("GNU time (/usr/bin/time):  apt-get install -y time")
command -v timeout >/dev/null || missing+=("timeout:  apt-get install -y coreutils")
if [ -z "${PSBENCH:-}" ]; then
  command -v cmake >/dev/null || missing+=("cmake >= 3.25:  apt-get install -y cmake")
  command -v ninja >/dev/null || missing+=("ninja:  apt-get install -y ninja-build")
fi
command -v g++ >/dev/null || missing+=("g++ (the C++ floor):  apt-get install -y g++")
if [ $need_rust = 1 ]; then
  [ -d "$ANCHOR" ] && [ -f "$ANCHOR/Cargo.toml" ] || missing+=("the Rust anchor folder $ANCHOR (set ANCHOR=...)")
  # rustup installs into ~/.cargo/bin, which a non-login shell may lack.
  if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then PATH=$HOME/.cargo/bin:$PATH; fi
  if ! command -v cargo >/dev/null; then
    missing+=("cargo >= 1.78 (rustup stable; Debian 12's cargo 1.63 is too old). Is ~/.cargo/bin on PATH?")
  else
    cv=$(cargo --version | awk '{print $2}'); cminor=${cv#1.}; cminor=${cminor%%.*}
    if ! [[ $cminor =~ ^[0-9]+$ ]] || [ "$cminor" -lt 78 ]; then
      missing+=("cargo >= 1.78: found $cv (Cargo.lock version 4 needs 1.78). Use rustup stable.")
    fi
  fi
  REG=/usr/share/cargo/registry
  for c in futures tokio tokio-macros; do
    compgen -G "$REG/$c-[0-9]*" >/dev/null || missing+=("Debian's Rust crate sources ($c):  apt-get install -y librust-$c-dev")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  log "compare.sh: missing prerequisites:"
  for m in "${missing[@]}"; do log "  - $m"; done
  exit 2
fi

# ---- output locations ------------------------------------------------------
OUT_DIR=${OUT_DIR:-${TMPDIR:-/tmp}/pollscope-bench}
mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
RES=$OUT_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RES"
SCRATCH=$RES/.scratch

# ---- build -----------------------------------------------------------------
if [ -n "${PSBENCH:-}" ]; then
  PS=$PSBENCH
  [ -x "$PS" ] || die2 "PSBENCH=$PS is not an executable"
  PSREC=$(dirname "$PS")/pollscope-bench-record
  if wants log && [ ! -x "$PSREC" ]; then die2 "the log workload needs $PSREC beside PSBENCH"; fi
else
  # POLLSCOPE_BUILD_BENCH=ON: the option defaults to ON, but a build tree
  # configured without it keeps OFF in its cache.
  log "== cmake --preset release -DPOLLSCOPE_BUILD_BENCH=ON && cmake --build --preset release --target pollscope-bench pollscope-bench-record"
  (cd "$ROOT" && cmake --preset release -DPOLLSCOPE_BUILD_BENCH=ON >"$RES/build-pollscope.log" 2>&1 \
    && cmake --build --preset release --target pollscope-bench pollscope-bench-record >>"$RES/build-pollscope.log" 2>&1) \
    || { tail -n 40 "$RES/build-pollscope.log" >&2; log "pollscope-bench failed to build (log: $RES/build-pollscope.log)"; exit 1; }
  PS=$ROOT/build/release/pollscope-bench
  PSREC=$ROOT/build/release/pollscope-bench-record
fi

ANCHOR_BIN=
if [ $need_rust = 1 ]; then
  export CARGO_TARGET_DIR="$OUT_DIR/target"
  log "== cargo build --release --offline --locked  (anchor, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
  # cargo reads the anchor's .cargo/config.toml (offline, Debian registry) from the cwd.
  if ! (cd "$ANCHOR" && cargo build --release --offline --locked --quiet) 2>"$RES/build-anchor.log"; then
    if grep -qE -- '--locked|locked to' "$RES/build-anchor.log"; then
      # Debian's crate versions differ from Cargo.lock: resolve afresh in a copy (as run.sh does).
      log "   Cargo.lock does not match the Debian registry; building a copy in $OUT_DIR/crate"
      rm -rf "$OUT_DIR/crate"; mkdir -p "$OUT_DIR/crate"
      cp -R "$ANCHOR/Cargo.toml" "$ANCHOR/src" "$ANCHOR/.cargo" "$OUT_DIR/crate/"
      chmod -R u+w "$OUT_DIR/crate"
      (cd "$OUT_DIR/crate" && cargo build --release --offline --quiet) 2>>"$RES/build-anchor.log" \
        || { cat "$RES/build-anchor.log" >&2; exit 1; }
    else
      cat "$RES/build-anchor.log" >&2; exit 1
    fi
  fi
  ANCHOR_BIN=$CARGO_TARGET_DIR/release/bench
  if wants yield; then
    log "== g++ -O2 -std=c++17 -o $OUT_DIR/ring $ANCHOR/cpp/ring.cpp  (the C++ floor)"
    g++ -O2 -std=c++17 -o "$OUT_DIR/ring" "$ANCHOR/cpp/ring.cpp"
    log "== g++ -O2 -std=c++20 -o $OUT_DIR/coro_floor tests/bench/coro_floor.cpp  (the coroutine floor)"
    g++ -O2 -std=c++20 -o "$OUT_DIR/coro_floor" "$HERE/coro_floor.cpp"
  fi
fi
rm -f "$RES/build-anchor.log"

{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "cores: $(nproc)"
  echo "kernel: $(uname -sr)"
  if [ -r /etc/debian_version ]; then echo "debian: $(cat /etc/debian_version)"; fi
  echo "cxx: $(g++ --version | head -1)"
  if [ $need_rust = 1 ]; then echo "rustc: $(rustc --version)"; fi
  echo "runs: $RUNS (+1 warm-up)"
  echo "load_before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$RES/versions.txt"

# ---- configs: name | timeout s | argv per executor (pollscope, book, tokio-ct) ----
# A config's executors run back to back in each round; "-" = not measured.
CONFIGS=()
add() { CONFIGS+=("$*"); }
if wants yield; then
  add "yield_10000x100|60|yield 10000 100|book yield 10000 100|tokio-ct yield 10000 100"
  add "yield-events_10000x100|120|yield 10000 100 --events|-|-"
  # The queue policies (runtime/policy.hpp) on the same workload; the Rust
  # executors' figures are the yield_10000x100 row's, from the same rounds.
  add "yield-notified_10000x100|60|yield 10000 100 --queue-policy notified|-|-"
  add "yield-local_10000x100|60|yield 10000 100 --queue-policy local|-|-"
  if [ "$QUICK" = 0 ]; then
    add "yield_1000x1000|60|yield 1000 1000|book yield 1000 1000|tokio-ct yield 1000 1000"
    add "yield-events_1000x1000|120|yield 1000 1000 --events|-|-"
    # 10M polls: long enough for GNU time's 10 ms CPU clock, so the CPU-time
    # row stays meaningful on a machine shared with other work.
    add "yield_10000x1000|120|yield 10000 1000|book yield 10000 1000|tokio-ct yield 10000 1000"
  fi
fi
if wants spawn; then
  add "spawn_1000000|120|spawn 1000000|book spawn 1000000|tokio-ct spawn 1000000"
  add "spawn-local_1000000|120|spawn 1000000 --queue-policy local|-|-"
  [ "$QUICK" = 0 ] && add "spawn-events_1000000|120|spawn 1000000 --events|-|-"
fi
if wants timers; then
  add "timers_1000x100|120|timers 1000 100|book timers 1000 100|tokio-ct timers 1000 100"
  [ "$QUICK" = 0 ] && add "timers_10000x100|200|timers 10000 100|book timers 10000 100|tokio-ct timers 10000 100"
  # One driver thread for every timer (runtime/timer_driver.hpp); the Rust
  # executors' figures are the timers_10000x100 row's, from the same rounds.
  add "timers-driver_10000x100|200|timers 10000 100 --timer-policy timer-thread|-|-"
fi
if wants latency; then
  add "latency_1000x1|200|latency 1000 1|book latency 1000 1|tokio-ct latency 1000 1"
  add "latency-driver_1000x1|200|latency 1000 1 --timer-policy timer-thread|-|-"
fi
if wants log; then add "log|200|log|-|-"; fi
if wants reset; then add "reset_1000|200|reset 1000|-|-"; fi

# ---- measurement -----------------------------------------------------------
# run_one CONFIG EXEC TIMEOUT ROUND BIN ARGS...: one JSON line appended to
# $RES/CONFIG__EXEC.jsonl: the binary's JSON plus run, warmup, rc, proc_wall_ms
# and GNU time's proc_user_s / proc_sys_s / proc_maxrss_kb.
TIME_FMT='"proc_user_s":%U,"proc_sys_s":%S,"proc_maxrss_kb":%M'
run_one() {
  local config=$1 exec=$2 to=$3 round=$4; shift 4
  local rc=0 t0 t1 us tl bl fields
  rm -f "$SCRATCH.time" "$SCRATCH.out"
  t0=$EPOCHREALTIME
  timeout "$to" /usr/bin/time -o "$SCRATCH.time" -f "$TIME_FMT" "$@" \
    >"$SCRATCH.out" 2>>"$RES/${config}__$exec.err" </dev/null || rc=$?
  t1=$EPOCHREALTIME
  us=$(( ${t1//[.,]/} - ${t0//[.,]/} ))
  tl=$(grep -m1 '^"proc_' "$SCRATCH.time" 2>/dev/null || true)
  bl=$(grep -m1 '^{.*}$' "$SCRATCH.out" || true)
  fields=$(printf '"config":"%s","exec_label":"%s","run":%d,"warmup":%s,"rc":%d,"proc_wall_ms":%d.%03d' \
    "$config" "$exec" "$round" "$([ "$round" = 0 ] && echo true || echo false)" "$rc" \
    $((us / 1000)) $((us % 1000)))
  [ -n "$tl" ] && fields+=",$tl"
  if [ -n "$bl" ]; then bl=${bl#\{}; fields+=",${bl%\}}"; fi
  printf '{%s}\n' "$fields" >>"$RES/${config}__$exec.jsonl"
  [ "$rc" = 0 ] || log "   $config $exec round $round: exit status $rc (see $RES/${config}__$exec.err)"
}

EXECS=(pollscope book tokio-ct)
log "== $((RUNS + 1)) rounds (round 0 = warm-up) of ${#CONFIGS[@]} configs -> $RES"
for ((round = 0; round <= RUNS; round++)); do
  log "-- round $round  (load $(cut -d' ' -f1 /proc/loadavg))"
  for c in "${CONFIGS[@]}"; do
    IFS='|' read -r name to a_ps a_book a_tokio <<<"$c"
    argvs=("$a_ps" "$a_book" "$a_tokio")
    for ((j = 0; j < 3; j++)); do
      e=$(( (j + round) % 3 ))
      argv=${argvs[$e]}
      [ "$argv" = "-" ] && continue
      # shellcheck disable=SC2086  # argv is a word list by construction
      bin=$PS; [ "$name" = log ] && bin=$PSREC # the event pipeline's workload
      if [ $e = 0 ]; then run_one "$name" "${EXECS[$e]}" "$to" "$round" "$bin" $argv
      else run_one "$name" "${EXECS[$e]}" "$to" "$round" "$ANCHOR_BIN" $argv; fi
    done
  done
  if [ -x "$OUT_DIR/ring" ] && wants yield; then
    "$OUT_DIR/ring" 10000 100 15 | sed "s/^{/{\"run\":$round,\"warmup\":$([ "$round" = 0 ] && echo true || echo false),/" \
      >>"$RES/floor.jsonl"
  fi
  if [ -x "$OUT_DIR/coro_floor" ] && wants yield; then
    "$OUT_DIR/coro_floor" 10000 100 15 | sed "s/^{/{\"run\":$round,\"warmup\":$([ "$round" = 0 ] && echo true || echo false),/" \
      >>"$RES/floor.jsonl"
  fi
done
rm -f "$SCRATCH.time" "$SCRATCH.out"
for f in "$RES"/*.err; do [ -s "$f" ] || rm -f "$f"; done
echo "load_after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RES/versions.txt"

# ---- summary ---------------------------------------------------------------
python3 "$HERE/compare.py" --details "$RES" >"$RES/details.md"
python3 "$HERE/compare.py" "$RES" | tee "$RES/table.md"
log "results: $RES  (table.md, details.md, one .jsonl per config and executor)"
