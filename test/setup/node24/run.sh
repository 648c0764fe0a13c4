#!/usr/bin/env bash
# Runs `node ARGS...` on Node 24 (the npm package node@24.21.0, pinned by this
# folder's package-lock.json), installing it here on first use. Node 24's
# bin dir goes first on PATH, so child processes that call `node` get 24 too;
# vitest forks its workers with process.execPath, which is this binary.
#
#   bash test/setup/node24/run.sh node_modules/vitest/vitest.mjs run --project node
#   bash test/setup/node24/run.sh "$npm_execpath" test    (npm run test:node24)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
node24="$here/node_modules/node/bin/node"
if ! { [[ -x "$node24" ]] && "$node24" --version | grep -q '^v24\.'; }; then
  echo "Installing Node 24 into ${here#"$PWD"/}/node_modules ..." >&2
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
  "$node24" --version | grep -q '^v24\.' || { echo "Node 24 did not install: $node24 is missing or not v24 (did npm skip the node package's install script?)" >&2; exit 1; }
fi
export PATH="$here/node_modules/.bin:$PATH"
exec "$node24" "$@"
