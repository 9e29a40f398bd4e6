#!/bin/bash
# Installs code-server 4.100.3 (VS Code 1.100.3, the last release that runs on Node 20) into
# DEST (default .e2e/code-server in the repository) using only the npm registry and Debian
# packages, and prints the path of its binary. Re-running is cheap once installed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST=${1:-$ROOT/.e2e/code-server}
VER=4.100.3
BIN=$DEST/node_modules/.bin/code-server
csenv() { HOME=$DEST/home XDG_CONFIG_HOME=$DEST/home/.config XDG_DATA_HOME=$DEST/home/.local/share "$@"; }
# An install whose native modules were never built does not start: check, do not trust -x.
if [ -x "$BIN" ] && csenv "$BIN" --version >/dev/null 2>&1; then echo "$BIN"; exit 0; fi
rm -rf "$DEST/node_modules" "$DEST/package-lock.json"
# The kerberos native module links against libkrb5.
if ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends libkrb5-dev >&2 ||
    { apt-get update >&2 && apt-get install -y --no-install-recommends libkrb5-dev >&2; }
fi
# @vscode/ripgrep downloads rg from GitHub in its postinstall; it first looks in its cache
# under $TMPDIR, so we seed that cache from the rg binary published on npm.
T=${TMPDIR:-/tmp}; CACHE=$T/vscode-ripgrep-cache-1.15.11; ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
if [ ! -f "$CACHE/$ASSET" ]; then
  W=$(mktemp -d)
  (cd "$W" && npm pack @vscode/ripgrep-linux-x64@1.18.0 >/dev/null && tar xzf vscode-ripgrep-linux-x64-1.18.0.tgz &&
    mkdir -p "$CACHE" && tar czf "$CACHE/$ASSET" -C package/bin rg)
  rm -rf "$W"
fi
mkdir -p "$DEST/home"
cd "$DEST"
[ -f package.json ] || echo '{"name":"code-server-host","private":true}' > package.json
# yes: node-pty runs `npx node-gyp`; unsafe_perm: code-server's postinstall refuses root
# otherwise; nodedir: build native modules against Debian's Node headers (no download).
# code-server is only usable after its native modules' install scripts run, and this folder
# holds nothing else, so npm 11's script allow-list is bypassed here and only here; the
# repository's own .npmrc (ignore-scripts=true) must not apply to this install either.
npm_config_yes=true npm_config_unsafe_perm=true npm_config_nodedir=/usr npm_config_ignore_scripts=false \
  npm install --no-save --no-audit --no-fund --dangerously-allow-all-scripts code-server@$VER --foreground-scripts >&2
csenv "$BIN" --version >&2
echo "$BIN"
