#!/usr/bin/env bash
# Runs the Prisma CLI offline: its JS engines do the work, but the CLI still looks for native engine
# files at start, so point it at a placeholder it never executes (../shared/PLATFORM.md).
set -euo pipefail
cd "$(dirname "$0")/.."
placeholder="node_modules/.cache/phleet/prisma-engine-placeholder"
mkdir -p "$(dirname "$placeholder")"; [ -f "$placeholder" ] || : > "$placeholder"
export PRISMA_QUERY_ENGINE_LIBRARY="$PWD/$placeholder"
export PRISMA_SCHEMA_ENGINE_BINARY="$PWD/$placeholder"
export PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING=1
export PRISMA_HIDE_UPDATE_MESSAGE=1
export PHLEET_DATABASE_URL="${PHLEET_DATABASE_URL:-file:./data/phleet.db}"
exec node_modules/.bin/prisma "$@"
