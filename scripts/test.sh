#!/usr/bin/env bash
# npm test: types, lint, unit, integration (real Docker engine, real PHP) and Playwright (real Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
export CI="${CI:-}"
phase() { printf '\n==> %s\n' "$*"; PHASE_START=$(date +%s); }
done_phase() { echo "    ($(( $(date +%s) - PHASE_START )) s)"; }

if [ ! -x node_modules/.bin/next ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  phase "Installing npm packages"; # npm install, not npm ci: npm 11 writes a lock without other platforms' optional packages, then
  # refuses it in npm ci; install follows the same lock and leaves it unchanged.
  npm install --no-audit --no-fund; done_phase
fi
bash scripts/prisma.sh generate >/dev/null

phase "Types"; node_modules/.bin/tsc --noEmit; done_phase
phase "Lint"; node_modules/.bin/eslint --max-warnings=0 .; node_modules/.bin/tsx scripts/check-folder-cycles.ts; node_modules/.bin/knip --no-progress; done_phase
phase "Unit tests"; node_modules/.bin/vitest run --project unit; done_phase

phase "Docker engine and node images"
bash scripts/engine.sh
# The HTTPS suite's ACME CA: Debian's pebble (Let's Encrypt's RFC 8555 test server), run on loopback by the test.
if ! command -v pebble >/dev/null || ! command -v pebble-challtestsrv >/dev/null; then
  echo "    installing Debian's pebble (local ACME server for the HTTPS tests)"
  apt-get install -y -q pebble >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q pebble >/dev/null; }
fi
bash scripts/host-tools.sh --test
node_modules/.bin/tsx scripts/build-images.ts
done_phase

phase "Building the app"
node_modules/.bin/next build >/tmp/phleet-test-build.log 2>&1 || { tail -60 /tmp/phleet-test-build.log; exit 1; }
done_phase

phase "Integration tests (real engine, real PHP)"; node_modules/.bin/vitest run --project integration; done_phase

phase "Browser tests (Playwright, Debian's Chromium)"
bash scripts/chromium.sh
node_modules/.bin/playwright test
done_phase
