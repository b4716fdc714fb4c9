//! Interviews on the device: notes recorded against an inspection (queued as
//! `interview.record`) and the draft of the note being written, kept per user and inspection.

use domain::inspection::InterviewData;
use domain::sync::judge::Change;
use domain::sync::kind;
use rexie::TransactionMode;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::idb::{DRAFTS, INTERVIEWS, from_js, get_one, open, put_one, records_under, to_js};
use super::write::{PhotoChange, Queue, mutation, outbox_entry, record_in_open_inspection};
use super::{DeviceError, InterviewDraft};

/// Stores interview notes and queues their `interview.record`, forgetting the user's draft of
/// it in the same transaction (a draft left behind would offer the same note again). Refused
/// once the inspection is finished.
pub async fn record_interview(user_id: Uuid, interview: &InterviewData) -> Result<(), DeviceError> {
    let queued = to_js(&outbox_entry(
        user_id,
        mutation(kind::INTERVIEW_RECORD, interview)?,
    ))?;
    record_in_open_inspection(
        user_id,
        Change::Interview(interview.clone()),
        Queue::Add(queued),
        PhotoChange::None,
        Some(interview_draft_key(user_id, interview.inspection_id)),
    )
    .await
}

/// Where a user's unsaved interview note for an inspection is kept.
pub(super) fn interview_draft_key(user_id: Uuid, inspection_id: Uuid) -> String {
    format!("interview.{user_id}.{inspection_id}")
}

/// Keeps the user's unsaved interview note for an inspection on the device; an empty one is
/// forgotten.
pub async fn save_interview_draft(
    user_id: Uuid,
    inspection_id: Uuid,
    draft: &InterviewDraft,
) -> Result<(), DeviceError> {
    let key = interview_draft_key(user_id, inspection_id);
    if draft.is_empty() {
        return forget_draft(&key).await;
    }
    let record = to_js(draft)?;
    let set = |k: &str, v: &JsValue| {
        js_sys::Reflect::set(&record, &JsValue::from_str(k), v)
            .map(|_| ())
            .map_err(|_| DeviceError::Storage("draft".into()))
    };
    set("key", &JsValue::from_str(&key))?;
    set("saved_at", &JsValue::from(js_sys::Date::now()))?;
    put_one(DRAFTS, &record).await
}

/// The user's unsaved interview note for an inspection, if one is kept.
pub async fn interview_draft(
    user_id: Uuid,
    inspection_id: Uuid,
) -> Result<Option<InterviewDraft>, DeviceError> {
    get_one(DRAFTS, &interview_draft_key(user_id, inspection_id))
        .await?
        .map(from_js)
        .transpose()
}

/// Forgets the user's unsaved interview note for an inspection (a finished one takes no more).
pub(super) async fn forget_interview_draft(
    user_id: Uuid,
    inspection_id: Uuid,
) -> Result<(), DeviceError> {
    forget_draft(&interview_draft_key(user_id, inspection_id)).await
}

async fn forget_draft(key: &str) -> Result<(), DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[DRAFTS], TransactionMode::ReadWrite)?;
    tx.store(DRAFTS)?.delete(JsValue::from_str(key)).await?;
    tx.commit().await?;
    Ok(())
}

/// Every interview of an inspection, oldest first.
pub async fn interviews_of(inspection_id: Uuid) -> Result<Vec<InterviewData>, DeviceError> {
    let mut list: Vec<InterviewData> =
        records_under(INTERVIEWS, "inspection_id", inspection_id).await?;
    list.sort_by_key(|i| i.observed_at);
    Ok(list)
}
