#!/usr/bin/env bash
# One command: install what is missing, build, and start the console on the default local database
# (or --db PATH / $STATUSDESK_DB).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/app/gui/statusdesk "$@"
