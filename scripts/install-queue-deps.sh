#!/usr/bin/env bash
# Installs Debian's PostgreSQL server and Redis for the queue-mode suite (`npm run test:queue`;
# test/e2e/harness/queue.ts starts and stops its own instances on random ports, so the system
# services the packages bring may run or not). Idempotent: does nothing when both are there. Needs
# root (or sudo) and apt-get; elsewhere install them yourself and set QUEUE_PG_BIN (PostgreSQL's bin
# folder) and QUEUE_REDIS_SERVER (the redis-server binary).
set -euo pipefail
cd "$(dirname "$0")"
have_pg() { { [ -n "${QUEUE_PG_BIN:-}" ] && [ -x "$QUEUE_PG_BIN/initdb" ]; } || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
have_redis() { command -v "${QUEUE_REDIS_SERVER:-redis-server}" >/dev/null 2>&1; }
if have_pg && have_redis; then echo "install-queue-deps.sh: PostgreSQL and Redis present"; exit 0; fi
START=$(date +%s)
bash ./apt-install.sh postgresql redis-server
have_pg && have_redis || { echo "install-queue-deps.sh: apt-get finished but PostgreSQL or Redis is missing" >&2; exit 1; }
echo "install-queue-deps.sh: PostgreSQL and Redis installed in $(( $(date +%s) - START )) s"
