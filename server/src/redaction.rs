//! Note redaction: a trust admin blanks a note (of a finding, an interview or a reply) that
//! named a patient or said what it should not. The record keeps its answer and photos; the
//! words leave every place the server kept them, the audit trail keeps who, when and why (not
//! the words), pushes that still carry them keep the note blank, and devices blank their copy
//! at their next pull (`redacted_note_ids`).

use domain::caller::Caller;
use domain::redaction::{NoteRedaction, RedactedNote};
use domain::sync::judge::{Change, PushItem};
use uuid::Uuid;

use crate::error::ApiError;
use crate::store::{RedactionStore, Store};

/// Redacts a note of the caller's trust: 403 for anyone but a trust admin, 404 for a record
/// of another trust (or none), 409 while a finding's or interview's inspection is still open
/// (its inspector can still change the note), 422 without a reason. Asked again, it answers
/// with the first redaction.
pub async fn redact(
    store: &Store,
    caller: &Caller,
    id: Uuid,
    request: &NoteRedaction,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<RedactedNote, ApiError> {
    if !caller.user.role.can_administer() {
        return Err(ApiError::Forbidden(
            "Only the trust's administrators redact notes".to_owned(),
        ));
    }
    let record = store
        .noted_record(id)
        .await?
        .filter(|r| r.trust_id == caller.user.trust_id)
        .ok_or(ApiError::NotFound)?;
    if let Some(redacted_at) = record.redacted_at {
        return Ok(RedactedNote { id, redacted_at });
    }
    if let Some(problem) = request.problem() {
        return Err(ApiError::Unprocessable(problem));
    }
    if !record.finished && !record.reply {
        return Err(ApiError::Conflict(
            "The inspection is still open, so its inspector can change the note. Ask them to, \
             or redact it once the inspection is finished"
                .to_owned(),
        ));
    }
    // As both databases keep it (PostgreSQL to the microsecond), so a repeat answers alike.
    let now = chrono::SubsecRound::trunc_subsecs(now, 6);
    let reason = request.reason.trim();
    let tx = store.begin().await?;
    if !tx
        .redact_note(record.trust_id, id, caller.user.id, reason, now)
        .await?
    {
        // A second click that raced the first: the first redaction stands.
        drop(tx);
        let first = store.noted_record(id).await?.and_then(|r| r.redacted_at);
        return Ok(RedactedNote {
            id,
            redacted_at: first.unwrap_or(now),
        });
    }
    crate::admin::audited(
        &tx,
        caller,
        now,
        "note.redact",
        id,
        serde_json::Value::Null,
        serde_json::json!({ "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = %caller.user.id, record_id = %id, "note redacted");
    Ok(RedactedNote {
        id,
        redacted_at: now,
    })
}

/// Blanks the note of every pushed change about a record whose note was redacted (a device
/// that has not pulled since, or a retry of a change sent before): the words never come back,
/// and a retry still matches the change as the server now keeps it.
pub async fn keep_redacted_blank(store: &Store, items: &mut [PushItem]) -> Result<(), ApiError> {
    let noted: Vec<Uuid> = items
        .iter()
        .filter_map(|i| match &i.change {
            Ok(Change::Finding(_) | Change::Interview(_) | Change::Reply(_)) => {
                i.change.as_ref().ok().map(Change::record_id)
            }
            _ => None,
        })
        .collect();
    if noted.is_empty() {
        return Ok(());
    }
    let redacted = store.redacted_among(&noted).await?;
    for item in items {
        let Ok(change) = &mut item.change else {
            continue;
        };
        if !redacted.contains(&change.record_id()) {
            continue;
        }
        match change {
            Change::Finding(f) => f.note.clear(),
            Change::Interview(i) => i.note.clear(),
            Change::Reply(r) => r.note.clear(),
            _ => continue,
        }
        if let Some(note) = item.mutation.data.get_mut("note") {
            *note = serde_json::Value::String(String::new());
        }
    }
    Ok(())
}
