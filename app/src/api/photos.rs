//! Server functions of information governance: a trust admin removes a photo that caught a
//! patient or a record by mistake, or redacts a note that named a patient.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::{backend, require_caller, to_server_error};

/// Removes the photo with the reason given; answers when it was removed (the first time, if
/// it already was).
#[server(prefix = "/fn", endpoint = "remove_photo")]
pub async fn remove_photo(
    photo_id: String,
    reason: String,
) -> Result<chrono::DateTime<chrono::Utc>, ServerFnError> {
    use super::admin::parse_id;
    let caller = require_caller()?;
    let photo_id = parse_id(&photo_id, "photo")?;
    backend()?
        .remove_photo(&caller, photo_id, &domain::photo::PhotoRemoval { reason })
        .await
        .map(|removed| removed.removed_at)
        .map_err(to_server_error)
}

/// Redacts the note of the finding, interview or reply with the reason given; answers when it
/// was redacted (the first time, if it already was).
#[server(prefix = "/fn", endpoint = "redact_note")]
pub async fn redact_note(
    record_id: String,
    reason: String,
) -> Result<chrono::DateTime<chrono::Utc>, ServerFnError> {
    use super::admin::parse_id;
    let caller = require_caller()?;
    let record_id = parse_id(&record_id, "note")?;
    backend()?
        .redact_note(
            &caller,
            record_id,
            &domain::redaction::NoteRedaction { reason },
        )
        .await
        .map(|redacted| redacted.redacted_at)
        .map_err(to_server_error)
}
