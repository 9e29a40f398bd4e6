#!/bin/sh
# Makes sure b4 (the kernel's patch-series tool) is on PATH for the b4 workflow test. Installs
# Debian's `b4` package when it is missing and we are root; prints the b4 path on success and
# exits 1 (with the reason on stderr) when it cannot be installed.
set -u
if command -v b4 >/dev/null 2>&1; then command -v b4; exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "b4 is not installed and apt-get needs root" >&2; exit 1; fi
if ! command -v apt-get >/dev/null 2>&1; then echo "b4 is not installed and there is no apt-get" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing on a fresh machine; update only when the install fails.
apt-get install -y --no-install-recommends b4 >/dev/null 2>&1 ||
  { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends b4 >/dev/null 2>&1; } ||
  { echo "apt-get install b4 failed" >&2; exit 1; }
command -v b4 || { echo "b4 installed but not on PATH" >&2; exit 1; }
