#!/usr/bin/env bash
# test.sh: install what is needed, build, and run the whole test suite (what CI runs).
#
#   bash scripts/test.sh [ctest args...]          every Wireshark version of the matrix:
#                                                 this machine's, and the others in Debian
#                                                 chroots (scripts/matrix.sh; root only)
#   bash scripts/test.sh --here [ctest args...]   this machine's Wireshark only, e.g.
#                                                 --here -R oracle, --here -L unit
set -euo pipefail

cd "$(dirname "$0")/.."
if [ "${1:-}" != --here ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: not root, so no chroots: testing this machine's Wireshark only (--here)" >&2
  else
    exec bash scripts/matrix.sh all "$@"
  fi
else
  shift
fi
# Warnings are errors in the test build (TCPX_WERROR=OFF in the environment turns that off).
bash scripts/setup.sh -DTCPX_WERROR="${TCPX_WERROR:-ON}"
# The truth test's corpus, made here before ctest starts: its scenarios measure a real RTT,
# which a machine busy with parallel tests would disturb (reused when its sources are unchanged).
build=${TCPX_BUILD_DIR:-build}
if [ -z "${TCPX_CORPUS_DIR:-}" ] && [ "$(id -u)" -eq 0 ] && \
   python3 tests/corpus/make_corpus.py --ensure --out "$build/corpus"; then
  export TCPX_CORPUS_DIR="$PWD/$build/corpus"
fi
status=0
rm -f "$build/failure-summary.txt"
# Two tests at a time on two CPUs (the GUI test runs alone: RUN_SERIAL); TCPX_CTEST_JOBS sets how many.
ctest --test-dir "$build" --output-on-failure -j"${TCPX_CTEST_JOBS:-$(nproc)}" "$@" || status=$?
if [ "$status" -ne 0 ]; then
  # Why, in a few lines: a CI summary keeps the ends of a long output and cuts its middle, where
  # ctest printed the failing test's own message (scripts/matrix.sh repeats this at its end).
  grep -h -A12 -E "^(FAIL|ERROR): |^ERROR:[^ ]|ERROR: AddressSanitizer|^not ok " \
    "$build/Testing/Temporary/LastTest.log" 2>/dev/null | cut -c1-240 | head -n 40 >"$build/failure-summary.txt" || true
  echo "---- why (from $build/Testing/Temporary/LastTest.log) ----"
  cat "$build/failure-summary.txt"
fi
exit "$status"
