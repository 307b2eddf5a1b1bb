#!/usr/bin/env bash
# matrix.sh: run tcpx's whole test suite against each Wireshark version users run.
#
#   bash scripts/matrix.sh 4.0|4.4|4.6|all [extra ctest args...]
#   bash scripts/matrix.sh 4.0|4.4|4.6|all --run 'COMMAND'
#                                  run COMMAND in the checkout of each version's
#                                  environment instead of the tests (bench/run.sh
#                                  uses it); $TCPX_BENCH_DIR and $TCPX_MATRIX_XFER
#                                  (default /var/tmp/tcpx-xfer) are shared with
#                                  this machine at the same paths
#
# Each version is the Wireshark a Debian release ships: 4.0 = bookworm (12),
# 4.4 = trixie (13), 4.6 = sid (unstable).  The version this machine runs
# itself is tested here; each other one in a Debian chroot made by debootstrap
# from the mirror apt already uses, kept in $TCPX_MATRIX_CACHE (default
# /var/cache/tcpx-matrix) between runs.  The checkout (tracked and untracked,
# git-ignored files left out) is copied in and `scripts/test.sh --here` runs
# inside, so each version builds against its own headers, with its own gcc.
# ../shared, when it exists, is bind-mounted read-only beside the copy.
# The truth test's corpus (tests/corpus/: network namespaces, so never made in a
# chroot) is made once here -- by this machine's own test run, or by
# make_corpus.py --ensure before the first chroot -- and bind-mounted read-only
# into each chroot as its TCPX_CORPUS_DIR (TCPX_CORPUS_DIR here: that one).
#
# While this machine's version is tested, the others' chroots are readied in the background
# (prepare_chroots), and they fuzz fewer, other variants (run_in_chroot): CI's time.
#
# Root only (debootstrap, chroot, mounts).  Ends with one line per version and
# "matrix: N passed, N failed" (versions).
#
# Environment: TCPX_MATRIX_CACHE, TCPX_MATRIX_CTEST_ARGS_<4_4> (extra ctest
# args for one version only, e.g. TCPX_MATRIX_CTEST_ARGS_4_6="-LE robustness").
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)
. scripts/debian.sh
want=${1:-all}
shift || true
run_cmd=""
if [ "${1:-}" = --run ]; then
  run_cmd=${2:?matrix.sh: --run needs a command}
  shift 2
fi
cache=${TCPX_MATRIX_CACHE:-/var/cache/tcpx-matrix}


case "$want" in
  all) versions=(4.0 4.4 4.6) ;;
  *) suite_of "$want" >/dev/null; versions=("$want") ;;
esac

# The Wireshark minor version this machine ships (empty if unknown): by release
# first (on a fresh machine nothing is installed and apt's lists may be empty).
native_version() {
  local v codename
  codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
  # Unstable's os-release names the testing release (forky); /etc/debian_version says sid.
  grep -q sid /etc/debian_version 2>/dev/null && codename=sid
  case "$codename" in
    bookworm) echo 4.0; return ;;
    trixie) echo 4.4; return ;;
    sid) echo 4.6; return ;;
  esac
  v=$(dpkg-query -W -f='${Version}' libwireshark-dev 2>/dev/null \
      || apt-cache policy libwireshark-dev 2>/dev/null | awk '/Candidate:/ {print $2}')
  v=${v#*:}
  printf '%s\n' "$v" | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p'
}

mounted=()
unmount_all() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount -R "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
  done
  mounted=()
}
prepare_pid=""   # the chroots readied in the background (prepare_chroots)
trap 'unmount_all; [ -z "$prepare_pid" ] || kill "$prepare_pid" 2>/dev/null || true' EXIT
trap "exit 130" INT TERM

bind() {   # bind SRC DST [ro]
  case "$1" in /*) ;; *) echo "matrix.sh: not an absolute path: $1" >&2; return 1 ;; esac
  mkdir -p "$2"
  mount --rbind "$1" "$2"
  mounted+=("$2")
  mount --make-rslave "$2"
  if [ "${3:-}" = ro ]; then
    mount -o remount,bind,ro "$2"
  fi
}

# The truth test's corpus for the chroots: TCPX_CORPUS_DIR, else made (or reused) in
# build/corpus here.  Empty when there is none (yet: this machine's own run may make
# it later): py_test_truth then skips in that chroot.
corpus=""
truth_corpus() {
  if [ -n "${TCPX_CORPUS_DIR:-}" ]; then
    corpus=$(cd "$TCPX_CORPUS_DIR" && pwd) || corpus=""
    return 0
  fi
  [ -n "$corpus" ] && return 0
  if python3 tests/corpus/make_corpus.py --ensure --out "$repo/${TCPX_BUILD_DIR:-build}/corpus"; then
    corpus="$repo/${TCPX_BUILD_DIR:-build}/corpus"
  else
    echo "matrix.sh: no truth corpus (make_corpus.py --ensure failed): py_test_truth skips in this chroot" >&2
  fi
}

make_chroot() {   # make_chroot SUITE DIR
  local suite=$1 dir=$2
  [ -f "$dir/.tcpx-ready" ] && return 0
  need_debootstrap || return 1
  # Never remove through a bind mount (a half-made chroot may still have /dev bound).
  if grep -q " $dir/" /proc/mounts; then
    echo "matrix.sh: $dir has mounts inside; unmount them first" >&2
    return 1
  fi
  rm -rf --one-file-system "$dir"
  mkdir -p "$dir"
  echo "matrix.sh: debootstrap $suite into $dir"
  debootstrap --variant=minbase "$suite" "$dir" "$(debian_mirror)" >"$dir.debootstrap.log" 2>&1 \
    || { tail -n 20 "$dir.debootstrap.log" >&2; return 1; }
  # The same minimal system is the package test's starting point (scripts/package_test.sh): kept as
  # it is now, before anything is installed, so that test needs no debootstrap of its own.
  if [ ! -f "$cache/$suite-base.tar" ]; then
    tar -C "$dir" -cf "$cache/$suite-base.tar.part" . && mv "$cache/$suite-base.tar.part" "$cache/$suite-base.tar" \
      || rm -f "$cache/$suite-base.tar.part"
  fi
  # sid's Release file can be past its Valid-Until date: apt must accept it.
  echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99tcpx-valid-until"
  cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
  touch "$dir/.tcpx-ready"
}

# The chroot of VERSION made (once), upgraded, with /proc, /sys and /dev bound and a fresh copy of the
# checkout (tracked and untracked files, without what git ignores: build/) in $work/main; holds the
# chroot's lock (fd 9) from here on.  Sets the caller's suite, dir and work.
enter_chroot() {   # enter_chroot VERSION
  suite=$(suite_of "$1")
  dir="$cache/$suite"
  work="$dir/srv/tcpx"
  mkdir -p "$cache"
  # One run per chroot at a time (a second one would wipe the first one's copy).
  exec 9>"$cache/$suite.lock"
  flock 9
  # Mounts a killed run left behind, deepest first.
  grep -o " $dir/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  make_chroot "$suite" "$dir" || return 1
  cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
  bind /proc "$dir/proc" || return 1
  bind /sys "$dir/sys" || return 1
  bind /dev "$dir/dev" || return 1
  # Today's packages of the release (the package test installs today's tshark too).
  timeout 900 chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c 'apt-get update -qq && apt-get -y -qq upgrade' >/dev/null 2>&1 9>&- \
    || echo "matrix.sh: apt-get upgrade in the $suite chroot failed; testing what it has"
  rm -rf --one-file-system "$work/main"
  mkdir -p "$work/main"
  git -C "$repo" ls-files -z --cached --others --exclude-standard \
    | (cd "$repo" && tar --null --ignore-failed-read -T - -cf -) | tar -xf - -C "$work/main" \
    || { echo "matrix.sh: could not copy the checkout into $work/main" >&2; unmount_all; return 1; }
}

# The other versions' chroots made and their packages installed in the background while this machine's
# own tests run: debootstrap and apt wait mostly on the network and the disk (~4 min per release on a
# fresh machine).  Started once the truth corpus exists (its scenarios time a real RTT).  Each one's
# run waits for it on the chroot's lock; a failure here only leaves the work to that run.
prepare_chroots() {   # prepare_chroots VERSION...
  local v
  mkdir -p "$cache"
  for v in "$@"; do
    (
      mounted=()
      prepare_pid=""
      trap unmount_all EXIT
      trap "exit 130" INT TERM
      suite="" dir="" work=""
      enter_chroot "$v" || exit 1
      chroot "$dir" /usr/bin/env -i HOME=/root LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        bash -c 'cd /srv/tcpx/main && bash scripts/setup.sh --packages-only' 9>&-  # no daemon keeps the lock
    ) >"$cache/prepare-$v.log" 2>&1 \
      || echo "matrix.sh: readying Wireshark $v's chroot in advance failed (its log: $cache/prepare-$v.log); its run does it" >&2
  done
}

run_in_chroot() {   # run_in_chroot VERSION [ctest args...]
  local version=$1; shift
  local suite dir work
  enter_chroot "$version" || return 1
  echo "matrix.sh: $suite chroot: $(chroot "$dir" dpkg-query -W -f='${Package} ${Version}' libwireshark-dev 2>/dev/null)"
  if [ -d "$repo/../shared" ]; then
    bind "$(cd "$repo/../shared" && pwd)" "$work/shared" ro || { unmount_all; return 1; }
  fi
  local corpus_env=()
  if [ -z "$run_cmd" ] && [ -n "$corpus" ]; then
    bind "$corpus" "$work/corpus" ro || { unmount_all; return 1; }
    corpus_env=(TCPX_CORPUS_DIR=/srv/tcpx/corpus)
  fi
  local status=0
  if [ -n "$run_cmd" ]; then
    # Folders the command reads or writes, shared with this machine at the same path.
    local bench_dir=${TCPX_BENCH_DIR:-/var/tmp/tcpx-bench} xfer=${TCPX_MATRIX_XFER:-/var/tmp/tcpx-xfer}
    mkdir -p "$xfer"
    bind "$xfer" "$dir$xfer"
    if [ -d "$bench_dir" ]; then bind "$bench_dir" "$dir$bench_dir"; fi
    chroot "$dir" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb TCPX_BENCH_DIR="$bench_dir" TCPX_MATRIX_XFER="$xfer" \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      bash -c 'cd /srv/tcpx/main && eval "$1"' run "$run_cmd" || status=$?
    unmount_all
    return "$status"
  fi
  # With this machine's version tested in full, the others share the fuzzing: 50 damaged-capture variants
  # each, other ones than its 150, and the core's libFuzzer (the same C everywhere) for 15 s from another
  # seed.  Every version still reads damaged captures; CI stays within its time.
  local fuzz_env=()
  if [ "$native_tested" = 1 ]; then
    fuzz_env=(TCPX_FUZZ_VARIANTS=50 "TCPX_FUZZ_START=$((150 + 50 * chroot_runs))"
              TCPX_FUZZ_CORE_SECONDS=15 "TCPX_FUZZ_SEED=$((2 + chroot_runs))")
  fi
  chroot_runs=$((chroot_runs + 1))
  # Bounded: a hung run must not hold CI (and its mounts) for ever.
  timeout --kill-after=60 "${TCPX_MATRIX_TIMEOUT:-2400}" \
    chroot "$dir" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb CI="${CI:-}" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TCPX_CORPUS_GENERATE=0 "${corpus_env[@]}" "${fuzz_env[@]}" \
    bash -c 'cd /srv/tcpx/main && exec bash scripts/test.sh --here "$@"' test.sh "$@" || status=$?
  if [ "$status" -eq 0 ]; then
    timeout --kill-after=60 900 chroot "$dir" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
      PATH=/usr/sbin:/usr/bin:/sbin:/bin bash -c 'cd /srv/tcpx/main && bash scripts/package.sh' || status=$?
    deb=$(ls "$work"/main/build-pkg/tcpx_*.deb 2>/dev/null | head -n1 || true)
  fi
  unmount_all
  return "$status"
}

# The .deb of the version just tested, installed and used in a fresh chroot of its release.
package_check() {   # package_check VERSION DEB
  [ -n "$2" ] || { echo "matrix.sh: no package was built for Wireshark $1" >&2; return 1; }
  bash scripts/package_test.sh "$1" "$2"
}

native=$(native_version)
native_tested=0   # this machine's version is among those tested (then in full)
chroot_runs=0
[[ " ${versions[*]} " == *" $native "* ]] && [ -z "$run_cmd" ] && native_tested=1
# With this machine's version and others to test: its build and the corpus first, then the others'
# chroots readied in the background while its tests run.
if [ "$native_tested" = 1 ] && [ "$(id -u)" -eq 0 ] && [ "${#versions[@]}" -gt 1 ]; then
  others=()
  for v in "${versions[@]}"; do [ "$v" = "$native" ] || others+=("$v"); done
  bash scripts/setup.sh -DTCPX_WERROR="${TCPX_WERROR:-ON}" || true   # test.sh reports a failure
  truth_corpus
  [ -n "$corpus" ] && export TCPX_CORPUS_DIR="$corpus"
  need_debootstrap || true   # here, not beside this machine's own apt runs
  prepare_chroots "${others[@]}" &
  prepare_pid=$!
fi
results=()
why=()
passed=0
failed=0
for v in "${versions[@]}"; do
  extra_var="TCPX_MATRIX_CTEST_ARGS_${v/./_}"
  # shellcheck disable=SC2206
  extra=(${!extra_var:-})
  echo
  echo "==== Wireshark $v ($(suite_of "$v")) ===="
  start=$SECONDS
  status=0
  deb=""
  if [ -n "$run_cmd" ]; then
    if [ "$v" = "$native" ]; then
      bash -c "$run_cmd" || status=$?
    else
      run_in_chroot "$v" || status=$?
    fi
    [ "$status" -eq 0 ] && results+=("Wireshark $v: done") || results+=("Wireshark $v: FAILED, exit $status")
    [ "$status" -eq 0 ] && passed=$((passed + 1)) || failed=$((failed + 1))
    continue
  fi
  if [ "$v" = "$native" ]; then
    bash scripts/test.sh --here "${extra[@]}" "$@" || status=$?
    if [ "$status" -eq 0 ] && [ "$(id -u)" -eq 0 ]; then
      deb=$(bash scripts/package.sh | tail -n1) || status=$?
    fi
  else
    [ "$(id -u)" -eq 0 ] || { echo "matrix.sh: Wireshark $v needs a chroot: run as root" >&2; exit 1; }
    truth_corpus
    run_in_chroot "$v" "${extra[@]}" "$@" || status=$?
  fi
  if [ "$status" -eq 0 ] && [ "$(id -u)" -eq 0 ]; then
    package_check "$v" "$deb" || status=$?
  fi
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1)); results+=("Wireshark $v: passed ($((SECONDS - start)) s)")
  else
    failed=$((failed + 1)); results+=("Wireshark $v: FAILED, exit $status ($((SECONDS - start)) s)")
    summary="$repo/${TCPX_BUILD_DIR:-build}/failure-summary.txt"
    [ "$v" = "$native" ] || summary="$cache/$(suite_of "$v")/srv/tcpx/main/build/failure-summary.txt"
    [ -s "$summary" ] && why+=("---- Wireshark $v: why ----" "$(cat "$summary")")
  fi
done

[ -z "$prepare_pid" ] || wait "$prepare_pid" || true
echo
[ "${#why[@]}" -eq 0 ] || printf '%s\n' "${why[@]}"
printf '%s\n' "${results[@]}"
echo "matrix: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
