//! The readiness engine in the browser gives the server's bits, to the last one: the reference
//! case of `domain::readiness::reference`, run in headless Chromium (wasm-bindgen-test).
#![allow(clippy::unwrap_used)]

// This test needs a browser: a native build stops here rather than pass having run nothing.
#[cfg(not(target_arch = "wasm32"))]
compile_error!(
    "the browser tests run in a browser: cargo test -p app --target wasm32-unknown-unknown \
     --no-default-features --features hydrate"
);

use domain::readiness::reference;
use domain::readiness::rules::ReadinessRules;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn readiness_in_the_browser_matches_the_server_to_the_bit() {
    let rules = ReadinessRules::built_in().unwrap();
    let (r, same) = reference::check(&rules);
    assert!(same, "score {:?}, confidence {}", r.score, r.confidence);
}
