#!/bin/sh
# Fetch the real hypervisor trees that `npm run bench tree` measures on, into a cache folder
# outside git (never committed): Xen 4.17 from Debian's `xen` source package and the KVM
# directories of Linux 6.1 from Debian's `linux-source-6.1` package.
#
#   scripts/fetch-trees.sh            # fetch both (idempotent: present trees are kept)
#   HVBARRIER_TREES=/some/dir scripts/fetch-trees.sh
#
# Layout: $TREES/xen (the unpacked source package; the hypervisor is $TREES/xen/xen) and
# $TREES/linux (virt/kvm, arch/x86/kvm, arch/arm64/kvm and the include/ folders they use).
# Needs apt (Debian bookworm); adds a deb-src entry for the configured mirrors when missing.
set -eu

TREES="${HVBARRIER_TREES:-${XDG_CACHE_HOME:-$HOME/.cache}/hvbarrier/trees}"
mkdir -p "$TREES"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

have_deb_src() {
  grep -rqsE '^(Types:.*deb-src|deb-src[[:space:]])' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}

# apt-get source needs a deb-src line. Debian 12 keeps its sources in deb822 form
# (debian.sources); add a sibling file that mirrors the main archive's URIs and suites.
ensure_deb_src() {
  have_deb_src && return 0
  echo "fetch-trees: no deb-src entry in the apt sources; adding /etc/apt/sources.list.d/hvbarrier-src.sources"
  suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  $SUDO sh -c "cat > /etc/apt/sources.list.d/hvbarrier-src.sources" <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  $SUDO apt-get update -qq
}

fetch_xen() {
  if [ -d "$TREES/xen/xen/common" ]; then
    echo "fetch-trees: xen present at $TREES/xen"
    return 0
  fi
  ensure_deb_src
  work="$TREES/.xen-download"
  rm -rf "$work" && mkdir -p "$work"
  # Source packages are unpacked as the caller; dpkg-source refuses nothing here.
  (cd "$work" && apt-get source -qq xen)
  dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'xen-*' | head -n 1)
  [ -n "$dir" ] || { echo "fetch-trees: apt-get source xen unpacked nothing" >&2; exit 1; }
  rm -rf "$TREES/xen"
  mv "$dir" "$TREES/xen"
  basename "$dir" > "$TREES/xen/.hvbarrier-version"
  rm -rf "$work"
  echo "fetch-trees: xen unpacked at $TREES/xen ($(cat "$TREES/xen/.hvbarrier-version"))"
}

fetch_linux() {
  if [ -d "$TREES/linux/virt/kvm" ]; then
    echo "fetch-trees: linux KVM directories present at $TREES/linux"
    return 0
  fi
  tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1 || true)
  if [ -z "$tarball" ]; then
    $SUDO apt-get install -y -qq linux-source-6.1 >/dev/null
    tarball=$(ls /usr/src/linux-source-6.1.tar.* | head -n 1)
  fi
  top=$(basename "$tarball" | sed 's/\.tar\..*$//')
  rm -rf "$TREES/.linux-extract" && mkdir -p "$TREES/.linux-extract"
  # Only what the KVM checks read: the three KVM folders and the headers they include.
  tar -xf "$tarball" -C "$TREES/.linux-extract" \
    "$top/virt/kvm" "$top/arch/x86/kvm" "$top/arch/arm64/kvm" \
    "$top/include" "$top/arch/x86/include" "$top/arch/arm64/include" "$top/Makefile"
  rm -rf "$TREES/linux"
  mv "$TREES/.linux-extract/$top" "$TREES/linux"
  rmdir "$TREES/.linux-extract"
  echo "$top" > "$TREES/linux/.hvbarrier-version"
  echo "fetch-trees: linux KVM directories at $TREES/linux ($top)"
}

case "${1:-all}" in
  xen) fetch_xen ;;
  linux|kvm) fetch_linux ;;
  all) fetch_xen; fetch_linux ;;
  *) echo "usage: $0 [all|xen|linux]" >&2; exit 2 ;;
esac
echo "fetch-trees: trees in $TREES"
