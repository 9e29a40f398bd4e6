#!/bin/sh
# Fetch the real hypervisor trees that `npm run bench tree` measures on, into a cache folder
# outside git (never committed): Xen 4.17 from Debian's `xen` source package and the KVM
# directories of Linux 6.1 from Debian's `linux-source-6.1` package.
#
#   scripts/fetch-trees.sh            # fetch both (idempotent: present trees are kept)
#   HVBARRIER_TREES=/some/dir scripts/fetch-trees.sh
#
# Layout: $TREES/xen (the unpacked source package; the hypervisor is $TREES/xen/xen) and
# $TREES/linux (virt/kvm, arch/x86/kvm, arch/arm64/kvm and the include/ folders they use, plus
# every Kconfig, Makefile and Kbuild file of the tree, which say what each architecture builds).
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

# `present PATH WHAT`: true (and says so) when PATH is there already.
present() {
  [ -e "$1" ] || return 1
  echo "fetch-trees: $2 present"
}

# `scratch NAME`: an empty work folder $work in the cache, for unpacking before moving in.
scratch() {
  work="$TREES/$1"
  rm -rf "$work" && mkdir -p "$work"
}

fetch_xen() {
  present "$TREES/xen/xen/common" "xen at $TREES/xen" && return 0
  ensure_deb_src
  scratch .xen-download
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

linux_tarball() {
  tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1 || true)
  if [ -z "$tarball" ]; then
    $SUDO apt-get install -y -qq linux-source-6.1 >/dev/null
    tarball=$(ls /usr/src/linux-source-6.1.tar.* | head -n 1)
  fi
  top=$(basename "$tarball" | sed 's/\.tar\..*$//')
}

fetch_linux() {
  if present "$TREES/linux/virt/kvm" "linux KVM directories at $TREES/linux"; then
    fetch_linux_build
    return 0
  fi
  linux_tarball
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
  fetch_linux_build
}

# The build description of the whole tree (about 4700 small files): the KVM folders are not build
# roots, and which architectures build virt/kvm's files is said by arch/<a>/kvm/Makefile (which
# includes virt/kvm/Makefile.kvm) and the Kconfig files. Added beside what is there: files already
# present are kept, each new one is moved in whole, and the marker is written last.
fetch_linux_build() {
  present "$TREES/linux/.hvbarrier-build" "linux Kconfig and Makefiles at $TREES/linux" && return 0
  linux_tarball
  scratch .linux-build
  tar -xf "$tarball" -C "$work" --wildcards "$top/*Kconfig*" "$top/*Makefile*" "$top/*Kbuild*"
  (cd "$work/$top" && find . -type f) | while IFS= read -r f; do
    [ -e "$TREES/linux/$f" ] && continue
    mkdir -p "$(dirname "$TREES/linux/$f")"
    mv "$work/$top/$f" "$TREES/linux/$f"
  done
  rm -rf "$work"
  echo "$top" > "$TREES/linux/.hvbarrier-build"
  echo "fetch-trees: linux Kconfig and Makefiles added at $TREES/linux"
}

case "${1:-all}" in
  xen) fetch_xen ;;
  linux|kvm) fetch_linux ;;
  all) fetch_xen; fetch_linux ;;
  *) echo "usage: $0 [all|xen|linux]" >&2; exit 2 ;;
esac
echo "fetch-trees: trees in $TREES"
