//! The outbox as sync sees it: the oldest waiting changes, marked as sent as they are handed
//! to a push (so typing never rewrites what the server may hold), marking those the server
//! refused so they wait for the user instead of blocking, and discarding one the user gave up
//! on (those the server acknowledged leave through `synced::acknowledge`).

use rexie::TransactionMode;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::idb::{OUTBOX, PHOTOS, from_js, in_order, only, open, stored};
use super::{DeviceError, OutboxEntry, Queued};

/// The user's queued changes, oldest first, refused ones included.
pub async fn queued_of(user_id: Uuid) -> Result<Vec<Queued>, DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[OUTBOX], TransactionMode::ReadOnly)?;
    let store = tx.store(OUTBOX)?;
    let rows = store
        .index("user_id")?
        .get_all(Some(only(user_id)?), None)
        .await?;
    tx.done().await?;
    in_order(rows)
}

/// The user's oldest changes not refused, at most `limit`, for a push: each is marked as sent
/// in the same transaction that reads it, so a draft saved from now on queues a new change
/// instead of rewriting one the server may already hold.
pub async fn hand_over(user_id: Uuid, limit: usize) -> Result<Vec<Queued>, DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[OUTBOX], TransactionMode::ReadWrite)?;
    let store = tx.store(OUTBOX)?;
    let rows = store
        .index("user_id")?
        .get_all(Some(only(user_id)?), None)
        .await?;
    let mut batch: Vec<Queued> = in_order(rows)?
        .into_iter()
        .filter(|q| q.entry.refused.is_none())
        .take(limit)
        .collect();
    for queued in batch.iter_mut().filter(|q| !q.entry.sent) {
        queued.entry.sent = true;
        store.put(&stored(queued)?, None).await?;
    }
    tx.commit().await?;
    Ok(batch)
}

/// Removes a change the server never took, once the user confirmed they want it gone.
pub async fn discard_change(seq: f64) -> Result<(), DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[OUTBOX], TransactionMode::ReadWrite)?;
    tx.store(OUTBOX)?.delete(JsValue::from_f64(seq)).await?;
    tx.commit().await?;
    Ok(())
}

/// Marks a change the server refused, with its reason, or clears the mark (`None`: retry).
pub async fn set_refusal(seq: f64, reason: Option<String>) -> Result<(), DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[OUTBOX], TransactionMode::ReadWrite)?;
    let store = tx.store(OUTBOX)?;
    let Some(value) = store.get(JsValue::from_f64(seq)).await? else {
        tx.abort().await?;
        return Err(DeviceError::Missing);
    };
    let mut entry: OutboxEntry = from_js(value)?;
    entry.refused = reason;
    store.put(&stored(&Queued { seq, entry })?, None).await?;
    tx.commit().await?;
    Ok(())
}

/// How many records of this user wait to sync: queued changes and photos not yet uploaded.
pub async fn outbox_count(user_id: Uuid) -> Result<usize, DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[OUTBOX, PHOTOS], TransactionMode::ReadOnly)?;
    let changes = tx
        .store(OUTBOX)?
        .index("user_id")?
        .count(Some(only(user_id)?))
        .await?;
    let photos = tx
        .store(PHOTOS)?
        .index("user_id")?
        .count(Some(only(user_id)?))
        .await?;
    tx.done().await?;
    Ok((changes + photos) as usize)
}

/// How many changes wait to sync on this device, whoever made them (when nobody is known to be
/// signed in, e.g. offline before sign-in).
pub async fn outbox_total() -> Result<usize, DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[OUTBOX, PHOTOS], TransactionMode::ReadOnly)?;
    let changes = tx.store(OUTBOX)?.count(None).await?;
    let photos = tx.store(PHOTOS)?.index("user_id")?.count(None).await?;
    tx.done().await?;
    Ok((changes + photos) as usize)
}

/// The user's queued changes, oldest first.
pub async fn outbox_of(user_id: Uuid) -> Result<Vec<OutboxEntry>, DeviceError> {
    Ok(queued_of(user_id)
        .await?
        .into_iter()
        .map(|q| q.entry)
        .collect())
}
