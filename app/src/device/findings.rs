//! Findings on the device: the answer and note for one prompt of an inspection, queued as a
//! `finding.record` once answered (typed notes replace their waiting change, see `write`).

use domain::inspection::FindingData;
use domain::sync::judge::Change;
use domain::sync::kind;
use rexie::TransactionMode;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::DeviceError;
use super::idb::{FINDINGS, INTERVIEWS, field, open, records_under, to_js};
use super::write::{PhotoChange, Queue, mutation, outbox_entry, record_in_open_inspection};

/// Every finding of an inspection.
pub async fn findings_of(inspection_id: Uuid) -> Result<Vec<FindingData>, DeviceError> {
    records_under(FINDINGS, "inspection_id", inspection_id).await
}

/// A finding is queued once it has an answer; a note alone stays on the device.
pub(super) fn queued_finding(user_id: Uuid, finding: &FindingData) -> Result<Queue, DeviceError> {
    match finding.response {
        Some(_) => Ok(Queue::Add(to_js(&outbox_entry(
            user_id,
            mutation(kind::FINDING_RECORD, finding)?,
        ))?)),
        None => Ok(Queue::Nothing),
    }
}

/// Stores a finding and, once it has an answer, queues its `finding.record`. Refused once the
/// inspection is finished.
pub async fn record_finding(user_id: Uuid, finding: &FindingData) -> Result<(), DeviceError> {
    let queued = queued_finding(user_id, finding)?;
    record_in_open_inspection(
        user_id,
        Change::Finding(finding.clone()),
        queued,
        PhotoChange::None,
        None,
    )
    .await
}

/// Stores a finding whose note is being typed (saved a moment after the last keystroke, when
/// the field is left, or when the page is hidden). Once it has an answer its change is queued
/// like [`record_finding`]'s, except that it replaces the finding's newest waiting change
/// while no push has had it: the outbox holds one change per pause, not one per keystroke.
pub async fn save_finding_draft(user_id: Uuid, finding: &FindingData) -> Result<(), DeviceError> {
    let queue = match finding.response {
        Some(_) => Queue::Latest(outbox_entry(
            user_id,
            mutation(kind::FINDING_RECORD, finding)?,
        )),
        None => Queue::Nothing,
    };
    record_in_open_inspection(
        user_id,
        Change::Finding(finding.clone()),
        queue,
        PhotoChange::None,
        None,
    )
    .await
}

/// Blanks the note of every finding and interview kept here whose note a trust admin redacted
/// (the pull's `redacted_note_ids`); the answer and photos stay.
pub(super) async fn blank_notes(ids: &[Uuid]) -> Result<(), DeviceError> {
    if ids.is_empty() {
        return Ok(());
    }
    let db = open().await?;
    let tx = db.transaction(&[FINDINGS, INTERVIEWS], TransactionMode::ReadWrite)?;
    for name in [FINDINGS, INTERVIEWS] {
        let store = tx.store(name)?;
        for id in ids {
            let Some(row) = store.get(JsValue::from_str(&id.to_string())).await? else {
                continue;
            };
            if field(&row, "note")
                .and_then(|n| n.as_string())
                .is_some_and(|n| !n.is_empty())
            {
                js_sys::Reflect::set(&row, &JsValue::from_str("note"), &JsValue::from_str(""))
                    .map_err(|_| DeviceError::Storage("note".into()))?;
                store.put(&row, None).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}
