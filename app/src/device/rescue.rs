//! Rescue copies of typed text: when a page goes away, IndexedDB work begun in its last moment
//! may be dropped (Chromium does so on a reload), so the text still waiting to be saved is also
//! copied, synchronously, into `localStorage`. The next load of the inspection puts it back
//! through the normal save, then forgets the copy; a save that commits first forgets it too,
//! and so does the start of a save of newer text, so a copy that outlives its moment can never
//! bring older text back.
//!
//! One key per field (`readyward:rescue:{user}:{inspection}:{field}`), so one field's save
//! never forgets another field's copy. A copy that cannot be read is dropped.

use uuid::Uuid;

use super::{ForgetCopy, RescuedText};

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn prefix(user_id: Uuid, inspection_id: Uuid) -> String {
    format!("readyward:rescue:{user_id}:{inspection_id}:")
}

/// The field's key suffix and the stored value: a note's text as it is, an interview draft
/// as JSON. Plain strings rather than a serialised enum keep the first page's wasm small.
fn encode(text: &RescuedText) -> (String, Option<String>) {
    match text {
        RescuedText::Note { code, text } => (format!("note:{code}"), Some(text.clone())),
        RescuedText::Interview(draft) => {
            ("interview".to_owned(), serde_json::to_string(draft).ok())
        }
    }
}

fn decode(field: &str, value: String) -> Option<RescuedText> {
    match field.strip_prefix("note:") {
        Some(code) => Some(RescuedText::Note {
            code: code.into(),
            text: value,
        }),
        None if field == "interview" => serde_json::from_str(&value)
            .ok()
            .map(RescuedText::Interview),
        None => None,
    }
}

/// Copies text that may not reach IndexedDB (the page is going). Best effort: a full
/// `localStorage` leaves only the IndexedDB save, as before.
pub fn rescue_text(user_id: Uuid, inspection_id: Uuid, text: &RescuedText) {
    if let (Some(s), (field, Some(value))) = (storage(), encode(text)) {
        let _ = s.set_item(&(prefix(user_id, inspection_id) + &field), &value);
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
        .filter_map(|k| {
            let text = decode(&k[prefix.len()..], s.get_item(k).ok().flatten()?);
            if text.is_none() {
                let _ = s.remove_item(k);
            }
            text
        })
        .collect()
}

/// Forgets the copy of `text`'s field, as `which` says.
pub fn forget_rescued(user_id: Uuid, inspection_id: Uuid, text: &RescuedText, which: ForgetCopy) {
    let Some(s) = storage() else {
        return;
    };
    let (field, value) = encode(text);
    let key = prefix(user_id, inspection_id) + &field;
    let Some(kept) = s.get_item(&key).ok().flatten() else {
        return;
    };
    let holding = value.as_ref() == Some(&kept);
    let forget = match which {
        ForgetCopy::Holding => holding,
        ForgetCopy::OtherThan => !holding,
        ForgetCopy::Any => true,
    };
    if forget {
        let _ = s.remove_item(&key);
    }
}

/// Forgets every copy kept for the user's inspection (it has left the device).
pub(super) fn forget_all_rescued(user_id: Uuid, inspection_id: Uuid) {
    let Some(s) = storage() else {
        return;
    };
    let prefix = prefix(user_id, inspection_id);
    let keys: Vec<String> = (0..s.length().unwrap_or(0))
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(&prefix))
        .collect();
    for k in keys {
        let _ = s.remove_item(&k);
    }
}
