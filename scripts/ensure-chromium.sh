#!/bin/sh
# Makes sure Debian's chromium is installed for the code-server end-to-end test (driven by
# playwright-core, which never downloads a browser itself). Prints the binary path.
set -u
for b in /usr/bin/chromium /usr/bin/chromium-browser; do [ -x "$b" ] && { echo "$b"; exit 0; }; done
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then echo "chromium is missing and cannot be apt-get installed here" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 ||
  { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; } ||
  { echo "apt-get install chromium failed" >&2; exit 1; }
[ -x /usr/bin/chromium ] && echo /usr/bin/chromium
