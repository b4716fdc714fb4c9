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
# Linked with relocations kept (.cargo/config.toml) so wasm-split can cut the lazy routes
# (app/src/lazy_routes.rs) into chunks loaded on first use.
cargo build --locked -p app --lib --target wasm32-unknown-unknown \
  --no-default-features --features split --profile wasm-release
rm -rf "$pkg"/*.wasm "$pkg"/__wasm_split*.js "$pkg"/*.br
split=$(mktemp -d)
trap 'rm -rf "$split"' EXIT
wasm-split-cli target/wasm32-unknown-unknown/wasm-release/app.wasm "$split" --out-name readyward
wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle --out-dir "$pkg" \
  --out-name readyward "$split/readyward.wasm"
rm "$split/readyward.wasm"
cp "$split"/* "$pkg/"
# binaryen's wasm-opt from the npm registry (tools/): Debian's 108 rewrites wasm-bindgen's
# externref table into one the browser refuses, and optimising before wasm-bindgen breaks it.
for wasm in "$pkg"/*.wasm; do
  tools/node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$wasm" "$wasm" 2> >(grep -v "unknown name subsection" >&2)
done

echo "==> Copying the stylesheet and public assets"
cp style/main.css "$pkg/readyward.css"
cp -R public/. "$site/"
# The service worker precaches every chunk too, and its cache is named after this build's exact
# /pkg files.
chunks=$(cd "$pkg" && ls __wasm_split.js *.wasm | grep -vx readyward_bg.wasm | sort)
chunk_list=$(for f in $chunks; do printf "  '/pkg/%s',\n" "$f"; done)
build_id=$(cd "$pkg" && cat readyward.js readyward_bg.wasm readyward.css $chunks \
  "../shell.html" "../shell.js" "../pwa.js" | sha256sum | cut -c1-16)
CHUNKS="$chunk_list" BUILD_ID="$build_id" awk '
  /__SPLIT_FILES__/ { print ENVIRON["CHUNKS"]; next }
  { gsub("__BUILD_ID__", ENVIRON["BUILD_ID"]); print }' public/sw.js > "$site/sw.js"
echo "build id $build_id"
# Each /pkg file also precompressed at brotli's best (quality 11): the server sends these
# instead of compressing on the fly at a low level.
rm -f "$pkg"/*.br
node -e '
  const fs = require("fs"), zlib = require("zlib");
  for (const f of process.argv.slice(1)) {
    const b = fs.readFileSync(f);
    fs.writeFileSync(f + ".br", zlib.brotliCompressSync(b, { params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }));
  }' "$pkg"/*.wasm "$pkg"/*.js "$pkg"/*.css

echo "==> Building the server"
cargo build --locked --release -p server --bin readyward
ls -l "$pkg"
