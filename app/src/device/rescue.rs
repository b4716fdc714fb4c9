//! Rescue copies of typed text: when a page goes away, IndexedDB work begun in its last moment
//! may be dropped (Chromium does so on a reload), so the text still waiting to be saved is also
//! copied, synchronously, into `localStorage`. The next load of the inspection puts it back
//! through the normal save, then forgets the copy; a save that commits first forgets it too.
//!
//! One key per field (`readyward:rescue:{user}:{inspection}:{field}`), so one field's save
//! never forgets another field's copy.

use uuid::Uuid;

use super::RescuedText;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn prefix(user_id: Uuid, inspection_id: Uuid) -> String {
    format!("readyward:rescue:{user_id}:{inspection_id}:")
}

fn key(user_id: Uuid, inspection_id: Uuid, text: &RescuedText) -> String {
    let field = match text {
        RescuedText::Note { code, .. } => format!("note:{code}"),
        RescuedText::Interview(_) => "interview".to_owned(),
    };
    prefix(user_id, inspection_id) + &field
}

/// Copies text that may not reach IndexedDB (the page is going). Best effort: a full
/// `localStorage` leaves only the IndexedDB save, as before.
pub fn rescue_text(user_id: Uuid, inspection_id: Uuid, text: &RescuedText) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(text)) {
        let _ = s.set_item(&key(user_id, inspection_id, text), &json);
    }
}

/// The copies kept for the user's inspection when a page last went away.
pub fn rescued_texts(user_id: Uuid, inspection_id: Uuid) -> Vec<RescuedText> {
    let Some(s) = storage() else {
        return Vec::new();
    };
    let prefix = prefix(user_id, inspection_id);
    let keys: Vec<String> = (0..s.length().unwrap_or(0))
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(&prefix))
        .collect();
    keys.iter()
        .filter_map(|k| s.get_item(k).ok().flatten())
        .filter_map(|json| serde_json::from_str(&json).ok())
        .collect()
}

/// Forgets the copy of a field once `text` is stored, but only if the copy still holds that
/// text: a newer copy stays until its own save commits.
pub fn forget_rescued(user_id: Uuid, inspection_id: Uuid, text: &RescuedText) {
    let Some(s) = storage() else {
        return;
    };
    let key = key(user_id, inspection_id, text);
    let kept = s.get_item(&key).ok().flatten();
    if kept
        .and_then(|json| serde_json::from_str::<RescuedText>(&json).ok())
        .as_ref()
        == Some(text)
    {
        let _ = s.remove_item(&key);
    }
}
