#!/usr/bin/env bash
# Installs Debian's Chromium for the editor end-to-end test (test/e2e/editor.test.ts drives it with
# playwright-core, executablePath /usr/bin/chromium). Idempotent: does nothing when /usr/bin/chromium
# already exists. Needs root (or sudo) and apt-get; on other systems install Chromium yourself and
# point CHROMIUM_PATH at it.
# Usage: scripts/install-chromium.sh        prints the Chromium path on its last line.
set -euo pipefail
BIN="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium.sh: no apt-get here; install Chromium and set CHROMIUM_PATH" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-chromium.sh: needs root (or sudo) for apt-get" >&2; exit 1
  fi
fi

# one install at a time (parallel CI jobs on one machine)
exec 9>/tmp/install-chromium.lock
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi

export DEBIAN_FRONTEND=noninteractive
START=$(date +%s)
# refresh the package lists only when they are missing or older than a day
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
  $SUDO apt-get update >&2
fi
$SUDO apt-get install -y --no-install-recommends chromium fonts-liberation >&2
if [ ! -x "$BIN" ]; then
  echo "install-chromium.sh: apt-get finished but $BIN is missing" >&2
  exit 1
fi
echo "install-chromium.sh: $("$BIN" --version 2>/dev/null || echo chromium) installed in $(( $(date +%s) - START )) s" >&2
echo "$BIN"
