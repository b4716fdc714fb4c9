//! The page for anything that is not there (or that the caller may not know is there).

use leptos::prelude::*;
use leptos_meta::Title;

/// Renders "Page not found" and sets the 404 status on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found - ReadyWard" />
        <h1>"Page not found"</h1>
        <p>"If you typed the web address, check it is correct."</p>
        <p>
            <a href="/">"Go to the home page"</a>
        </p>
    }
}
