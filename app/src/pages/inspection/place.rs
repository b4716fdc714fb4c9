//! Where the inspector was: the prompt last worked on is kept in the address and on the
//! device, so a reload, a killed tab or a restarted tablet opens the inspection there again.

use uuid::Uuid;

use leptos::prelude::*;

use super::anchor;

fn last_prompt_key(inspection_id: Uuid) -> String {
    format!("readyward.at.{inspection_id}")
}

/// Remembers the prompt just worked on: in the address (so a reload returns to it) and on the
/// device (so opening the inspection again later does too).
pub(super) fn remember_prompt(inspection_id: Uuid, code: &str) {
    let Some(window) = leptos::web_sys::window() else {
        return;
    };
    let hash = format!("#{}", anchor(code));
    if let Ok(history) = window.history() {
        let _ =
            history.replace_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(&hash));
    }
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = storage.set_item(&last_prompt_key(inspection_id), &hash);
    }
}

/// Scrolls to the prompt named in the address, or else the one last worked on.
pub(super) fn return_to_prompt(inspection_id: Uuid) {
    let Some(window) = leptos::web_sys::window() else {
        return;
    };
    let from_address = window.location().hash().ok().filter(|h| h.len() > 1);
    let remembered = || {
        window
            .local_storage()
            .ok()
            .flatten()?
            .get_item(&last_prompt_key(inspection_id))
            .ok()
            .flatten()
    };
    let Some(hash) = from_address.or_else(remembered) else {
        return;
    };
    // The browser's own scroll restoration runs before the prompts exist; this replaces it.
    if let Ok(history) = window.history() {
        let _ = history.set_scroll_restoration(leptos::web_sys::ScrollRestoration::Manual);
    }
    scroll_to_card(hash.trim_start_matches('#').to_owned(), 40);
}

/// Scrolls the prompt card into view once it is on the page (the page attaches it a frame or
/// two after this effect runs), trying for up to `frames` frames.
fn scroll_to_card(id: String, frames: u32) {
    request_animation_frame(move || match document().get_element_by_id(&id) {
        Some(card) if card.is_connected() => {
            let options = leptos::web_sys::ScrollIntoViewOptions::new();
            options.set_block(leptos::web_sys::ScrollLogicalPosition::Center);
            card.scroll_into_view_with_scroll_into_view_options(&options);
        }
        _ if frames > 0 => scroll_to_card(id, frames - 1),
        _ => {}
    });
}
