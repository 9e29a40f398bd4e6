#!/bin/sh
# Makes sure a headless-capable Neovim is on PATH for the editor tests (Debian's `neovim`);
# prints the nvim path, or exits 1 saying why it cannot be installed.
exec "$(dirname "$0")/ensure-apt-tool.sh" neovim nvim
