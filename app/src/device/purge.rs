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

use super::idb::{DRAFTS, FINDINGS, INSPECTIONS, INTERVIEWS, PHOTOS, SYNCED, field, only, open};
use super::{DeviceError, inspections_of, outbox_of};

/// Inspections of the user that something on the device still waits to send.
pub(super) async fn still_waiting(user_id: Uuid) -> Result<HashSet<Uuid>, DeviceError> {
    let mut held: HashSet<Uuid> = outbox_of(user_id)
        .await?
        .iter()
        .filter_map(|e| {
            let data = &e.mutation.data;
            let id = match e.mutation.kind.as_str() {
                domain::sync::kind::INSPECTION_UPSERT => data.get("id"),
                _ => data.get("inspection_id"),
            };
            id?.as_str()?.parse().ok()
        })
        .collect();
    // Photos waiting for upload are listed under their user (see `photo_store`).
    for row in super::idb::rows_under(PHOTOS, "user_id", user_id).await? {
        if let Some(id) = field(&row, "inspection_id")
            .and_then(|v| v.as_string())
            .and_then(|v| v.parse().ok())
        {
            held.insert(id);
        }
    }
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
    let stores = [INSPECTIONS, FINDINGS, INTERVIEWS, PHOTOS, DRAFTS];
    let tx = db.transaction(&stores, TransactionMode::ReadWrite)?;
    for id in ids {
        let key = JsValue::from_str(&id.to_string());
        for store in [FINDINGS, INTERVIEWS, PHOTOS] {
            let records = tx.store(store)?;
            let keys = records
                .index("inspection_id")?
                .get_all_keys(Some(only(*id)?), None)
                .await?;
            for k in keys {
                records.delete(k).await?;
            }
        }
        tx.store(DRAFTS)?
            .delete(JsValue::from_str(&format!("interview.{user_id}.{id}")))
            .await?;
        tx.store(INSPECTIONS)?.delete(key).await?;
    }
    tx.commit().await?;
    for id in ids {
        super::rescue::forget_all_rescued(user_id, *id);
    }
    Ok(())
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
