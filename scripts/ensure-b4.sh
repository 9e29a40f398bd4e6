#!/bin/sh
# Makes sure b4 (the kernel's patch-series tool, Debian package `b4`) is on PATH for the b4
# workflow test; prints its path, or exits 1 saying why it cannot be installed.
exec "$(dirname "$0")/ensure-apt-tool.sh" b4 b4
