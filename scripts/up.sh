#!/usr/bin/env bash
# npm run up: installs what is missing, builds, migrates and starts Phleet in the foreground (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }
export PORT="${PORT:-3000}"
# Loopback only by default: node containers reach the host through their network's gateway address, and
# must not reach the dashboard. To serve it to other machines, put a TLS reverse proxy in front (README).
export PHLEET_HOST="${PHLEET_HOST:-127.0.0.1}"

reset=""
for arg in "$@"; do [ "$arg" = "--reset-credentials" ] && reset="--reset"; done

if [ ! -x node_modules/.bin/next ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "Installing npm packages"
  # npm install, not npm ci: npm 11 writes a lock without other platforms' optional packages, then
  # refuses it in npm ci; install follows the same lock and leaves it unchanged.
  npm install --no-audit --no-fund
fi

step "Docker engine"
bash scripts/engine.sh
bash scripts/host-tools.sh

step "Node images"
node_modules/.bin/tsx scripts/build-images.ts

step "Database"
bash scripts/prisma.sh generate >/dev/null
bash scripts/prisma.sh migrate deploy | grep -Ev '^(Loaded|Prisma|Datasource|$)' || true

step "Building the dashboard"
node_modules/.bin/next build >/tmp/phleet-next-build.log 2>&1 || { tail -40 /tmp/phleet-next-build.log; exit 1; }
echo "built (log: /tmp/phleet-next-build.log)"

node_modules/.bin/tsx scripts/bootstrap.ts $reset

step "Starting Phleet on $PHLEET_HOST:$PORT (Ctrl-C to stop)"
# scripts/serve.ts runs Next and also takes the web terminal's WebSocket (route handlers cannot).
exec node_modules/.bin/tsx scripts/serve.ts
