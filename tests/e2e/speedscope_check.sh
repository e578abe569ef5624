#!/usr/bin/env bash
# A real viewer opens the Chrome trace export: the hello-world trace is loaded
# into speedscope (npm speedscope@1.25.0) in Debian's headless Chromium.
#
#   tests/e2e/speedscope_check.sh [BUILD_DIR]      # default build/release
#
# Checks: speedscope imports the file (page title "<file> - speedscope", no
# alert), the executor's thread is among its threads and gets shown, and the
# task's polls are there as slices (their names reach the DOM in the Sandwich
# view; the timeline view draws on a canvas). Then it takes a screenshot of
# the executor's thread in the Left Heavy view: $OUT/speedscope.png, to look at.
#
# Exit status: 0 passed, 1 failed, 77 skipped ("skipped: why" on stdout) when
# chromium or the npm package cannot be installed. It installs what is
# missing itself: `apt-get install chromium` (as root) and
# `npm install speedscope@1.25.0` into $OUT. Never apt-get install nodejs/npm
# (Debian's npm conflicts with the machine's node). Chromium always runs
# under `timeout`: speedscope's alert() would hang it forever, so alert is
# overridden before speedscope's script loads.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
readonly BUILD=${1:-build/release}
readonly OUT=${OUT:-$BUILD/e2e-speedscope}
readonly TOOL=$BUILD/pollscope-export-trace
readonly VERSION=1.25.0

say() { printf 'speedscope_check: %s\n' "$*"; }
skip() { printf 'skipped: %s\n' "$*"; exit 77; }
fail() { say "FAILED: $*"; exit 1; }

[[ -x $TOOL ]] || fail "$TOOL is missing: cmake --build --preset release --target pollscope-export-trace"

chromium_bin=$(command -v chromium || true)
if [[ -z $chromium_bin ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing chromium (apt-get, ~140 MB)"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y \
      --no-install-recommends chromium >/dev/null 2>&1 || skip "apt-get install chromium failed"
    chromium_bin=$(command -v chromium || true)
  fi
  [[ -n $chromium_bin ]] || skip "chromium is not installed and cannot be (not root or no apt-get)"
fi

mkdir -p "$OUT"
OUT_ABS=$(cd "$OUT" && pwd)
readonly APP=$OUT_ABS/node_modules/speedscope/dist/release
if [[ ! -f $APP/index.html ]]; then
  command -v npm >/dev/null || skip "npm is not on PATH (install node 20 + npm from the machine image, not Debian's)"
  say "installing speedscope@$VERSION (npm)"
  (cd "$OUT_ABS" && timeout 300 npm install --no-audit --no-fund --no-save "speedscope@$VERSION" \
     >npm.log 2>&1) || skip "npm install speedscope@$VERSION failed (see $OUT_ABS/npm.log)"
  [[ -f $APP/index.html ]] || skip "speedscope@$VERSION has no dist/release/index.html"
fi

# The trace: hello-world on the real clock (2 s), so polls have real durations.
"$TOOL" --scenario hello-world --trace "$OUT_ABS/trace.json" 2>"$OUT_ABS/export.log" ||
  fail "exporting the trace failed: $(cat "$OUT_ABS/export.log")"

# A copy of speedscope's page with our script first: alert() reports through
# the DOM instead of blocking, and once a profile is shown, `n` (speedscope's
# next-profile key) is pressed until the executor's thread is the one shown
# (speedscope shows one thread at a time, the first by pid:tid at load).
rm -rf "$OUT_ABS/site" && cp -r "$APP" "$OUT_ABS/site"
cat >"$OUT_ABS/site/pollscope-check.js" <<'JS'
window.alert = function (m) {
  document.title = "ALERT: " + m;
};
function pollscopeMark(text) {
  var d = document.getElementById("pollscope-check") || document.createElement("div");
  d.id = "pollscope-check";
  d.setAttribute("data-state", text);
  d.style.display = "none";
  document.body.appendChild(d);
}
// A view is chosen by pressing its key until the view is there: a key pressed
// before speedscope has drawn the profile is lost (pressing once failed about
// one run in three). Pressing a view's key again keeps that view, so a view
// the DOM cannot confirm (Left Heavy draws on a canvas) gets a few presses.
// The Sandwich table lists only the rows that fit the height it measured, and
// it can measure before its layout is done and list none: a resize event
// makes it measure again.
function pollscopeChooseView(key, shown, tries) {
  if (shown()) return pollscopeMark("executor-shown");
  if (tries === 0) return pollscopeMark(shown.confirmable ? "view-not-shown" : "executor-shown");
  window.dispatchEvent(new KeyboardEvent("keypress", { key: key }));
  window.dispatchEvent(new Event("resize"));
  setTimeout(function () { pollscopeChooseView(key, shown, tries - 1); }, 250);
}
function sandwichShown() { return /hello-world \{/.test(document.body.innerText); }
sandwichShown.confirmable = true;
function neverConfirmed() { return false; }
function pollscopeShowExecutor(tries) {
  var text = document.body ? document.body.innerText : "";
  if (/executor \(tid \d+\) \(\d+\/\d+\)/.test(text)) {
    // `3` is speedscope's key for the Sandwich view, whose table lists the
    // slices by name (pass pollscope=sandwich in the hash to get there).
    // `2` the Left Heavy view: the Time Order view spans the 2 s timer, in
    // which a 50 µs poll is narrower than a pixel; Left Heavy lays the
    // thread's slices side by side by their own time, so the polls fill it.
    if (location.hash.indexOf("pollscope=sandwich") >= 0)
      return pollscopeChooseView("3", sandwichShown, 20);
    if (location.hash.indexOf("pollscope=leftheavy") >= 0)
      return pollscopeChooseView("2", neverConfirmed, 6);
    return pollscopeMark("executor-shown");
  }
  if (tries === 0) return pollscopeMark("executor-not-found");
  if (/\(\d+\/\d+\)/.test(text)) window.dispatchEvent(new KeyboardEvent("keypress", { key: "n" }));
  setTimeout(function () { pollscopeShowExecutor(tries - 1); }, 250);
}
setTimeout(function () { pollscopeShowExecutor(16); }, 500);
JS
sed -i 's|<head>|<head><script src="pollscope-check.js"></script>|' "$OUT_ABS/site/index.html"
printf 'speedscope.loadFileFromBase64("trace.json", "%s")\n' "$(base64 -w0 "$OUT_ABS/trace.json")" \
  >"$OUT_ABS/profile.js"
readonly URL="file://$OUT_ABS/site/index.html#localProfilePath=$OUT_ABS/profile.js"

run_chromium() {
  local profile_dir
  profile_dir=$(mktemp -d)
  timeout 90 "$chromium_bin" --headless=new --no-sandbox --disable-gpu --enable-unsafe-swiftshader \
    --no-first-run --disable-background-networking --disable-component-update --disable-sync \
    --window-size=1280,800 --virtual-time-budget=15000 --user-data-dir="$profile_dir" "$@" \
    2>>"$OUT_ABS/chromium.log"
  local rc=$?
  rm -rf "$profile_dir"
  return $rc
}

: >"$OUT_ABS/chromium.log"
run_chromium --dump-dom "$URL&pollscope=sandwich" >"$OUT_ABS/sandwich.html" ||
  fail "chromium failed or timed out (see $OUT_ABS/chromium.log)"
dom=$OUT_ABS/sandwich.html
title=$(grep -o '<title>[^<]*</title>' "$dom" | head -1)
[[ $title != *ALERT* ]] || fail "speedscope refused the trace: $title"
[[ $title == "<title>trace.json - speedscope</title>" ]] || fail "speedscope did not load the trace (title: $title)"
grep -q 'data-state="executor-not-found"' "$dom" && fail "no thread named 'executor (tid N)' in speedscope"
grep -q 'data-state="executor-shown"' "$dom" || fail "speedscope's Sandwich view never showed the executor's slices"
# Poll slices are named after the task, with their args (task, poll number).
grep -Eq 'hello-world \{(&quot;|")task(&quot;|"):1,(&quot;|")poll(&quot;|"):1' "$dom" ||
  fail "the executor's thread has no hello-world poll slice"
grep -Eq 'hello-world \{(&quot;|")task(&quot;|"):1,(&quot;|")poll(&quot;|"):2' "$dom" ||
  fail "the second poll of hello-world is missing"
say "speedscope imported the trace; the executor thread shows both hello-world polls"

run_chromium --screenshot="$OUT_ABS/speedscope.png" "$URL&pollscope=leftheavy" >/dev/null ||
  fail "chromium failed or timed out taking the screenshot (see $OUT_ABS/chromium.log)"
[[ -s $OUT_ABS/speedscope.png ]] || fail "no screenshot written"
say "screenshot: $OUT_ABS/speedscope.png"
