#!/usr/bin/env bash
# `npm test` / `make test`: typecheck, lint, then the whole vitest suite (unit, integration on
# real or embedded PostgreSQL, end-to-end on real processes). Results land in test-results/.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
steps=()

# Debian packages some suites need (chromium, docker-compose): installed when missing, else their suites skip loudly.
bash scripts/system-packages.sh

step() {
  local name=$1; shift
  echo "-- $name: $*"
  if "$@"; then steps+=("\"$name\": true"); else steps+=("\"$name\": false"); fi
}

step typecheck npx tsc -p tsconfig.json
step lint npx biome check .
step buf-lint npx buf lint
(IFS=,; echo "{${steps[*]}}") > test-results/steps.json

npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
vitest_status=$?
node scripts/test-summary.mjs test-results/vitest.json "$vitest_status"
