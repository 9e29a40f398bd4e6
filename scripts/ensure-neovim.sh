#!/bin/sh
# Makes sure a headless-capable Neovim is on PATH for the editor tests. Installs Debian's
# `neovim` package when it is missing and we are root; prints the nvim path on success and
# exits 1 (with the reason on stderr) when it cannot be installed.
set -u
if command -v nvim >/dev/null 2>&1; then command -v nvim; exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "neovim is not installed and apt-get needs root" >&2; exit 1; fi
if ! command -v apt-get >/dev/null 2>&1; then echo "neovim is not installed and there is no apt-get" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing on a fresh machine; update only when the install fails.
apt-get install -y --no-install-recommends neovim >/dev/null 2>&1 ||
  { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends neovim >/dev/null 2>&1; } ||
  { echo "apt-get install neovim failed" >&2; exit 1; }
command -v nvim || { echo "neovim installed but nvim is not on PATH" >&2; exit 1; }
