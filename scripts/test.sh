#!/usr/bin/env bash
# Every check, in order: typecheck, lint, then every test: vitest (unit + integration on embedded
# PostgreSQL, real SMTP/DNS on loopback), then Playwright e2e in Debian's Chromium against
# `npm start`. Prints how long each stage took. A failing typecheck, lint or build stops the run.
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/timing.sh
bash scripts/ensure-system-deps.sh || exit 1
[ -d node_modules ] || npm ci --no-audit --no-fund || exit 1
rm -rf reports && mkdir -p reports

stop() {
  stage_times
  echo "0 passed, 1 failed"
  exit 1
}

stage typecheck npx tsc --noEmit -p . || stop
stage lint npm run --silent lint || stop
build() { npx next build > reports/build.log 2>&1 || { tail -50 reports/build.log; return 1; }; }
stage build build || stop

stage vitest npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json
vitest_status=$?

stage playwright env PLAYWRIGHT_JSON_OUTPUT_NAME=reports/e2e.json npx playwright test --reporter=list,json
playwright_status=$?

stage_times
node scripts/summarize-tests.mjs reports/vitest.json reports/e2e.json
summary_status=$?
[ $vitest_status -eq 0 ] && [ $playwright_status -eq 0 ] && [ $summary_status -eq 0 ]
