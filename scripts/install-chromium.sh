#!/usr/bin/env bash
# Installs Debian's Chromium for the editor end-to-end test (test/e2e/editor.test.ts drives it with
# playwright-core, executablePath /usr/bin/chromium). Idempotent: does nothing when /usr/bin/chromium
# already exists. Needs root (or sudo) and apt-get; on other systems install Chromium yourself and
# point CHROMIUM_PATH at it.
# Usage: scripts/install-chromium.sh        prints the Chromium path on its last line.
set -euo pipefail
BIN="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi

START=$(date +%s)
bash "$(dirname "$0")/apt-install.sh" chromium fonts-liberation
if [ ! -x "$BIN" ]; then
  echo "install-chromium.sh: apt-get finished but $BIN is missing" >&2
  exit 1
fi
echo "install-chromium.sh: $("$BIN" --version 2>/dev/null || echo chromium) installed in $(( $(date +%s) - START )) s" >&2
echo "$BIN"
