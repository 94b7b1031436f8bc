#!/usr/bin/env bash
# The editor tests on a busy machine: runs test/e2e/editor.test.ts and test/e2e/editor-closeio.test.ts
# (one jest run = both files, on one n8n version) N times in a row while a busy loop spins on every
# core beside them, and reports pass/fail and the time of each run. A user's laptop or a slow CI
# runner is a busy machine: these tests must wait for what they read, never for a moment.
#   scripts/e2e-contended.sh [N]      N runs (default CONTENDED_RUNS, else 3)
#   N8N_E2E_VERSION                   n8n version (default 1.123.81; installed on first use)
#   CONTENDED_BUSY                    busy loops (default: the number of cores, `nproc`)
#   CONTENDED_MAX_SECONDS             each busy loop ends by itself after this long even if this script
#                                     is killed (default 7200); they are killed when the runs end anyway
#   CONTENDED_SKIP_BUILD=1            use the existing dist/ (default: npm run build first, unloaded)
# Extra arguments after N go to jest (e.g. -t 'Lead list'). Exit 0 only when every run passed.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-${CONTENDED_RUNS:-3}}"
shift || true
BUSY="${CONTENDED_BUSY:-$(nproc)}"
MAX="${CONTENDED_MAX_SECONDS:-7200}"
VERSION="${N8N_E2E_VERSION:-1.123.81}"
FILES=(test/e2e/editor.test.ts test/e2e/editor-closeio.test.ts)
LOGS="$(mktemp -d -t e2e-contended-XXXXXX)"

if [ "${CONTENDED_SKIP_BUILD:-}" != "1" ]; then npm run build >"$LOGS/build.log" 2>&1 || { cat "$LOGS/build.log"; exit 1; }; fi

BUSY_PIDS=()
stop_busy() {
	for p in "${BUSY_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${BUSY_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	BUSY_PIDS=()
}
trap stop_busy EXIT
# `timeout` bounds each loop even if this script dies without running its trap (kill -9)
for _ in $(seq 1 "$BUSY"); do
	timeout "$MAX" bash -c 'while :; do :; done' &
	BUSY_PIDS+=("$!")
done
echo "::: e2e contended: $N run(s) of ${FILES[*]} on n8n $VERSION, $BUSY busy loop(s) beside them (load $(cut -d' ' -f1-3 /proc/loadavg)); logs in $LOGS"

declare -a RESULTS=()
passed=0
T0=$(date +%s)
for i in $(seq 1 "$N"); do
	t0=$(date +%s)
	log="$LOGS/run-$i.log"
	if N8N_E2E_VERSION="$VERSION" npx jest "${FILES[@]}" "$@" --runInBand --selectProjects e2e >"$log" 2>&1; then
		verdict="PASS"; passed=$((passed + 1))
	else
		verdict="FAIL"
	fi
	tests="$(grep -E '^Tests:' "$log" | tail -n 1 || true)"
	line="run $i/$N: $verdict in $(( $(date +%s) - t0 )) s (${tests:-no jest summary}; load $(cut -d' ' -f1 /proc/loadavg))"
	RESULTS+=("$line")
	echo "::: $line"
	if [ "$verdict" = "FAIL" ]; then
		grep -E '^  ● ' "$log" | sed 's/^/:::     /' || true
		echo ":::     log: $log"
	fi
done
stop_busy
echo "::: e2e contended on n8n $VERSION: $passed/$N runs passed in $(( $(date +%s) - T0 )) s"
for r in "${RESULTS[@]}"; do echo ":::   $r"; done
[ "$passed" -eq "$N" ]
