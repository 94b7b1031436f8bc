#!/usr/bin/env bash
# What users see in the editor, the Close.io node's e2e and the example workflows, again on other
# n8n versions (inside `npm test`, after the e2e project, which runs on N8N_E2E_VERSION):
#   N8N_E2E_CROSS_VERSIONS  space-separated n8n versions (default "2.40.7"; "" for none); a version
#                           equal to N8N_E2E_VERSION is skipped (the e2e project ran it already).
# Each version is installed on first use (scripts/install-n8n.sh; .ci/run installs them beforehand).
# Extra jest arguments are passed on (e.g. a test name filter: -t 'Lead list').
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=(
	test/e2e/editor.test.ts
	test/e2e/editor-closeio.test.ts
	test/e2e/closeio-node.test.ts
	test/e2e/examples.test.ts
	test/e2e/breadth.test.ts
)
MAIN="${N8N_E2E_VERSION:-1.123.81}"
for v in ${N8N_E2E_CROSS_VERSIONS-2.40.7}; do
	[ "$v" = "$MAIN" ] && continue
	echo "::: e2e on n8n $v: ${FILES[*]}"
	t0=$(date +%s)
	# the paths first: --selectProjects takes every following word as a project name
	N8N_E2E_VERSION="$v" npx jest "${FILES[@]}" "$@" --runInBand --selectProjects e2e
	echo "::: e2e on n8n $v took $(( $(date +%s) - t0 )) s"
done
