#!/usr/bin/env bash
# One command for a fresh machine: brings Node 22 when the machine's is older, installs, then runs an npm
# script. `bash scripts/dev.sh start` starts the app on the embedded demo; `bash scripts/dev.sh test` runs
# every test (CI runs the same through .ci/run, which also installs the Debian packages the tests need).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=ensure-node.sh
source scripts/ensure-node.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
script="${1:-start}"
shift || true
exec npm run "$script" -- "$@"
