# debian.sh: what scripts/matrix.sh and scripts/package_test.sh share (sourced, not run).

# The Debian release that ships each Wireshark version of the matrix.
suite_of() {   # suite_of 4.0|4.4|4.6
  case "$1" in
    4.0) echo bookworm ;;
    4.4) echo trixie ;;
    4.6) echo sid ;;
    *) echo "unknown Wireshark version '$1' (4.0, 4.4, 4.6)" >&2; return 2 ;;
  esac
}

# The Debian mirror apt uses here: deb822 sources first, then sources.list
# (its "[options]" skipped).  Never written into the repository.
debian_mirror() {
  local m=""
  m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null \
      | awk '/^URIs:/ {for (i = 2; i <= NF; i++) print $i}' | grep -v -- '-security' | head -n1 || true)
  if [ -z "$m" ]; then
    m=$(cat /etc/apt/sources.list 2>/dev/null \
        | awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) {print $i; exit}}' || true)
  fi
  [ -n "$m" ] || { echo "no Debian mirror found in apt's sources" >&2; return 1; }
  printf '%s\n' "$m"
}

# debootstrap, installed when missing (apt's lists may be empty on a fresh machine).
need_debootstrap() {
  command -v debootstrap >/dev/null 2>&1 && return 0
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap \
    || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap; }
}
