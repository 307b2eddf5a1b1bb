#!/usr/bin/env bash
# package.sh: build the Debian package of tcpx for the Wireshark this machine has.
#
#   bash scripts/package.sh            -> build-pkg/tcpx_<version>+ws<X.Y>_<arch>.deb
#
# The package installs the plugin into Wireshark's global plugin folder and the
# "tcpx" profile into the global profiles folder, and depends on this Wireshark's
# libwireshark (same major.minor), so apt refuses it beside another version.
# Installing it is how root gets a working tcpx (root ignores personal plugins):
#   apt-get install ./build-pkg/tcpx_*.deb
set -euo pipefail

cd "$(dirname "$0")/.."
out=${TCPX_PKG_DIR:-build-pkg}
bash scripts/setup.sh --demo >/dev/null
cmake -S . -B "$out" -DCMAKE_INSTALL_PREFIX=/usr -DTCPX_INSTALL_GLOBAL=ON -DTCPX_PACKAGE=ON -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$out" -j"$(nproc)" >/dev/null
(cd "$out" && rm -f ./*.deb && cpack -G DEB >/dev/null)
ls "$out"/*.deb
