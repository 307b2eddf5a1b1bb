#!/usr/bin/env bash
# package_test.sh: install a tcpx .deb into a fresh Debian chroot of its release and use it.
#
#   bash scripts/package_test.sh 4.0|4.4|4.6 path/to/tcpx_*.deb
#
# The chroot starts from a minimal debootstrap of the release (kept as a tarball
# in $TCPX_MATRIX_CACHE, default /var/cache/tcpx-matrix), so nothing but what
# apt pulls in for tshark and the package is there.  Checks: apt installs it;
# `tshark -G plugins` lists it from Wireshark's global folder and
# `tshark -q -z tcpx,health` judges a capture, as root and as a normal user; the
# profile is in the global profiles folder; `apt-get remove` leaves none of its
# files behind.  Root only.  Ends with "package X.Y: passed" or exits non-zero.
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)
. scripts/debian.sh
version=${1:?usage: package_test.sh VERSION DEB}
deb=$(cd "$(dirname "${2:?usage: package_test.sh VERSION DEB}")" && pwd)/$(basename "$2")
cache=${TCPX_MATRIX_CACHE:-/var/cache/tcpx-matrix}
suite=$(suite_of "$version") || exit 2
[ "$(id -u)" -eq 0 ] || { echo "package_test.sh: needs root (debootstrap, chroot)" >&2; exit 1; }

base="$cache/$suite-base.tar"
if [ ! -f "$base" ]; then
  need_debootstrap || exit 1
  tmp=$(mktemp -d /var/tmp/tcpx-base.XXXXXX)
  echo "package_test.sh: debootstrap $suite (once; kept as $base)"
  mkdir -p "$cache"
  ok=1
  timeout 1200 debootstrap --variant=minbase "$suite" "$tmp" "$(debian_mirror)" >"$tmp.log" 2>&1 \
    && tar -C "$tmp" -cf "$base.part" . && mv "$base.part" "$base" || { ok=0; tail -n 20 "$tmp.log" >&2; }
  grep -q " $tmp/" /proc/mounts || rm -rf --one-file-system "$tmp" "$tmp.log" "$base.part"
  [ "$ok" = 1 ] || exit 1
fi

root=$(mktemp -d /var/tmp/tcpx-pkgtest.XXXXXX)
inside=/srv/tcpx-test   # the test's folder inside the chroot
mounts=()
cleanup() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -R "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" || true; done
  if ! grep -q " $root/" /proc/mounts; then rm -rf --one-file-system "$root"; fi
}
trap cleanup EXIT
trap "exit 130" INT TERM
tar -C "$root" -xf "$base"
chmod 755 "$root"   # mktemp makes 0700 (and the tarball's "." too): nobody could not reach / in the chroot
echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99tcpx-valid-until"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
for m in proc sys dev; do
  mount --rbind "/$m" "$root/$m"; mount --make-rslave "$root/$m"; mounts+=("$root/$m")
done
mkdir -p "$root$inside"
cp "$deb" "$root$inside/"
cp "$repo/sample_pcaps/lossy_download.pcapng" "$root$inside/"
chmod -R a+rX "$root$inside"

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root "$@"; }
as_user() { in_root setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=$inside/home "$@"; }
fail() { echo "package $version: FAILED: $*" >&2; exit 1; }

in_root sh -c 'echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections'
in_root apt-get update -qq >/dev/null
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  tshark util-linux "$inside/$(basename "$deb")" >/dev/null || fail "apt-get install"
mkdir -p "$root$inside/home" && chown 65534:65534 "$root$inside/home"

plugin_dir=$(in_root dpkg -L tcpx | grep '/tcpx\.so$') || fail "the package has no tcpx.so"
case "$plugin_dir" in
  */wireshark/plugins/"$version"/epan/tcpx.so) ;;
  *) fail "tcpx.so is not in Wireshark $version's global plugin folder: $plugin_dir" ;;
esac
for who in root user; do
  run=in_root; [ "$who" = user ] && run=as_user
  out=$($run tshark -G plugins 2>&1 || true)
  grep -q "^tcpx\.so.*${plugin_dir}" <<<"$out" || fail "$who: tshark -G plugins does not list $plugin_dir"
  out=$($run tshark -r $inside/lossy_download.pcapng -q -z tcpx,health 2>&1 || true)
  grep -q "network_loss" <<<"$out" || fail "$who: -z tcpx,health gives no verdict"
done
[ -f "$root/usr/share/wireshark/profiles/tcpx/colorfilters" ] || fail "no global tcpx profile"
in_root dpkg-deb -f "$inside/$(basename "$deb")" Depends | grep -q "libwireshark[0-9]* (>= $version\.0), libwireshark[0-9]* (<< " \
  || fail "the package does not pin Wireshark $version"

files=$(in_root dpkg -L tcpx | while read -r f; do [ -f "$root$f" ] && echo "$f"; done)
in_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq tcpx >/dev/null || fail "apt-get remove"
left=$(for f in $files; do [ -e "$root$f" ] && echo "$f"; done || true)
[ -z "$left" ] || fail "left behind after apt-get remove: $left"
echo "package $version: passed ($(basename "$deb"): installed, listed and used as root and as a user, removed clean)"
