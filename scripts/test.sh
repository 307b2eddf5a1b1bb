#!/usr/bin/env bash
# test.sh: install what is needed, build, and run the whole test suite (what CI runs).
#
#   bash scripts/test.sh [extra ctest args...]    e.g. -R oracle, -L unit
set -euo pipefail

cd "$(dirname "$0")/.."
bash scripts/setup.sh
status=0
ctest --test-dir "${TCPX_BUILD_DIR:-build}" --output-on-failure "$@" || status=$?
exit "$status"
