#!/usr/bin/env bash
# pollscope's two commands on a Debian 12 machine:
#   ./run.sh         install what is missing, build the release preset, launch the app
#   ./run.sh test    the same set-up, then build and run every test through ctest
# Both are idempotent: when nothing changed they only check and exit quickly.
set -euo pipefail

# Every Debian package pollscope needs to build, test and run. Nothing else is
# downloaded, at set-up or at build time.
readonly PACKAGES=(
  cmake ninja-build pkg-config g++
  libglfw3 libglfw3-dev # named explicitly: -dev alone may pull the Wayland build, useless under Xvfb
  libimgui-dev libstb-dev # Debian splits stb out of imgui
  python3-glad python3-jinja2 # generate the GL loader at build time
  libgl-dev libgl1-mesa-dri # GL headers; Mesa's llvmpipe renders with no GPU
  nlohmann-json3-dev libcli11-dev libfmt-dev
  libxxhash-dev # XXH3 checksums in recordings
  doctest-dev
  fonts-dejavu-core # the UI font, loaded at run time
  xvfb xauth # xvfb-run: the GUI tests need no screen
  x11-apps xdotool imagemagick # GUI tests: screenshots (xwd, import) and synthetic input
)
readonly PRESET=release
readonly BUILD_DIR=build/$PRESET
readonly APP=$BUILD_DIR/pollscope

cd "$(dirname "${BASH_SOURCE[0]}")"

say() { printf 'run.sh: %s\n' "$*"; }

usage() {
  cat <<'EOF'
Usage:
  ./run.sh [APP-OPTIONS]    install missing Debian packages, build the release preset,
                            launch build/release/pollscope with APP-OPTIONS
  ./run.sh -- APP-OPTIONS   the same, for options run.sh would take itself (e.g. -- --help)
  ./run.sh test [CTEST-ARGS]
                            the same set-up, build everything, run the tests with
                            `ctest --preset release CTEST-ARGS` (e.g. test -R fold)
  ./run.sh --help           this text

With no display (DISPLAY and WAYLAND_DISPLAY empty), ./run.sh runs the headless demo
(pollscope --headless --scenario hello-world) and says how to get the window.
Other presets (debug, asan-ubsan, tsan): see README.md.
EOF
}

install_missing_packages() {
  local missing=() package status
  for package in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0

  local sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null; then
      sudo=(sudo)
    else
      say "missing Debian packages: ${missing[*]}"
      say "you are not root and sudo is not installed; as root, run:"
      printf '  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends %s\n' \
        "${missing[*]}"
      exit 2
    fi
  fi
  say "installing missing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

configure_and_build() {
  # Configure only when there is no build tree yet, the presets changed, or the
  # last configure failed (it rewrote the cache but not build.ninja). Otherwise
  # ninja re-runs CMake by itself whenever a CMakeLists.txt changes.
  if [[ ! -f $BUILD_DIR/build.ninja ||
    CMakePresets.json -nt $BUILD_DIR/CMakeCache.txt ||
    $BUILD_DIR/CMakeCache.txt -nt $BUILD_DIR/build.ninja ]]; then
    cmake --preset "$PRESET"
  fi
  cmake --build --preset "$PRESET" "$@"
}

run_headless_demo() {
  say "running the headless demo: $APP --headless --scenario hello-world"
  local rc=0
  "$APP" --headless --scenario hello-world || rc=$?
  cat <<'EOF'

run.sh: to see the window:
  - on a desktop, run ./run.sh from a terminal of that session (it sets DISPLAY),
    or over ssh with X forwarding (ssh -X);
  - with no screen at all, render into a virtual one and save a screenshot:
      xvfb-run -a ./run.sh --screenshot pollscope.png
EOF
  return "$rc"
}

run_app() {
  if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} && $# -eq 0 ]]; then
    say "no display (DISPLAY and WAYLAND_DISPLAY are empty): the window cannot open here."
    run_headless_demo
    return
  fi
  # The app exits 2 both for bad options and when it cannot open a window;
  # only the second mentions the display, so keep a copy of stderr to tell them apart.
  local rc=0
  stderr_copy=$(mktemp)
  trap 'rm -f "$stderr_copy"' EXIT
  exec 3>&1 # the app's stdout goes straight to ours; only stderr passes through tee
  "$APP" "$@" 2>&1 1>&3 3>&- | tee "$stderr_copy" >&2 || rc=${PIPESTATUS[0]}
  if ((rc == 2)) && grep -qi 'display' "$stderr_copy"; then
    say "the app could not open a window on display '${DISPLAY:-${WAYLAND_DISPLAY:-}}'."
    run_headless_demo
    return
  fi
  return "$rc"
}

mode="run"
case "${1:-}" in
  -h | --help | help)
    usage
    exit 0
    ;;
  test)
    mode="test"
    shift
    ;;
  --)
    shift
    ;;
  "" | -*) ;; # options for the app
  *)
    printf "run.sh: unknown command '%s'\n\n" "$1" >&2
    usage >&2
    exit 2
    ;;
esac

install_missing_packages
if [[ $mode == test ]]; then
  configure_and_build
  exec ctest --preset "$PRESET" "$@"
fi
configure_and_build --target pollscope
run_app "$@"
