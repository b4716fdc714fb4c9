//! The device database: its object stores and indexes, the page's one connection, and the codecs
//! between serde records and IndexedDB values. Each record type's operations live beside it
//! (`inspections`, `findings`, `interviews`, `photo_store`, `outbox`, ...); each opens one short
//! transaction and awaits only IndexedDB requests inside it (anything else would let it
//! auto-commit early).

use rexie::{Index, KeyRange, ObjectStore, Rexie, TransactionMode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::rc::Rc;

use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::{DeviceError, Queued};

const DB_NAME: &str = "readyward";
const DB_VERSION: u32 = 6;
pub(super) const INSPECTIONS: &str = "inspections";
pub(super) const FINDINGS: &str = "findings";
pub(super) const OUTBOX: &str = "outbox";
pub(super) const INTERVIEWS: &str = "interviews";
pub(super) const PHOTOS: &str = "photos";
/// Accounts that signed in on this device while online, keyed by email (see `account`).
pub(super) const ACCOUNTS: &str = "accounts";
/// Copies of server answers the device needs offline (wards, checklists, frameworks).
pub(super) const COPIES: &str = "copies";
/// Records the server acknowledged, newest kept (see `synced`).
pub(super) const SYNCED: &str = "synced";
/// Text being written that is not a record yet (interview notes before "Save"), by key.
pub(super) const DRAFTS: &str = "drafts";

impl From<rexie::Error> for DeviceError {
    fn from(e: rexie::Error) -> Self {
        DeviceError::Storage(e.to_string())
    }
}

/// Matches records whose index value is this id.
pub(super) fn only(id: Uuid) -> Result<KeyRange, DeviceError> {
    KeyRange::only(&JsValue::from_str(&id.to_string()))
        .map_err(|e| DeviceError::Storage(e.to_string()))
}

thread_local! {
    /// One connection per page, opened on first use: opening IndexedDB costs more than a write.
    static DB: std::cell::RefCell<Option<Rc<Rexie>>> = const { std::cell::RefCell::new(None) };
}

/// The page's connection to the device database, opened (and upgraded) on first use.
pub(super) async fn open() -> Result<Rc<Rexie>, DeviceError> {
    if let Some(db) = DB.with(|db| db.borrow().clone()) {
        return Ok(db);
    }
    let db = Rc::new(connect().await?);
    DB.with(|cell| *cell.borrow_mut() = Some(db.clone()));
    Ok(db)
}

async fn connect() -> Result<Rexie, DeviceError> {
    Ok(Rexie::builder(DB_NAME)
        .version(DB_VERSION)
        .add_object_store(
            ObjectStore::new(INSPECTIONS)
                .key_path("id")
                .add_index(Index::new("user_id", "user_id")),
        )
        .add_object_store(
            ObjectStore::new(FINDINGS)
                .key_path("id")
                .add_index(Index::new("inspection_id", "inspection_id")),
        )
        .add_object_store(
            ObjectStore::new(PHOTOS)
                .key_path("id")
                .add_index(Index::new("inspection_id", "inspection_id"))
                .add_index(Index::new("user_id", "user_id")),
        )
        .add_object_store(
            ObjectStore::new(INTERVIEWS)
                .key_path("id")
                .add_index(Index::new("inspection_id", "inspection_id")),
        )
        .add_object_store(ObjectStore::new(ACCOUNTS).key_path("email"))
        .add_object_store(ObjectStore::new(COPIES).key_path("key"))
        .add_object_store(ObjectStore::new(DRAFTS).key_path("key"))
        .add_object_store(
            ObjectStore::new(OUTBOX)
                .key_path("seq")
                .auto_increment(true)
                .add_index(Index::new("user_id", "user_id")),
        )
        .add_object_store(
            ObjectStore::new(SYNCED)
                .key_path("seq")
                .auto_increment(true)
                .add_index(Index::new("user_id", "user_id")),
        )
        .build()
        .await?)
}

pub(super) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, DeviceError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| DeviceError::Storage(e.to_string()))
}

pub(super) fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, DeviceError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| DeviceError::Storage(e.to_string()))
}

/// One field of a stored record, if the record is there.
pub(super) fn stored_field<T: DeserializeOwned>(
    record: Option<JsValue>,
    name: &str,
) -> Result<Option<T>, DeviceError> {
    record
        .and_then(|r| field(&r, name))
        .map(from_js::<T>)
        .transpose()
}

/// One field of a stored JavaScript record.
pub(super) fn field(row: &JsValue, name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(row, &JsValue::from_str(name))
        .ok()
        .filter(|v| !v.is_undefined())
}

/// The records of a store that one of its indexes lists under an id, in key order.
pub(super) async fn rows_under(
    store: &str,
    index: &str,
    id: Uuid,
) -> Result<Vec<JsValue>, DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let rows = tx
        .store(store)?
        .index(index)?
        .get_all(Some(only(id)?), None)
        .await?;
    tx.done().await?;
    Ok(rows)
}

/// [`rows_under`], decoded.
pub(super) async fn records_under<T: DeserializeOwned>(
    store: &str,
    index: &str,
    id: Uuid,
) -> Result<Vec<T>, DeviceError> {
    rows_under(store, index, id)
        .await?
        .into_iter()
        .map(from_js)
        .collect()
}

/// Writes one record into a store (replacing any with the same key).
pub(super) async fn put_one(store: &str, record: &JsValue) -> Result<(), DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[store], TransactionMode::ReadWrite)?;
    tx.store(store)?.put(record, None).await?;
    tx.done().await?;
    Ok(())
}

/// Deletes one record of a store by its key (nothing happens when there is none).
pub(super) async fn delete_one(store: &str, key: &str) -> Result<(), DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[store], TransactionMode::ReadWrite)?;
    tx.store(store)?.delete(JsValue::from_str(key)).await?;
    tx.commit().await?;
    Ok(())
}

/// Reads one record of a store by its key.
pub(super) async fn get_one(store: &str, key: &str) -> Result<Option<JsValue>, DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let found = tx.store(store)?.get(JsValue::from_str(key)).await?;
    tx.done().await?;
    Ok(found)
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
