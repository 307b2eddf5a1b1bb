#!/usr/bin/env bash
# demo.sh: build tcpx and show what it says about a bundled capture.
#
#   bash scripts/demo.sh [capture]     (default: sample_pcaps/lossy_download.pcapng)
#
# tshark runs through tests/tools/tsharkx.py, which loads the freshly built
# plugin from a temporary personal plugin folder (as user nobody when root:
# Wireshark ignores personal plugins for root).
set -euo pipefail

cd "$(dirname "$0")/.."
capture=${1:-sample_pcaps/lossy_download.pcapng}
nshow=${TCPX_DEMO_FRAMES:-3}

bash scripts/setup.sh
export TCPX_PLUGIN=${TCPX_PLUGIN:-$PWD/build/plugin/tcpx.so}

if [ ! -f "$capture" ]; then
  echo "demo.sh: capture not found: $capture" >&2
  exit 1
fi

tx() { python3 tests/tools/tsharkx.py "$@"; }
rule() { printf '\n==== %s ====\n\n' "$1"; }

rule "tcpx summaries in $capture (frame: summary)"
fields=$(tx -r "$capture" -n -Y tcpx.summary -T fields -E header=n -E separator=/t \
            -E occurrence=a -E 'aggregator=|' \
            -e frame.number -e tcpx.anomaly -e tcpx.summary)
if [ -z "$fields" ]; then
  echo "(no frame has a tcpx summary)"
else
  # frame<TAB>anomalies<TAB>summaries: mark anomalous frames with '!'.
  printf '%s\n' "$fields" | awk -F'\t' '{
      mark = ($2 != "") ? "!" : " ";
      n = split($3, s, "|");
      for (i = 1; i <= n; i++) printf "%6s %s %s\n", (i == 1 ? $1 : ""), mark, s[i];
    }'
  echo
  echo "('!' = frame with an anomaly)"
fi

# The full tcpx tree of the first few anomalous frames.
# (awk reads all its input: no early exit, so no SIGPIPE under pipefail.)
last=$(printf '%s\n' "$fields" | awk -F'\t' -v n="$nshow" '
  $2 != "" { c++; if (c <= n) f = $1 } END { print f }')
if [ -n "$last" ]; then
  rule "tcpx tree of the first $nshow anomalous frames (tshark -V -O tcpx -Y tcpx.anomaly)"
  tx -r "$capture" -n -V -O tcpx -Y "tcpx.anomaly && frame.number <= $last"
else
  rule "no anomalies in $capture"
fi

# Per-stream health, when the tap is built in.
taps=$(tx -z help 2>&1 || true)   # tshark lists the taps on stderr
if printf '%s\n' "$taps" | grep -q '^ *tcpx,health'; then
  rule "stream health (tshark -q -z tcpx,health)"
  tx -r "$capture" -n -q -z tcpx,health
else
  rule "tcpx,health tap not available in this build: skipped"
fi
