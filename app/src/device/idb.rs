//! IndexedDB through rexie. Each operation opens the database, runs one short transaction and
//! awaits only IndexedDB requests inside it (anything else would let it auto-commit early).

use chrono::Utc;
use domain::inspection::{FindingData, InspectionStatus, InterviewData};
use domain::sync::judge::Change;
use domain::sync::{Mutation, kind};
use rexie::{Index, KeyRange, ObjectStore, Rexie, TransactionMode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::rc::Rc;

use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::{
    DeviceError, InterviewDraft, LocalInspection, OutboxEntry, Queued, StoredPhoto, WaitingPhoto,
};

const DB_NAME: &str = "readyward";
const DB_VERSION: u32 = 6;
const INSPECTIONS: &str = "inspections";
const FINDINGS: &str = "findings";
pub(super) const OUTBOX: &str = "outbox";
const INTERVIEWS: &str = "interviews";
const PHOTOS: &str = "photos";
/// Accounts that signed in on this device while online, keyed by email (see `account`).
pub(super) const ACCOUNTS: &str = "accounts";
/// Copies of server answers the device needs offline (wards, checklists, frameworks).
pub(super) const COPIES: &str = "copies";
/// Records the server acknowledged, newest kept (see `synced`).
pub(super) const SYNCED: &str = "synced";
/// Text being written that is not a record yet (interview notes before "Save"), by key.
const DRAFTS: &str = "drafts";

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

fn mutation<T: Serialize>(kind: &str, data: &T) -> Result<Mutation, DeviceError> {
    Ok(Mutation {
        id: Uuid::now_v7(),
        kind: kind.to_owned(),
        data: serde_json::to_value(data).map_err(|e| DeviceError::Storage(e.to_string()))?,
    })
}

fn outbox_entry(user_id: Uuid, mutation: Mutation) -> OutboxEntry {
    OutboxEntry {
        user_id,
        mutation,
        queued_at: Utc::now(),
        refused: None,
        sent: false,
    }
}

/// The `inspection.upsert` a local inspection stands for.
fn upsert_of(inspection: &LocalInspection) -> domain::inspection::InspectionData {
    domain::inspection::InspectionData {
        id: inspection.id,
        unit_id: inspection.unit_id,
        framework_id: inspection.framework_id.clone(),
        template_id: Some(inspection.template_id),
        template_version: Some(inspection.template_version),
        started_at: inspection.started_at,
        status: inspection.status,
    }
}

/// Stores an inspection and queues its `inspection.upsert`, in one transaction.
pub async fn save_inspection(inspection: &LocalInspection) -> Result<(), DeviceError> {
    let entry = outbox_entry(
        inspection.user_id,
        mutation(kind::INSPECTION_UPSERT, &upsert_of(inspection))?,
    );
    let (record, queued) = (to_js(inspection)?, to_js(&entry)?);
    let db = open().await?;
    let tx = db.transaction(&[INSPECTIONS, OUTBOX], TransactionMode::ReadWrite)?;
    tx.store(INSPECTIONS)?.put(&record, None).await?;
    tx.store(OUTBOX)?.add(&queued, None).await?;
    tx.done().await?;
    Ok(())
}

/// One inspection of this device, if it is there.
pub async fn inspection(id: Uuid) -> Result<Option<LocalInspection>, DeviceError> {
    get_one(INSPECTIONS, &id.to_string())
        .await?
        .map(from_js)
        .transpose()
}

/// The user's inspections on this device, newest first.
pub async fn inspections_of(user_id: Uuid) -> Result<Vec<LocalInspection>, DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[INSPECTIONS], TransactionMode::ReadOnly)?;
    let key = only(user_id)?;
    let rows = tx
        .store(INSPECTIONS)?
        .index("user_id")?
        .get_all(Some(key), None)
        .await?;
    tx.done().await?;
    let mut list: Vec<LocalInspection> = rows.into_iter().map(from_js).collect::<Result<_, _>>()?;
    list.sort_by_key(|i| std::cmp::Reverse(i.started_at));
    Ok(list)
}

/// Every finding of an inspection.
pub async fn findings_of(inspection_id: Uuid) -> Result<Vec<FindingData>, DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[FINDINGS], TransactionMode::ReadOnly)?;
    let key = only(inspection_id)?;
    let rows = tx
        .store(FINDINGS)?
        .index("inspection_id")?
        .get_all(Some(key), None)
        .await?;
    tx.done().await?;
    rows.into_iter().map(from_js).collect()
}

/// Stores a record of an open inspection and queues its mutation, in one transaction that
/// also checks the inspection is on the device and not finished.
///
/// Every request goes to IndexedDB at once (a round trip each would double the time of a tap);
/// the status read comes first in the queue, and when it refuses, aborting the transaction
/// undoes the writes queued behind it.
async fn record_in_open_inspection(
    change: Change,
    queue: Queue,
    photo: PhotoChange,
    forget_draft: Option<String>,
) -> Result<(), DeviceError> {
    use futures::future::{join, join3};
    let (store_name, record) = match &change {
        Change::Finding(f) => (FINDINGS, to_js(f)?),
        Change::Interview(i) => (INTERVIEWS, to_js(i)?),
        Change::Inspection(_) => {
            return Err(DeviceError::Storage(
                "an inspection is saved with save_inspection".into(),
            ));
        }
    };
    let db = open().await?;
    let tx = db.transaction(
        &[INSPECTIONS, store_name, OUTBOX, PHOTOS, DRAFTS],
        TransactionMode::ReadWrite,
    )?;
    let (inspections, records, outbox, photos, drafts) = (
        tx.store(INSPECTIONS)?,
        tx.store(store_name)?,
        tx.store(OUTBOX)?,
        tx.store(PHOTOS)?,
        tx.store(DRAFTS)?,
    );
    let status = inspections.get(JsValue::from_str(&change.inspection_id().to_string()));
    // Read before the write, queued first: where the record is held now, if anywhere.
    let before = records.get(JsValue::from_str(&change.record_id().to_string()));
    let write = records.put(&record, None);
    let queue_or_read = queue_or_read(&outbox, &queue);
    let photo_change = async {
        match &photo {
            PhotoChange::None => Ok(()),
            PhotoChange::Add(value) => photos.put(value, None).await.map(|_| ()),
            PhotoChange::Remove(id) => photos.delete(JsValue::from_str(&id.to_string())).await,
        }
    };
    let draft_gone = async {
        match &forget_draft {
            Some(key) => drafts.delete(JsValue::from_str(key)).await,
            None => Ok(()),
        }
    };
    let ((status, before, written), (queued, photo_done, draft_done)) = join(
        join3(status, before, write),
        join3(queue_or_read, photo_change, draft_gone),
    )
    .await;
    // Only the fields the rule needs are decoded: the whole inspection (every prompt) would
    // cost more than the write.
    // Any failure here aborts: the writes queued behind the reads must not commit unjudged.
    let judged = (|| {
        let status = stored_field::<InspectionStatus>(status?, "status")?;
        let held_under = stored_field::<Uuid>(before?, "inspection_id")?;
        super::rules::judge_own_change(change, status, held_under)
    })();
    if let Err(refusal) = judged {
        tx.abort().await?;
        return Err(refusal);
    }
    written?;
    photo_done?;
    draft_done?;
    if let (Queue::Latest(entry), Some(rows)) = (&queue, queued?) {
        queue_latest(&outbox, entry, rows).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// One field of a stored record, if the record is there.
fn stored_field<T: DeserializeOwned>(
    record: Option<JsValue>,
    name: &str,
) -> Result<Option<T>, DeviceError> {
    record
        .and_then(|r| field(&r, name))
        .map(from_js::<T>)
        .transpose()
}

/// What a record queues in the outbox.
enum Queue {
    Nothing,
    /// A change of its own (an answer, a photo, an interview): always a new entry.
    Add(JsValue),
    /// Typed text: replaces the newest waiting change of the same record while no push has
    /// had it, so saving as one types queues one change, not one per keystroke; once a push
    /// may have carried that change, a new one is queued instead.
    Latest(OutboxEntry),
}

/// Adds a change of its own at once; for typed text, reads what waits first (the decision
/// comes once the inspection's status allowed the write, see [`queue_latest`]).
async fn queue_or_read(
    outbox: &rexie::Store,
    queue: &Queue,
) -> Result<Option<Vec<JsValue>>, DeviceError> {
    match queue {
        Queue::Nothing => Ok(None),
        Queue::Add(entry) => {
            outbox.add(entry, None).await?;
            Ok(None)
        }
        Queue::Latest(entry) => {
            let user = only(entry.user_id)?;
            Ok(Some(
                outbox.index("user_id")?.get_all(Some(user), None).await?,
            ))
        }
    }
}

/// Queues `entry` as the newest change of its record (by kind and record id): rewrites the
/// waiting one in place (same place, same mutation id) when it was never sent, else adds it.
async fn queue_latest(
    outbox: &rexie::Store,
    entry: &OutboxEntry,
    rows: Vec<JsValue>,
) -> Result<(), DeviceError> {
    let record_id = entry.mutation.data.get("id");
    let newest = in_order(rows)?.into_iter().rev().find(|q| {
        q.entry.mutation.kind == entry.mutation.kind && q.entry.mutation.data.get("id") == record_id
    });
    match newest {
        Some(mut waiting) if !waiting.entry.sent && waiting.entry.refused.is_none() => {
            waiting.entry.mutation.data = entry.mutation.data.clone();
            waiting.entry.queued_at = entry.queued_at;
            outbox.put(&stored(&waiting)?, None).await?;
        }
        _ => {
            outbox.add(&to_js(entry)?, None).await?;
        }
    }
    Ok(())
}

/// What happens to a photo in the same transaction as its finding.
enum PhotoChange {
    None,
    Add(JsValue),
    Remove(Uuid),
}

/// A finding is queued once it has an answer; a note alone stays on the device.
fn queued_finding(user_id: Uuid, finding: &FindingData) -> Result<Queue, DeviceError> {
    match finding.response {
        Some(_) => Ok(Queue::Add(to_js(&outbox_entry(
            user_id,
            mutation(kind::FINDING_RECORD, finding)?,
        ))?)),
        None => Ok(Queue::Nothing),
    }
}

/// Stores a photo with the finding that now names it, in one transaction.
pub async fn add_photo(
    user_id: Uuid,
    finding: &FindingData,
    photo: &StoredPhoto,
) -> Result<(), DeviceError> {
    use js_sys::Reflect;
    let value = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| {
        Reflect::set(&value, &JsValue::from_str(k), v)
            .map_err(|_| DeviceError::Storage("photo".into()))
    };
    set("id", &JsValue::from_str(&photo.id.to_string()))?;
    set(
        "inspection_id",
        &JsValue::from_str(&finding.inspection_id.to_string()),
    )?;
    set("user_id", &JsValue::from_str(&user_id.to_string()))?;
    set("item_code", &JsValue::from_str(&finding.item_code))?;
    set("width", &JsValue::from(photo.width))?;
    set("height", &JsValue::from(photo.height))?;
    set("blob", &photo.blob)?;
    record_in_open_inspection(
        Change::Finding(finding.clone()),
        queued_finding(user_id, finding)?,
        PhotoChange::Add(value.into()),
        None,
    )
    .await
}

/// Deletes a photo and stores the finding without it, in one transaction.
pub async fn remove_photo(
    user_id: Uuid,
    finding: &FindingData,
    photo_id: Uuid,
) -> Result<(), DeviceError> {
    record_in_open_inspection(
        Change::Finding(finding.clone()),
        queued_finding(user_id, finding)?,
        PhotoChange::Remove(photo_id),
        None,
    )
    .await
}

/// The photos of an inspection on this device.
pub async fn photos_of(inspection_id: Uuid) -> Result<Vec<StoredPhoto>, DeviceError> {
    use wasm_bindgen::JsCast;
    Ok(photo_rows("inspection_id", inspection_id)
        .await?
        .iter()
        .filter_map(|row| {
            Some(StoredPhoto {
                id: Uuid::parse_str(&field(row, "id")?.as_string()?).ok()?,
                blob: field(row, "blob")?.dyn_into().ok()?,
                width: field(row, "width")?.as_f64()? as u32,
                height: field(row, "height")?.as_f64()? as u32,
            })
        })
        .collect())
}

/// The photo records one of the photo store's indexes lists under an id.
async fn photo_rows(index: &str, id: Uuid) -> Result<Vec<JsValue>, DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[PHOTOS], TransactionMode::ReadOnly)?;
    let rows = tx
        .store(PHOTOS)?
        .index(index)?
        .get_all(Some(only(id)?), None)
        .await?;
    tx.done().await?;
    Ok(rows)
}

/// One field of a stored JavaScript record.
fn field(row: &JsValue, name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(row, &JsValue::from_str(name))
        .ok()
        .filter(|v| !v.is_undefined())
}

/// Changes one photo record in place; `Missing` when it is gone.
async fn update_photo(
    id: Uuid,
    change: impl FnOnce(&JsValue) -> Result<bool, JsValue>,
) -> Result<(), DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[PHOTOS], TransactionMode::ReadWrite)?;
    let store = tx.store(PHOTOS)?;
    let Some(row) = store.get(JsValue::from_str(&id.to_string())).await? else {
        tx.abort().await?;
        return Err(DeviceError::Missing);
    };
    change(&row).map_err(|_| DeviceError::Storage("photo".into()))?;
    store.put(&row, None).await?;
    tx.commit().await?;
    Ok(())
}

/// The user's photos still on this device.
pub async fn waiting_photos(user_id: Uuid) -> Result<Vec<WaitingPhoto>, DeviceError> {
    use wasm_bindgen::JsCast;
    Ok(photo_rows("user_id", user_id)
        .await?
        .iter()
        .filter_map(|row| {
            Some(WaitingPhoto {
                id: Uuid::parse_str(&field(row, "id")?.as_string()?).ok()?,
                item_code: field(row, "item_code")?.as_string().unwrap_or_default(),
                blob: field(row, "blob")?.dyn_into().ok()?,
                refused: field(row, "refused").and_then(|r| r.as_string()),
            })
        })
        .collect())
}

/// Marks a photo the server confirmed: it leaves the waiting count (the `user_id` index only
/// holds photos still to upload) but stays viewable here until its inspection is finished.
pub async fn mark_photo_uploaded(id: Uuid) -> Result<(), DeviceError> {
    use wasm_bindgen::JsCast;
    update_photo(id, |row| {
        let user = js_sys::Reflect::get(row, &JsValue::from_str("user_id"))?;
        js_sys::Reflect::set(row, &JsValue::from_str("uploaded_by"), &user)?;
        js_sys::Reflect::delete_property(
            row.unchecked_ref::<js_sys::Object>(),
            &JsValue::from_str("user_id"),
        )
    })
    .await
}

/// Deletes the blobs of uploaded photos whose inspection is finished: the server holds them,
/// and a finished inspection shows the server's copies.
pub async fn forget_uploaded_photos_of_finished() -> Result<(), DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[PHOTOS, INSPECTIONS], TransactionMode::ReadWrite)?;
    let photos = tx.store(PHOTOS)?;
    let inspections = tx.store(INSPECTIONS)?;
    for row in photos.get_all(None, None).await? {
        if field(&row, "uploaded_by").is_none() {
            continue;
        }
        let (Some(id), Some(inspection_id)) = (field(&row, "id"), field(&row, "inspection_id"))
        else {
            continue;
        };
        let finished = match inspections.get(inspection_id).await? {
            Some(record) => {
                from_js::<LocalInspection>(record)?.status == InspectionStatus::Submitted
            }
            None => true,
        };
        if finished {
            photos.delete(id).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Removes a photo from the device: after the server confirmed it holds the same bytes, or
/// when the user discards a refused one.
pub async fn forget_photo(id: Uuid) -> Result<(), DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[PHOTOS], TransactionMode::ReadWrite)?;
    tx.store(PHOTOS)?
        .delete(JsValue::from_str(&id.to_string()))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Marks a photo the server refused, with its reason, or clears the mark (`None`: retry).
pub async fn set_photo_refusal(id: Uuid, reason: Option<String>) -> Result<(), DeviceError> {
    let reason = reason.map_or(JsValue::UNDEFINED, |r| JsValue::from_str(&r));
    update_photo(id, |row| {
        js_sys::Reflect::set(row, &JsValue::from_str("refused"), &reason)
    })
    .await
}

/// Stores a finding and, once it has an answer, queues its `finding.record`. Refused once the
/// inspection is finished.
pub async fn record_finding(user_id: Uuid, finding: &FindingData) -> Result<(), DeviceError> {
    let queued = queued_finding(user_id, finding)?;
    record_in_open_inspection(
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
        Change::Finding(finding.clone()),
        queue,
        PhotoChange::None,
        None,
    )
    .await
}

/// Stores interview notes and queues their `interview.record`, forgetting the user's draft of
/// it in the same transaction (a draft left behind would offer the same note again). Refused
/// once the inspection is finished.
pub async fn record_interview(user_id: Uuid, interview: &InterviewData) -> Result<(), DeviceError> {
    let queued = to_js(&outbox_entry(
        user_id,
        mutation(kind::INTERVIEW_RECORD, interview)?,
    ))?;
    record_in_open_inspection(
        Change::Interview(interview.clone()),
        Queue::Add(queued),
        PhotoChange::None,
        Some(interview_draft_key(user_id, interview.inspection_id)),
    )
    .await
}

/// Where a user's unsaved interview note for an inspection is kept.
fn interview_draft_key(user_id: Uuid, inspection_id: Uuid) -> String {
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

async fn forget_draft(key: &str) -> Result<(), DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[DRAFTS], TransactionMode::ReadWrite)?;
    tx.store(DRAFTS)?.delete(JsValue::from_str(key)).await?;
    tx.commit().await?;
    Ok(())
}

/// Every interview of an inspection, oldest first.
pub async fn interviews_of(inspection_id: Uuid) -> Result<Vec<InterviewData>, DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[INTERVIEWS], TransactionMode::ReadOnly)?;
    let key = only(inspection_id)?;
    let rows = tx
        .store(INTERVIEWS)?
        .index("inspection_id")?
        .get_all(Some(key), None)
        .await?;
    tx.done().await?;
    let mut list: Vec<InterviewData> = rows.into_iter().map(from_js).collect::<Result<_, _>>()?;
    list.sort_by_key(|i| i.observed_at);
    Ok(list)
}

/// Marks an inspection finished (read-only from now on) and queues the change.
pub async fn finish_inspection(id: Uuid) -> Result<LocalInspection, DeviceError> {
    let mut inspection = inspection(id).await?.ok_or(DeviceError::Missing)?;
    if inspection.status == InspectionStatus::Submitted {
        return Err(DeviceError::Finished);
    }
    inspection.status = InspectionStatus::Submitted;
    save_inspection(&inspection).await?;
    // A finished inspection takes no more notes: an unsaved one would only linger.
    forget_draft(&interview_draft_key(inspection.user_id, id)).await?;
    Ok(inspection)
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
    Ok(super::queued_of(user_id)
        .await?
        .into_iter()
        .map(|q| q.entry)
        .collect())
}

/// Writes one record into a store (replacing any with the same key).
pub(super) async fn put_one(store: &str, record: &JsValue) -> Result<(), DeviceError> {
    let db = open().await?;
    let tx = db.transaction(&[store], TransactionMode::ReadWrite)?;
    tx.store(store)?.put(record, None).await?;
    tx.done().await?;
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
