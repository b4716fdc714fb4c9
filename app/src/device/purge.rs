//! What a shared tablet forgets. An inspection that is finished and wholly synced (no change
//! or photo of it waits) leaves the device with everything recorded under it: findings,
//! interview notes, photos, the draft and any rescue copy. The server holds all of it, and a
//! tablet that is lost or handed on should hold as little as it can. Open inspections, and
//! anything still waiting, stay until they have synced.

use std::collections::HashSet;

use domain::inspection::InspectionStatus;
use rexie::TransactionMode;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::idb::{
    DRAFTS, FINDINGS, INSPECTIONS, INTERVIEWS, OUTBOX, PHOTOS, SYNCED, field, from_js, only, open,
    rows_under,
};
use super::{DeviceError, inspections_of};

/// Inspections of the user that something on the device still waits to send.
pub(super) async fn still_waiting(user_id: Uuid) -> Result<HashSet<Uuid>, DeviceError> {
    let mut held: HashSet<Uuid> = rows_under(OUTBOX, "user_id", user_id)
        .await?
        .iter()
        .filter_map(inspection_of_change)
        .collect();
    // Photos waiting for upload are listed under their user (see `photo_store`).
    held.extend(
        rows_under(PHOTOS, "user_id", user_id)
            .await?
            .iter()
            .filter_map(inspection_of_row),
    );
    Ok(held)
}

/// Forgets the user's finished inspections that have wholly synced; returns how many.
pub async fn forget_synced_finished(user_id: Uuid) -> Result<usize, DeviceError> {
    let held = still_waiting(user_id).await?;
    let done: Vec<Uuid> = inspections_of(user_id)
        .await?
        .into_iter()
        .filter(|i| i.status == InspectionStatus::Submitted && !held.contains(&i.id))
        .map(|i| i.id)
        .collect();
    forget_inspections(user_id, &done).await?;
    Ok(done.len())
}

/// Forgets the user's inspections `ids` with everything recorded under them, in one
/// transaction: findings, interview notes, photos, the draft and any rescue copy. Callers
/// make sure nothing of them still waits to send.
pub(super) async fn forget_inspections(user_id: Uuid, ids: &[Uuid]) -> Result<(), DeviceError> {
    if ids.is_empty() {
        return Ok(());
    }
    let db = open().await?;
    let tx = db.transaction(&FORGET_STORES, TransactionMode::ReadWrite)?;
    for id in ids {
        delete_all_of(&tx, user_id, *id).await?;
    }
    tx.commit().await?;
    for id in ids {
        super::rescue::forget_all_rescued(user_id, *id);
    }
    Ok(())
}

/// Forgets those of the user's inspections `ids` that hold nothing the server lacks, and
/// returns them. It is decided inside the transaction that deletes, so a change saved
/// meanwhile keeps its inspection: nothing of it may wait in the outbox or for upload, no note
/// may sit on a prompt with no answer (such notes are never sent), no interview note may be
/// being written, and no rescue copy of typed text may be kept.
pub(super) async fn forget_if_all_on_server(
    user_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<Uuid>, DeviceError> {
    let candidates: Vec<Uuid> = ids
        .iter()
        .copied()
        .filter(|id| super::rescue::rescued_texts(user_id, *id).is_empty())
        .collect();
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let db = open().await?;
    let stores = [INSPECTIONS, FINDINGS, INTERVIEWS, PHOTOS, DRAFTS, OUTBOX];
    let tx = db.transaction(&stores, TransactionMode::ReadWrite)?;
    let under_user = |store: &'static str| {
        let tx = &tx;
        async move {
            let rows = tx
                .store(store)?
                .index("user_id")?
                .get_all(Some(only(user_id)?), None)
                .await?;
            Ok::<_, DeviceError>(rows)
        }
    };
    let mut held: HashSet<Uuid> = under_user(OUTBOX)
        .await?
        .iter()
        .filter_map(inspection_of_change)
        .collect();
    held.extend(
        under_user(PHOTOS)
            .await?
            .iter()
            .filter_map(inspection_of_row),
    );
    let mut forgotten = Vec::new();
    for id in candidates {
        if held.contains(&id) {
            continue;
        }
        let findings = tx
            .store(FINDINGS)?
            .index("inspection_id")?
            .get_all(Some(only(id)?), None)
            .await?;
        let draft = tx
            .store(DRAFTS)?
            .get(JsValue::from_str(&super::interviews::interview_draft_key(
                user_id, id,
            )))
            .await?
            .and_then(|d| from_js::<super::InterviewDraft>(d).ok());
        if findings.iter().any(unsent_note) || draft.is_some_and(|d| !d.is_empty()) {
            continue;
        }
        delete_all_of(&tx, user_id, id).await?;
        forgotten.push(id);
    }
    tx.commit().await?;
    for id in &forgotten {
        super::rescue::forget_all_rescued(user_id, *id);
    }
    Ok(forgotten)
}

const FORGET_STORES: [&str; 5] = [INSPECTIONS, FINDINGS, INTERVIEWS, PHOTOS, DRAFTS];

/// Deletes an inspection and everything recorded under it, inside `tx`.
async fn delete_all_of(
    tx: &rexie::Transaction,
    user_id: Uuid,
    id: Uuid,
) -> Result<(), DeviceError> {
    for store in [FINDINGS, INTERVIEWS, PHOTOS] {
        let records = tx.store(store)?;
        let keys = records
            .index("inspection_id")?
            .get_all_keys(Some(only(id)?), None)
            .await?;
        for k in keys {
            records.delete(k).await?;
        }
    }
    tx.store(DRAFTS)?
        .delete(JsValue::from_str(&super::interviews::interview_draft_key(
            user_id, id,
        )))
        .await?;
    tx.store(INSPECTIONS)?
        .delete(JsValue::from_str(&id.to_string()))
        .await?;
    Ok(())
}

/// Whether anything of the user's inspection is kept only on this device: a change or photo
/// waiting, a note on a prompt with no answer, an interview note being written, or a rescue
/// copy of typed text.
pub(super) async fn kept_only_here(user_id: Uuid, id: Uuid) -> Result<bool, DeviceError> {
    if still_waiting(user_id).await?.contains(&id)
        || !super::rescue::rescued_texts(user_id, id).is_empty()
    {
        return Ok(true);
    }
    let draft = super::interview_draft(user_id, id).await?;
    Ok(draft.is_some_and(|d| !d.is_empty())
        || rows_under(FINDINGS, "inspection_id", id)
            .await?
            .iter()
            .any(unsent_note))
}

/// The inspection a queued change (an outbox row) belongs to.
fn inspection_of_change(row: &JsValue) -> Option<Uuid> {
    let mutation = field(row, "mutation")?;
    let key = match field(&mutation, "kind")?.as_string()?.as_str() {
        domain::sync::kind::INSPECTION_UPSERT => "id",
        _ => "inspection_id",
    };
    field(&field(&mutation, "data")?, key)?
        .as_string()?
        .parse()
        .ok()
}

/// The inspection a stored row (a photo) belongs to.
fn inspection_of_row(row: &JsValue) -> Option<Uuid> {
    field(row, "inspection_id")?.as_string()?.parse().ok()
}

/// A finding row with a note but no answer: kept on the device only.
fn unsent_note(row: &JsValue) -> bool {
    let answered = field(row, "response").is_some_and(|r| !r.is_null());
    let note = field(row, "note").and_then(|n| n.as_string());
    !answered && note.is_some_and(|n| !n.trim().is_empty())
}

/// What a user leaves on the device when they sign out: their finished, synced inspections go
/// (and, once nothing of theirs waits, the list of what they synced); the rest stays for them
/// alone. Returns the words that tell them what stays.
pub async fn forget_at_sign_out(user_id: Uuid) -> Result<String, DeviceError> {
    forget_synced_finished(user_id).await?;
    let waiting = super::outbox_count(user_id).await?;
    let open_inspections = inspections_of(user_id).await?.len();
    if waiting == 0 {
        let db = open().await?;
        let tx = db.transaction(&[SYNCED], TransactionMode::ReadWrite)?;
        let synced = tx.store(SYNCED)?;
        let keys = synced
            .index("user_id")?
            .get_all_keys(Some(only(user_id)?), None)
            .await?;
        for k in keys {
            synced.delete(k).await?;
        }
        tx.commit().await?;
    }
    let words = super::left_on_device(waiting, open_inspections);
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(LEFT_BEHIND_KEY, &words);
    }
    Ok(words)
}

const LEFT_BEHIND_KEY: &str = "readyward.left_behind";

/// What the last user to sign out left on the device, in words, until someone signs in.
pub fn left_behind() -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(LEFT_BEHIND_KEY)
        .ok()?
}

/// Forgets the words of [`left_behind`] (someone signed in).
pub(super) fn forget_left_behind() {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.remove_item(LEFT_BEHIND_KEY);
    }
}
