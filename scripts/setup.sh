#!/usr/bin/env bash
# Installs what building and testing ReadyWard needs and a fresh machine lacks. Safe to re-run:
# it only installs what is missing.
#   - the wasm32 target for rustc (rustup)
#   - wasm-bindgen CLI, pinned to the wasm-bindgen version in Cargo.lock
#   - wasm-split-cli (wasm_split_cli_support), pinned: cuts the lazy routes into chunks
#   - binaryen's wasm-opt from the npm registry (npm ci in tools/)
#   - with --test: Debian's Chromium, ChromeDriver and PostgreSQL, and the end-to-end test
#     packages (npm ci in end2end/: Playwright, axe, and s3rver, a stand-in S3 for the tests)
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
WASM_SPLIT_VERSION=0.2.4
for_tests=false
[[ "${1:-}" == "--test" ]] && for_tests=true

sudo_if_needed() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

packages=()
if $for_tests; then
  command -v chromium >/dev/null || packages+=(chromium)
  command -v chromedriver >/dev/null || packages+=(chromium-driver)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || packages+=(postgresql)
fi
if ((${#packages[@]})); then
  echo "==> Installing Debian packages: ${packages[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "==> Adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  echo "==> Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  echo "==> Installing wasm-split-cli $WASM_SPLIT_VERSION (a minute or two, once)"
  cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary \
    --locked --force
fi

if [[ ! -x tools/node_modules/.bin/wasm-opt ]]; then
  echo "==> Installing the build tools (wasm-opt)"
  (cd tools && npm ci --no-audit --no-fund)
fi

if $for_tests; then
  if [[ ! -d end2end/node_modules/@playwright/test || ! -d end2end/node_modules/s3rver ]]; then
    echo "==> Installing the end-to-end test packages"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
fi
