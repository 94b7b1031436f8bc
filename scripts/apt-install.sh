#!/usr/bin/env bash
# apt-get install -y --no-install-recommends <packages...>, as root or through sudo, one apt-get at a
# time on this machine (parallel CI jobs), refreshing the package lists only when they are missing or
# older than a day. Used by install-chromium.sh and install-queue-deps.sh.
set -euo pipefail
if ! command -v apt-get >/dev/null 2>&1; then
  echo "apt-install.sh: no apt-get here; install $* yourself" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "apt-install.sh: needs root (or sudo) for apt-get" >&2; exit 1
  fi
fi
exec 9>/tmp/install-chromium.lock
if command -v flock >/dev/null 2>&1; then flock 9; fi
export DEBIAN_FRONTEND=noninteractive
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
  $SUDO apt-get update >&2
fi
$SUDO apt-get install -y --no-install-recommends "$@" >&2
