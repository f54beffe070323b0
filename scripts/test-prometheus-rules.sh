#!/usr/bin/env bash
# Checks docker/prometheus/rules.yml and runs its unit tests (rules.test.yml) with promtool,
# from Debian's `prometheus` package (.ci/run installs it when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found: install it (Debian/Ubuntu: apt-get install prometheus)" >&2
  exit 1
fi
promtool check rules docker/prometheus/rules.yml
promtool test rules docker/prometheus/rules.test.yml
