#!/usr/bin/env bash
# One command from a fresh clone to a running Omnihub (API + workers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
if [ ! -f .env ]; then
  cp .env.example .env
  echo "Created .env from .env.example (development defaults)."
fi
node scripts/check-services.js
npm run build --silent
node dist/src/cli/prepare-database.js
exec node dist/src/main.js
