#!/usr/bin/env bash
# run_fuzz_core.sh: build tests/fuzz/fuzz_core.c with clang (libFuzzer + ASan +
# UBSan) against the core sources and run it for a while.
#
#   bash tests/fuzz/run_fuzz_core.sh [BUILD_DIR] [SECONDS]    (defaults: build/fuzz-core, 45)
#
# Exit 0: clean run.  Exit 77: clang/libFuzzer not available (ctest: skipped).
# Anything else: a crash, a sanitizer report or an invariant (the crashing input
# is left in BUILD_DIR as crash-*; replay with BUILD_DIR/fuzz_core FILE).
# Environment: TCPX_FUZZ_SEED (default 1), TCPX_FUZZ_CORE_SECONDS (instead of SECONDS), CC (default: clang, clang-14),
# TCPX_FUZZ_CFLAGS (extra flags, e.g. -fno-sanitize=signed-integer-overflow to look
# past a known overflow, or -DTCPX_FUZZ_FULL_TIME for any 64-bit capture time).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/build/fuzz-core}
secs=${TCPX_FUZZ_CORE_SECONDS:-${2:-45}}   # scripts/matrix.sh: shorter on the other versions (the core is the same C)
mkdir -p "$out/corpus"

cc=${CC:-}
if [ -z "$cc" ] || ! command -v "$cc" >/dev/null 2>&1 || ! "$cc" --version 2>/dev/null | grep -q clang; then
  cc=""
  for c in clang clang-14; do command -v "$c" >/dev/null 2>&1 && { cc=$c; break; }; done
fi
[ -n "$cc" ] || { echo "run_fuzz_core: clang not found (apt-get install clang libclang-rt-14-dev)"; exit 77; }

srcs=()
for f in "$repo"/plugin/core/*.c; do srcs+=("$f"); done   # the pure-C core; the glue is in plugin/wireshark
# shellcheck disable=SC2046
if ! "$cc" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
     -fno-omit-frame-pointer ${TCPX_FUZZ_CFLAGS:-} -I"$repo/plugin/core" \
     "$here/fuzz_core.c" "${srcs[@]}" $(pkg-config --cflags --libs glib-2.0) \
     -o "$out/fuzz_core" 2> "$out/build.log"; then
  if grep -q -E "libclang_rt.fuzzer|cannot find.*fuzzer|unsupported option '-fsanitize=fuzzer" "$out/build.log"; then
    cat "$out/build.log"; echo "run_fuzz_core: libFuzzer runtime missing (apt-get install libclang-rt-14-dev)"; exit 77
  fi
  cat "$out/build.log"; exit 1
fi
echo "run_fuzz_core: built $out/fuzz_core with $cc; fuzzing ${secs}s (seed ${TCPX_FUZZ_SEED:-1})"
cd "$out"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
exec ./fuzz_core -max_total_time="$secs" -seed="${TCPX_FUZZ_SEED:-1}" -max_len=4096 \
  -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 -artifact_prefix="$out/" corpus
