#!/usr/bin/env bash
# Builds ReadyWard for release: the wasm bundle and stylesheet into target/site, and the
# server binary target/release/readyward.
#
# This does what `cargo leptos build --release` does, with the tools pinned in
# scripts/setup.sh, but without needing cargo-leptos itself: installing it compiles for about
# 18 minutes on a 2-core machine, which every fresh clone and CI run would pay.
set -euo pipefail
cd "$(dirname "$0")/.."

site=target/site
pkg=$site/pkg
mkdir -p "$pkg"

echo "==> Building the wasm bundle (app, hydrate)"
cargo build --locked -p app --lib --target wasm32-unknown-unknown \
  --no-default-features --features hydrate --profile wasm-release
wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name readyward \
  target/wasm32-unknown-unknown/wasm-release/app.wasm
# binaryen's wasm-opt from the npm registry (tools/): Debian's 108 rewrites wasm-bindgen's
# externref table into one the browser refuses, and optimising before wasm-bindgen breaks it.
tools/node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$pkg/readyward_bg.wasm" "$pkg/readyward_bg.wasm"

echo "==> Copying the stylesheet and public assets"
cp style/main.css "$pkg/readyward.css"
cp -R public/. "$site/"
# The service worker's cache is named after this build's exact /pkg files.
build_id=$(cat "$pkg/readyward.js" "$pkg/readyward_bg.wasm" "$pkg/readyward.css" "$site/shell.html" \
  "$site/shell.js" "$site/pwa.js" | sha256sum | cut -c1-16)
sed "s/__BUILD_ID__/$build_id/" public/sw.js > "$site/sw.js"
echo "build id $build_id"

echo "==> Building the server"
cargo build --locked --release -p server --bin readyward
ls -l "$pkg"
