//! What reached the server from this device, kept for a while so the sync ledger can show each
//! record as synced, and when, instead of it simply vanishing. Only the newest
//! [`SYNCED_KEPT`](super::SYNCED_KEPT) are kept: this is a receipt, not a copy of the work.

use rexie::{Transaction, TransactionMode};
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::idb::{OUTBOX, SYNCED, from_js, only, open, to_js};
use super::{DeviceError, Queued, SYNCED_KEPT, SyncedRecord};

/// Removes changes the server acknowledged (applied, a duplicate, or kept for review) and notes
/// them as synced, in one transaction: a change is either waiting or synced, never both.
pub async fn acknowledge(done: &[Queued]) -> Result<(), DeviceError> {
    if done.is_empty() {
        return Ok(());
    }
    let now = chrono::Utc::now();
    let db = open().await?;
    let tx = db.transaction(&[OUTBOX, SYNCED], TransactionMode::ReadWrite)?;
    let outbox = tx.store(OUTBOX)?;
    for queued in done {
        outbox.delete(JsValue::from_f64(queued.seq)).await?;
    }
    let records: Vec<SyncedRecord> = done
        .iter()
        .map(|q| SyncedRecord {
            user_id: q.entry.user_id,
            what: domain::sync::describe_change(&q.entry.mutation.kind, &q.entry.mutation.data),
            recorded_at: q.entry.queued_at,
            synced_at: now,
        })
        .collect();
    add(&tx, &records).await?;
    tx.commit().await?;
    Ok(())
}

/// Notes records as synced (photos, once the server confirmed their bytes).
pub async fn note_synced(records: &[SyncedRecord]) -> Result<(), DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[SYNCED], TransactionMode::ReadWrite)?;
    add(&tx, records).await?;
    tx.commit().await?;
    Ok(())
}

/// The user's synced records on this device, newest first.
pub async fn synced_of(user_id: Uuid) -> Result<Vec<SyncedRecord>, DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[SYNCED], TransactionMode::ReadOnly)?;
    let rows = tx
        .store(SYNCED)?
        .index("user_id")?
        .get_all(Some(only(user_id)?), None)
        .await?;
    tx.done().await?;
    // The index lists a user's records in key order, which is the order they were synced.
    rows.into_iter().rev().map(from_js).collect()
}

/// Adds the records, then drops the oldest beyond the number kept (keys rise with each add).
async fn add(tx: &Transaction, records: &[SyncedRecord]) -> Result<(), DeviceError> {
    let store = tx.store(SYNCED)?;
    for record in records {
        store.add(&to_js(record)?, None).await?;
    }
    let count = store.count(None).await?;
    if count > SYNCED_KEPT {
        for key in store.get_all_keys(None, Some(count - SYNCED_KEPT)).await? {
            store.delete(key).await?;
        }
    }
    Ok(())
}
