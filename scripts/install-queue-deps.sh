#!/usr/bin/env bash
# Installs Debian's PostgreSQL server and Redis for the queue-mode suite (`npm run test:queue`,
# test/e2e/harness/queue.ts starts and stops its own instances on random ports; nothing runs as a
# system service for it). Idempotent: does nothing when both are there. Needs root (or sudo) and
# apt-get; elsewhere install them yourself and set QUEUE_PG_BIN (PostgreSQL's bin folder) and
# QUEUE_REDIS_SERVER (the redis-server binary).
set -euo pipefail
have_pg() { [ -n "${QUEUE_PG_BIN:-}" ] && [ -x "$QUEUE_PG_BIN/initdb" ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
have_redis() { command -v "${QUEUE_REDIS_SERVER:-redis-server}" >/dev/null 2>&1; }
if have_pg && have_redis; then echo "install-queue-deps.sh: PostgreSQL and Redis present"; exit 0; fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-queue-deps.sh: no apt-get here; install PostgreSQL and Redis, set QUEUE_PG_BIN / QUEUE_REDIS_SERVER" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-queue-deps.sh: needs root (or sudo) for apt-get" >&2; exit 1
  fi
fi

# one apt-get at a time (parallel CI jobs on one machine; install-chromium.sh takes the same lock)
exec 9>/tmp/install-chromium.lock
if command -v flock >/dev/null 2>&1; then flock 9; fi
if have_pg && have_redis; then echo "install-queue-deps.sh: PostgreSQL and Redis present"; exit 0; fi

export DEBIAN_FRONTEND=noninteractive
START=$(date +%s)
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
  $SUDO apt-get update >&2
fi
# the Debian packages start system services; the suite uses its own instances, so those may run or not
$SUDO apt-get install -y --no-install-recommends postgresql redis-server >&2
have_pg && have_redis || { echo "install-queue-deps.sh: apt-get finished but PostgreSQL or Redis is missing" >&2; exit 1; }
echo "install-queue-deps.sh: PostgreSQL and Redis installed in $(( $(date +%s) - START )) s"
