//! The outbox as sync sees it: the oldest waiting changes, marked as sent as they are handed
//! to a push (so typing never rewrites what the server may hold), marking those the server
//! refused so they wait for the user instead of blocking, and discarding one the user gave up
//! on (those the server acknowledged leave through `synced::acknowledge`).

use rexie::TransactionMode;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::idb::{OUTBOX, from_js, only, open, to_js};
use super::{DeviceError, OutboxEntry};

/// A queued change with its place in the queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    pub seq: f64,
    pub entry: OutboxEntry,
}

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

/// Stored outbox records as queued changes, oldest first.
pub(super) fn in_order(rows: Vec<JsValue>) -> Result<Vec<Queued>, DeviceError> {
    // The store's key path puts each entry's place in the queue on the record itself.
    let mut list = rows
        .into_iter()
        .map(|value| {
            let seq = js_sys::Reflect::get(&value, &JsValue::from_str("seq"))
                .ok()
                .and_then(|s| s.as_f64())
                .ok_or_else(|| DeviceError::Storage("outbox entry without a place".into()))?;
            Ok(Queued {
                seq,
                entry: from_js(value)?,
            })
        })
        .collect::<Result<Vec<_>, DeviceError>>()?;
    list.sort_by(|a, b| a.seq.total_cmp(&b.seq));
    Ok(list)
}

/// An entry as stored: the entry with its place in the queue.
pub(super) fn stored(queued: &Queued) -> Result<JsValue, DeviceError> {
    let record = to_js(&queued.entry)?;
    js_sys::Reflect::set(
        &record,
        &JsValue::from_str("seq"),
        &JsValue::from_f64(queued.seq),
    )
    .map_err(|_| DeviceError::Storage("outbox".into()))?;
    Ok(record)
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
