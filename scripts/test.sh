#!/usr/bin/env bash
# One command: install what is missing, build, and run every test (GUI tests use the offscreen platform).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The floors first (Chromium's checkdeps, in shell): an include that climbs a floor fails the run here.
scripts/check-layout.sh
scripts/build.sh
# The standardwebhooks npm package (pinned in tests/signature/package-lock.json) checks our signatures.
npm ci --prefix tests/signature --no-audit --no-fund --loglevel=error
# Real Statuspage clients (statuspage.io, @statuspage/status-widget; pinned in tests/clients/package-lock.json)
# read the public API of serve in tst_publicapi.
npm ci --prefix tests/clients --no-audit --no-fund --loglevel=error
export QT_QPA_PLATFORM=offscreen
ctest --test-dir build --output-on-failure -j 2 --timeout 900
