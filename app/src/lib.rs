//! ReadyWard's user interface, written once and compiled twice: with `ssr` into the server, which
//! renders every page, and with `hydrate` into the wasm bundle that makes those pages interactive.
//!
//! `api` holds the server functions the pages call (each with a fixed endpoint, so a cached
//! bundle never calls a renamed URL); `backend` is the narrow interface the server implements for
//! them; `pages` and `components` are the screens; `device` is the tablet's own store and sync
//! engine, which the screens reach through one interface in context.

#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod components;
pub mod device;
mod lazy_routes;
pub mod pages;
mod root;

pub use root::{App, shell};

/// Entry point of the wasm bundle: attaches the app to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy routes load their chunk before hydrating, so hydration is asynchronous.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        let owner = leptos::mount::hydrate_from_async(
            leptos::prelude::document().body().expect("a body"),
            App,
        )
        .await;
        owner.forget();
        mark_body("data-hydrated");
    });
}

/// Entry point of the offline shell (`/shell.html`): there is no server-rendered page to attach
/// to, so the app renders itself on the device.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mount_offline() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
    mark_body("data-mounted");
}

/// A marker on `<body>` for end-to-end tests and support staff: `data-hydrated` or
/// `data-mounted` (the page is interactive), `data-prepared` (offline copies are fresh).
pub(crate) fn mark_body(attribute: &str) {
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute(attribute, "true");
    }
}
