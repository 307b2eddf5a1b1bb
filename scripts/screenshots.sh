#!/usr/bin/env bash
# screenshots.sh: regenerate the README's Wireshark screenshots (docs/img/*.png).
#
#   bash scripts/screenshots.sh [outdir] [capture]     (default: docs/img, sample_pcaps/lossy_download.pcapng)
#
# Builds tcpx (scripts/setup.sh), then runs Wireshark headless on an xvfb-run
# X screen with the plugin and the "tcpx" profile in a temp HOME, as user
# nobody when root (tests/tools/wiresharkx.py, the same driver tests/test_gui.py
# uses), and saves:
#   packet-list.png            packet list with the tcpx columns and colours (-g 44)
#   statistics-menu.png        Statistics menu with the TCPX entries
#   tcpx-tree.png              tcpx tree of a fast retransmission, related frames as links
#   stream-health.png          Statistics > TCPX Stream Health (-z tcpx,table)
#   stream-health-verdict.png  the same table paged to its score/verdict columns
# Screen size: TCPX_GUI_WIDTH x TCPX_GUI_HEIGHT (default 1440x900).
set -euo pipefail

cd "$(dirname "$0")/.."
# --wireshark X.Y: take them on that Wireshark of the version matrix (its chroot).
if [ "${1:-}" = --wireshark ]; then
  version=${2:?screenshots.sh: --wireshark needs 4.0, 4.4 or 4.6}
  shift 2
  out=${1:-docs/img}
  xfer=${TCPX_MATRIX_XFER:-/var/tmp/tcpx-xfer}
  rm -rf "$xfer/img" && mkdir -p "$xfer/img" && chmod 777 "$xfer/img"
  TCPX_MATRIX_XFER=$xfer bash scripts/matrix.sh "$version" --run "bash scripts/screenshots.sh $xfer/img ${2:-}"
  mkdir -p "$out" && cp "$xfer"/img/*.png "$out"/
  ls "$out"/*.png
  exit 0
fi
bash scripts/setup.sh >/dev/null
out=${1:-docs/img}
mkdir -p "$out"
PYTHONDONTWRITEBYTECODE=1 python3 tests/tools/wiresharkx.py screenshots "$out" ${2:+"$2"}
