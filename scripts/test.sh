#!/usr/bin/env bash
# Everything CI checks, in the order that fails fastest: services, lint, types, boundaries,
# then unit, integration and e2e suites against the real PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/complete-lockfile.js --check
bash scripts/ensure-deps.sh
node scripts/check-services.js
echo "== lint";        npx eslint . --max-warnings 0
echo "== format";      npx prettier --check . --log-level warn
echo "== types";       npx tsc --noEmit -p tsconfig.json
echo "== boundaries";  npx depcruise src migrations --config .dependency-cruiser.js
echo "== alert rules"; bash scripts/test-prometheus-rules.sh
echo "== tests";       npx jest --ci --selectProjects unit integration e2e "$@"
# The malformed-requests scenario replays fixed seeds here; `npm run fuzz` draws random ones.
echo "== resilience";  npx jest --ci --selectProjects resilience --runInBand --testTimeout=300000
