#!/usr/bin/env bash
# Every test: vitest (unit + integration on embedded PostgreSQL, real SMTP/DNS on loopback), then
# Playwright e2e in Debian's Chromium against `npm start`. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh || exit 1
[ -d node_modules ] || npm ci --no-audit --no-fund || exit 1
rm -rf reports && mkdir -p reports

echo "== building the web app"
npx next build > reports/build.log 2>&1 || { tail -50 reports/build.log; echo "0 passed, 1 failed"; exit 1; }

echo "== vitest"
npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json
vitest_status=$?

echo "== playwright"
PLAYWRIGHT_JSON_OUTPUT_NAME=reports/e2e.json npx playwright test --reporter=list,json
playwright_status=$?

node scripts/summarize-tests.mjs reports/vitest.json reports/e2e.json
summary_status=$?
[ $vitest_status -eq 0 ] && [ $playwright_status -eq 0 ] && [ $summary_status -eq 0 ]
