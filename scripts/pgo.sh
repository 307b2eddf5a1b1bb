#!/usr/bin/env bash
# pgo.sh: measure where tcpx spends its time, for a profile-guided build (gcc).
#
#   bash scripts/pgo.sh BUILD_DIR [BUILD_TYPE]
#
# Builds an instrumented plugin into BUILD_DIR/pgo/gen, runs it with tshark on the bundled
# captures (sample_pcaps/: the health report, the summary column, the packet tree) and
# keeps the profiles in BUILD_DIR/pgo/profile, whose path it prints.  scripts/setup.sh
# then builds BUILD_DIR with -DTCPX_PROFILE_USE=<that path>.  The training uses the bundled
# captures only, never the benchmark's.  A profile is made again when the sources, the
# compiler or tshark change.  Exits non-zero (and prints nothing) when it cannot; the
# caller then builds without a profile, which gives the same results, a little slower.
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)
build_dir=${1:?usage: pgo.sh BUILD_DIR [BUILD_TYPE]}
build_type=${2:-RelWithDebInfo}
mkdir -p "$build_dir/pgo"
pgo=$(cd "$build_dir/pgo" && pwd)
log="$pgo/pgo.log"

command -v gcc >/dev/null && command -v tshark >/dev/null || exit 1
stamp=$( { gcc --version | head -1; tshark -v 2>/dev/null | head -1; echo "$build_type";
           find plugin tap CMakeLists.txt -type f \( -name '*.[ch]' -o -name CMakeLists.txt \) -print0 |
             sort -z | xargs -0 cat; } | sha1sum | cut -d' ' -f1)
if [ -f "$pgo/profile/stamp" ] && [ "$(cat "$pgo/profile/stamp")" = "$stamp" ]; then
  echo "$pgo/profile"
  exit 0
fi

# The profiles are written by the tshark that loads the instrumented plugin: as root that
# is nobody (Wireshark ignores personal plugins when run as root), so a folder it may write.
work=$(mktemp -d -t tcpx-pgo.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -m 777 "$work/profile" "$work/home"
rm -rf "$pgo/gen"
{
  cmake -S "$repo" -B "$pgo/gen" -DCMAKE_BUILD_TYPE="$build_type" -DBUILD_TESTING=OFF \
        -DTCPX_PROFILE_GENERATE="$work/profile"
  cmake --build "$pgo/gen" -j"$(nproc)" --target tcpx
} >"$log" 2>&1 || exit 1

ws=$(tshark -v 2>/dev/null | sed -n '1s/^[^0-9]*\([0-9]*\.[0-9]*\)\..*/\1/p')
[ -n "$ws" ] || exit 1
plugins="$work/home/.local/lib/wireshark/plugins/$ws/epan"
mkdir -p "$plugins"
cp "$pgo/gen/plugin/tcpx.so" "$plugins/"
chmod -R a+rwX "$work/home"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
run() {
  "${as_user[@]}" env HOME="$work/home" tshark -n "$@" >/dev/null 2>>"$log" </dev/null
}
for cap in sample_pcaps/*.pcap sample_pcaps/*.pcapng; do
  run -r "$cap" -q -z tcpx,health || true
  run -r "$cap" -T fields -e frame.number -e tcpx.summary || true
  run -r "$cap" -V -O tcpx -Y tcpx || true
done
# Nothing written (the plugin did not load): no profile, rather than an empty one.
if [ -z "$(find "$work/profile" -name '*.gcda' -print -quit)" ]; then
  echo "pgo.sh: the instrumented plugin wrote no profile" >>"$log"
  exit 1
fi
rm -rf "$pgo/profile"
cp -r "$work/profile" "$pgo/profile"
echo "$stamp" >"$pgo/profile/stamp"
echo "$pgo/profile"
