#!/usr/bin/env bash
# The README's run command: installs what is missing, builds the release, seeds the demo trust
# on first run, and serves http://127.0.0.1:3000 with SQLite under ./data (Ctrl-C stops it).
# Re-running is quick when nothing changed: cargo only rebuilds what did.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
./scripts/build.sh

data_dir="${READYWARD_DATA_DIR:-./data}"
mkdir -p "$data_dir"
# Idempotent: creates the demo trust once, then only says it is there.
target/release/readyward seed-demo --data-dir "$data_dir"
exec target/release/readyward serve --data-dir "$data_dir" "$@"
