#!/usr/bin/env bash
# demo.sh: build tcpx and show what it says about a capture.
#
#   bash scripts/demo.sh [capture]     (default: sample_pcaps/lossy_download.pcapng)
#
# A relative capture path is taken from the folder you run this from.  As root
# it first installs what the build and tshark need (scripts/setup.sh --demo:
# no GUI, no test tools) and builds the plugin; as a normal user it names the
# missing packages and stops.  Then it prints, in this order:
#   1. the health verdict of each TCP stream   (tshark -q -z tcpx,health)
#   2. the tcpx tree of the first frame of each kind of anomaly, the most
#      telling kinds first (resets, zero windows, retransmissions...), at most
#      $TCPX_DEMO_TREES (default 4)
#   3. the summaries per kind: a count and the first $TCPX_DEMO_SUMMARIES
#      (default 3) of each
#   4. what to do next (install into Wireshark, the tcpx profile, tshark forms)
#
# tshark runs through tests/tools/tsharkx.py, which loads the freshly built
# plugin from a temporary personal plugin folder (as user nobody when root:
# Wireshark ignores personal plugins for root).
#
# Environment: TCPX_BUILD_DIR (default: build), TCPX_PLUGIN (default:
# <build>/plugin/tcpx.so), TCPX_DEMO_SKIP_SETUP=1 to skip apt and the build
# (the plugin must exist), TCPX_DEMO_TREES, TCPX_DEMO_SUMMARIES.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
ntrees=${TCPX_DEMO_TREES:-4}
nsum=${TCPX_DEMO_SUMMARIES:-3}

# The capture, relative to the caller's folder (checked before any install).
capture=${1:-$repo/sample_pcaps/lossy_download.pcapng}
case "$capture" in
  /*) ;;
  *) capture=$PWD/$capture ;;
esac
if [ ! -f "$capture" ] || [ ! -r "$capture" ]; then
  echo "demo.sh: capture not found or not readable: ${1:-$capture}" >&2
  if [ "${1:-}" != "$capture" ]; then echo "demo.sh: (looked for $capture)" >&2; fi
  echo "usage: bash scripts/demo.sh [capture.pcapng]" >&2
  exit 1
fi
# The capture as the commands printed at the end should name it.
if [ -n "${1:-}" ]; then
  shown=$1
elif [ "$PWD" = "$repo" ]; then
  shown=sample_pcaps/lossy_download.pcapng
else
  shown=$capture
fi

if [ "${TCPX_DEMO_SKIP_SETUP:-0}" != 1 ]; then
  bash "$repo/scripts/setup.sh" --demo
fi
export TCPX_PLUGIN=${TCPX_PLUGIN:-$repo/${TCPX_BUILD_DIR:-build}/plugin/tcpx.so}
if [ ! -f "$TCPX_PLUGIN" ]; then
  echo "demo.sh: plugin not found: $TCPX_PLUGIN (run without TCPX_DEMO_SKIP_SETUP to build it)" >&2
  exit 1
fi

tx() { python3 "$repo/tests/tools/tsharkx.py" "$@"; }
rule() { printf '\n==== %s ====\n\n' "$1"; }

echo "tcpx demo on $shown"

# 1. The verdicts.
rule "1. Stream health: one verdict per TCP stream (tshark -q -z tcpx,health)"
if ! tx -r "$capture" -n -q -z tcpx,health; then
  echo "(the tcpx,health report failed on this capture; the rest still runs)"
fi

# Every frame tcpx explains: frame<TAB>anomalies ('|'-joined)<TAB>summaries.
fields=$(tx -r "$capture" -n -2 -Y tcpx.summary -T fields -E header=n -E separator=/t \
            -E occurrence=a -E 'aggregator=|' \
            -e frame.number -e tcpx.anomaly -e tcpx.summary)

# Kinds, most telling first; kinds missing here come after, dup_ack and the
# chat-level kinds last.
order="checksum reset zero_window fast_retransmission retransmission
spurious_retransmission lost_segment out_of_order acked_unseen window_full
zero_window_probe zero_window_probe_ack reused_ports tfo_syn tfo_ack tfo_ignored
keep_alive keep_alive_ack dup_ack window_update"

# kind<TAB>count<TAB>first frame, in that order (one line per kind present).
kinds=$(printf '%s\n' "$fields" | awk -F'\t' -v order="$order" '
  $2 != "" {
    n = split($2, a, "|"); delete seen
    for (i = 1; i <= n; i++) {
      k = a[i]; if (k in seen) continue; seen[k] = 1
      if (!(k in count)) { first[k] = $1; extra[++nextra] = k }
      count[k]++
    }
  }
  END {
    m = split(order, o, /[ \n]+/)
    for (i = 1; i <= m; i++) if (o[i] in count) { print o[i] "\t" count[o[i]] "\t" first[o[i]]; done[o[i]] = 1 }
    for (i = 1; i <= nextra; i++) if (!(extra[i] in done)) print extra[i] "\t" count[extra[i]] "\t" first[extra[i]]
  }')

# 2. One tree per kind: the first frame of each of the first $ntrees kinds
#    (a frame that is the first of two kinds is shown once).
if [ -z "$kinds" ]; then
  rule "2. No anomalies in this capture"
  echo "tcpx found nothing to explain beyond the connection steps."
else
  picks=$(printf '%s\n' "$kinds" | awk -F'\t' -v n="$ntrees" '
    !($3 in s) && c < n { s[$3] = 1; c++; print $3 "\t" $1 }')
  frames=$(printf '%s\n' "$picks" | cut -f1 | paste -sd,)
  rule "2. The tcpx tree of the first frame of each kind (tshark -2 -V -O tcpx, frames $frames)"
  trees=$(tx -r "$capture" -n -2 -V -O tcpx -Y "frame.number in {$frames}")
  # Print the trees in the order of $picks, each under a title.
  while IFS=$'\t' read -r frame kind; do
    printf -- '---- %s: frame %s ----\n' "$kind" "$frame"
    printf '%s\n' "$trees" | awk -v f="$frame" '
      /^Frame [0-9]+:/ { on = ($2 == f ":") }
      on && NF'
    echo
  done <<< "$picks"

  # 3. The summaries, per kind.
  rule "3. Summaries per kind (count, and the first $nsum frames of each)"
  while IFS=$'\t' read -r kind count first; do
    printf '%s: %s frame%s\n' "$kind" "$count" "$([ "$count" = 1 ] || echo s)"
    printf '%s\n' "$fields" | awk -F'\t' -v k="$kind" -v n="$nsum" '
      { m = split($2, a, "|"); hit = 0; for (i = 1; i <= m; i++) if (a[i] == k) hit = 1 }
      hit && c < n { c++; split($3, s, "|"); printf "  %6s  %s\n", $1, s[1] }'
    if [ "$count" -gt "$nsum" ]; then
      echo "          ... $((count - nsum)) more: tshark -Y 'tcpx.anomaly == \"$kind\"'"
    fi
  done <<< "$kinds"
  steps=$(printf '%s\n' "$fields" | awk -F'\t' '$2 == "" { c++ } END { print c + 0 }')
  if [ "$steps" -gt 0 ]; then
    echo "(and $steps frames with a connection step only: handshake, teardown...)"
  fi
fi

# 4. What next.
if [ "$(id -u)" -eq 0 ]; then
  install_cmd="cmake -S . -B build -DTCPX_INSTALL_GLOBAL=ON && cmake --build build && cmake --install build"
  install_note="as root: into the global plugin and profile folders, for every user; Wireshark ignores personal plugins when run as root"
else
  install_cmd="cmake -S . -B build && cmake --build build && cmake --install build"
  install_note="your personal plugin folder and profile (as root instead: add -DTCPX_INSTALL_GLOBAL=ON)"
fi
rule "4. Next steps"
cat <<EOF
Install tcpx into Wireshark, from $repo:
    $install_cmd
  ($install_note)
Open the capture with the tcpx profile (explanation column, colours by severity):
    wireshark -C tcpx $shown
  (or click "Profile: Default" at the bottom right of the status bar and pick tcpx)
EOF
if ! command -v wireshark >/dev/null 2>&1; then
  echo "  (the GUI is not installed: apt-get install wireshark)"
fi
cat <<EOF
Useful tshark forms, once installed:
    tshark -r $shown -q -z tcpx,health                 # one verdict per stream
    tshark -r $shown -Y 'tcpx.severity >= 3'           # warnings and errors only
    tshark -r $shown -V -O tcpx -Y 'frame.number == N' # the full explanation of frame N
    tshark -r $shown -T fields -e frame.number -e tcp.stream -e tcpx.summary -Y tcpx
More: README.md ("First five minutes", "Fields").
EOF
