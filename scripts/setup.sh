#!/usr/bin/env bash
# setup.sh: install what tcpx needs (Debian 12 bookworm, 13 trixie or unstable)
# and build it into build/ against the Wireshark the distribution ships.
#
#   bash scripts/setup.sh [--demo] [extra cmake configure args...]
#   bash scripts/setup.sh --packages-only      install the packages, build nothing
#                                              (scripts/matrix.sh readies a chroot with it)
#
# --demo (or TCPX_SETUP_PROFILE=demo): install only what the build and
# scripts/demo.sh need (compiler, cmake, Wireshark headers, tshark, setpriv),
# not the GUI, valgrind, clang and lint packages the tests use.
#
# Idempotent: apt-get runs only when a package is missing (and `apt-get update`
# at most once); the build is incremental.  As a normal user nothing is
# installed: missing packages are reported and the script stops.
#
# Environment: TCPX_BUILD_DIR (default: build), TCPX_BUILD_TYPE (default:
# RelWithDebInfo), TCPX_SKIP_APT=1 to never touch apt, TCPX_PGO=0 to build without
# the profile-guided optimisation (scripts/pgo.sh).
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)
build_dir=${TCPX_BUILD_DIR:-build}
build_type=${TCPX_BUILD_TYPE:-RelWithDebInfo}
setup_profile=${TCPX_SETUP_PROFILE:-full}
packages_only=0
if [ "${1:-}" = --demo ]; then
  setup_profile=demo
  shift
elif [ "${1:-}" = --packages-only ]; then
  packages_only=1
  shift
fi
case "$setup_profile" in
  full|demo) ;;
  *) echo "setup.sh: TCPX_SETUP_PROFILE must be 'full' or 'demo', not '$setup_profile'" >&2; exit 2 ;;
esac

# Package names that differ between releases: bookworm has no libclang-rt-dev.
codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
# The lint test (tests/lint/) runs on Debian 12 only, whose tool versions its rules were
# written for (elsewhere it skips): its tools are installed there only.
case "$codename" in
  bookworm) clang_rt=libclang-rt-14-dev; lint_tools=(clang-format clang-tidy cppcheck) ;;
  *) clang_rt=libclang-rt-dev; lint_tools=() ;;
esac

# Everything the build, the tests and (later) the GUI tests need.
packages=(
  cmake gcc libc6-dev make pkg-config libglib2.0-dev python3
  libwireshark-dev wireshark-dev tshark
  wireshark xvfb xauth   # "wireshark": the Qt GUI (bookworm: a package that brings wireshark-qt)
  xdotool imagemagick x11-utils   # GUI test and scripts/screenshots.sh: keys, screenshots, window list
  util-linux   # setpriv: the test harness runs tshark as nobody when root
  iproute2 nftables ethtool   # the truth test's corpus (tests/corpus/make_corpus.py: namespaces, faults)
  chromium   # tests/test_report.py: renders the HTML report headless (no network)
  valgrind clang "$clang_rt"   # robustness tests: valgrind memcheck, libFuzzer (tests/fuzz/)
  "${lint_tools[@]}"   # the lint test: clang-format, clang-tidy, cppcheck (Debian 12)
)

# The demo profile: the build and tshark (run as nobody through setpriv) only.
if [ "$setup_profile" = demo ]; then
  packages=(
    cmake gcc libc6-dev make pkg-config libglib2.0-dev python3
    libwireshark-dev wireshark-dev tshark
    util-linux
  )
fi

is_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    is_installed "$p" || missing+=("$p")
  done
else
  echo "setup.sh: dpkg-query not found (not Debian?); assuming the packages are there" >&2
fi

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "${TCPX_SKIP_APT:-0}" = 1 ]; then
    echo "setup.sh: missing packages (TCPX_SKIP_APT=1, not installing): ${missing[*]}" >&2
  elif [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: these packages are missing: ${missing[*]}" >&2
    echo "setup.sh: install them as root first, e.g.:" >&2
    echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  else
    echo "setup.sh: installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Don't ask whether non-root users may capture (dumpcap setuid): no.
    if command -v debconf-set-selections >/dev/null 2>&1; then
      echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    fi
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
  fi
fi

[ "$packages_only" = 0 ] || exit 0

# A profile of the plugin at work on the bundled captures, for a faster build (scripts/pgo.sh;
# gcc only; TCPX_PGO=0 builds without). Without one the results are the same.
profile=""
if [ "${TCPX_PGO:-1}" = 1 ]; then
  profile=$(bash scripts/pgo.sh "$build_dir" "$build_type") ||
    { profile=""; echo "setup.sh: no profile-guided build (see $build_dir/pgo/pgo.log)" >&2; }
fi

# Configure (cheap when nothing changed; the build type is set on the first
# configure only, so a later -DCMAKE_BUILD_TYPE=... given by hand sticks).
if [ -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S "$repo" -B "$build_dir" -DTCPX_PROFILE_USE="$profile" "$@"
else
  cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" -DTCPX_PROFILE_USE="$profile" "$@"
fi
cmake --build "$build_dir" -j"$(nproc)"

echo "setup.sh: built $build_dir/plugin/tcpx.so"
