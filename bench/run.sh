#!/usr/bin/env bash
# bench/run.sh: build tcpx, then benchmark it against plain tshark.
#
#   bash bench/run.sh [--runs N] [--scaling] [--no-profile] [--regen] [--dir D]
#   bash bench/run.sh --wireshark 4.0|4.4|4.6|all [options...]
#   bash bench/run.sh [--wireshark V] --budget [--runs N]   only the targets,
#                     each pair on one shared CPU (bench/budget-X.Y.md)
#
# --wireshark: the same benchmark against another Wireshark of the version
# matrix, in its Debian chroot (scripts/matrix.sh --run), on the same capture;
# results in bench/results-X.Y.md.
#
# As root (the capture is made in network namespaces; tshark itself runs as
# user nobody).  Writes bench/results.md and bench/profile.md; the ~1.5 M
# packet capture is cached in $TCPX_BENCH_DIR (default /var/tmp/tcpx-bench).
# See bench/bench.py for what is measured.  Not a test: nothing fails on a
# missed target.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "bench/run.sh: run as root (network namespaces, dumpcap, tc)" >&2
  exit 1
fi

if [ "${1:-}" = --wireshark ]; then
  versions=${2:?bench/run.sh: --wireshark needs 4.0, 4.4, 4.6 or all}
  shift 2
  [ "$versions" = all ] && versions="4.0 4.4 4.6"
  bench_dir=${TCPX_BENCH_DIR:-/var/tmp/tcpx-bench}
  # The capture is made once, here (network namespaces), then read by every version.
  bash scripts/setup.sh >/dev/null
  python3 bench/bench.py --capture-only --dir "$bench_dir"
  status=0
  name=results
  case " $* " in *" --budget "*) name=budget ;; esac
  for v in $versions; do
    out="$bench_dir/$name-$v.md"
    TCPX_BENCH_DIR=$bench_dir bash scripts/matrix.sh "$v" --run "bash bench/run.sh --out $out --dir $bench_dir $*" \
      && cp "$out" "bench/$name-$v.md" || status=1
  done
  exit "$status"
fi

bash scripts/setup.sh

# Tools the benchmark needs beyond the build's: tcptrace (reference),
# valgrind + perf (profile), iproute2 + ethtool (the capture), time.
need=()
for pair in tcptrace:tcptrace valgrind:valgrind callgrind_annotate:valgrind \
            perf:linux-perf ip:iproute2 tc:iproute2 ethtool:ethtool \
            /usr/bin/time:time editcap:tshark capinfos:tshark; do
  cmd=${pair%%:*} pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  echo "bench/run.sh: installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  # Only what this release has (tcptrace, the reference (d), is missing from some).
  have=()
  for p in "${need[@]}"; do
    if [ -n "$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ && $2 != "(none)" {print $2}')" ]; then
      have+=("$p")
    else
      echo "bench/run.sh: $p is not packaged here: skipped"
    fi
  done
  [ "${#have[@]}" -eq 0 ] || apt-get install -y --no-install-recommends "${have[@]}"
fi

exec python3 bench/bench.py "$@"
