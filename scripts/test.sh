#!/usr/bin/env bash
# The README's test command: every check there is, on a fresh machine too.
#   formatting, clippy (server and wasm), the release build (reused below), unit and
#   integration tests with every HTTP suite run on SQLite and again on a throwaway PostgreSQL
#   (photos also in a throwaway S3-compatible store, s3rver from npm), and Playwright
#   end-to-end tests in Debian's Chromium against the built server. Starts what it needs and stops it after.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

step() { echo; echo "==> $* ($(date +%T))"; }

step "Setting up tools"
./scripts/setup.sh --test

work=$(mktemp -d)
pg_ctl=$(ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n1)
pg_bin=$(dirname "$pg_ctl")
server_pid=""
s3_pid=""
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  # Every line runs whatever the others did: a service left behind would block the next run.
  set +e
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [[ -n "$s3_pid" ]] && kill "$s3_pid" 2>/dev/null && wait "$s3_pid" 2>/dev/null
  [[ -f "$work/pg/data/postmaster.pid" ]] && as_postgres "$pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

step "Formatting"
cargo fmt --all -- --check

step "Lints (server, ssr) and (wasm, hydrate)"
cargo clippy --locked -p domain -p server -p app --all-targets -- -D warnings
cargo clippy --locked -p app --lib --tests --target wasm32-unknown-unknown --no-default-features \
  --features hydrate -- -D warnings
cargo clippy --locked -p app --lib --target wasm32-unknown-unknown --no-default-features \
  --features split -- -D warnings

step "Device store tests in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER=$(command -v chromedriver) cargo test --locked -p app --target wasm32-unknown-unknown \
  --no-default-features --features hydrate --test device_store --test device_account \
  --test readiness_in_browser

step "Release build (wasm bundle and server)"
./scripts/build.sh

step "Starting a throwaway PostgreSQL"
mkdir -p "$work/pg"
[[ $(id -u) -eq 0 ]] && chown postgres "$work" "$work/pg"
as_postgres "$pg_bin/initdb" -D "$work/pg/data" -A trust -U postgres >/dev/null
pg_port=55432
as_postgres "$pg_ctl" -D "$work/pg/data" -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1" \
  -l "$work/pg/log" -w start >/dev/null
export READYWARD_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"

step "Starting a throwaway S3-compatible object store (s3rver)"
s3_port=45680
node end2end/node_modules/s3rver/bin/s3rver.js -d "$work/s3" -a 127.0.0.1 -p "$s3_port" \
  --configure-bucket readyward-test --silent >"$work/s3.log" 2>&1 &
s3_pid=$!
for _ in $(seq 1 50); do
  curl -s -o /dev/null "http://127.0.0.1:$s3_port/" && break
  sleep 0.2
done
export READYWARD_TEST_S3_URL="http://127.0.0.1:$s3_port"

step "Unit and integration tests (HTTP suites on SQLite; PostgreSQL and S3 stories)"
cargo test --locked --release --workspace

step "The HTTP suites again on PostgreSQL (a fresh database per test, dropped after)"
READYWARD_TEST_DATABASE=postgres cargo test --locked --release -p server --test admin --test audit --test calibration --test review --test photo_removal --test note_redaction --test retention --test authorisation \
  --test api --test conflicts --test hand_over --test logs --test pages --test photos --test s3 \
  --test ratings --test readiness --test sign_in_guard --test sync --test templates

step "End-to-end tests in Chromium"
port=3100
data="$work/e2e-data"
export READYWARD_DEMO_PASSWORD=readyward-demo-2026
target/release/readyward seed-demo --data-dir "$data" >/dev/null
target/release/readyward serve --addr "127.0.0.1:$port" --data-dir "$data" \
  --login-limit-per-addr 1000 >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/server.log"; exit 1; }
export READYWARD_BIN="$root/target/release/readyward" READYWARD_SITE_ROOT="$root/target/site"
(cd end2end && READYWARD_E2E_URL="http://127.0.0.1:$port" npx playwright test) || {
  echo "--- server log ---"; tail -n 50 "$work/server.log"; exit 1; }

step "All checks passed"
