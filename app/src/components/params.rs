//! Route parameters the pages share.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

/// The route's `:id` as a UUID, reactive; `None` when it is missing or not a UUID (the page
/// then shows "not found").
pub fn use_id_param() -> impl Fn() -> Option<Uuid> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|s| Uuid::parse_str(&s).ok())
    }
}
