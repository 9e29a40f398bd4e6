#!/bin/sh
# Usage: ensure-apt-tool.sh PACKAGE COMMAND
# Makes sure COMMAND is on PATH for a test that drives a real tool. Installs Debian's PACKAGE
# when COMMAND is missing and we are root; prints the command's path on success and exits 1
# (with the reason on stderr) when it cannot be installed, so the test can skip saying why.
set -u
pkg=$1 cmd=$2
if command -v "$cmd" >/dev/null 2>&1; then command -v "$cmd"; exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "$pkg is not installed and apt-get needs root" >&2; exit 1; fi
if ! command -v apt-get >/dev/null 2>&1; then echo "$pkg is not installed and there is no apt-get" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing on a fresh machine; update only when the install fails.
apt-get install -y --no-install-recommends "$pkg" >/dev/null 2>&1 ||
  { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "$pkg" >/dev/null 2>&1; } ||
  { echo "apt-get install $pkg failed" >&2; exit 1; }
command -v "$cmd" || { echo "$pkg installed but $cmd is not on PATH" >&2; exit 1; }
