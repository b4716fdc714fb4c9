//! The one write path for a tap on an open inspection: the record, its outbox entry, a photo
//! and a draft to forget go to IndexedDB in one transaction, judged by the rule the server
//! applies too (`rules`), and aborted as a whole when it refuses.

use chrono::Utc;
use domain::inspection::InspectionStatus;
use domain::sync::Mutation;
use domain::sync::judge::Change;
use rexie::TransactionMode;
use serde::Serialize;
use uuid::Uuid;
use wasm_bindgen::JsValue;

use super::idb::{
    DRAFTS, FINDINGS, INSPECTIONS, INTERVIEWS, OUTBOX, PHOTOS, in_order, only, open, stored,
    stored_field, to_js,
};
use super::{DeviceError, OutboxEntry};

pub(super) fn mutation<T: Serialize>(kind: &str, data: &T) -> Result<Mutation, DeviceError> {
    Ok(Mutation {
        id: Uuid::now_v7(),
        kind: kind.to_owned(),
        data: serde_json::to_value(data).map_err(|e| DeviceError::Storage(e.to_string()))?,
    })
}

pub(super) fn outbox_entry(user_id: Uuid, mutation: Mutation) -> OutboxEntry {
    OutboxEntry {
        user_id,
        mutation,
        queued_at: Utc::now(),
        refused: None,
        sent: false,
    }
}

/// Stores a record of an open inspection and queues its mutation, in one transaction that
/// also checks the inspection is on the device, is `user_id`'s own, and is not finished.
///
/// Every request goes to IndexedDB at once (a round trip each would double the time of a tap);
/// the status read comes first in the queue, and when it refuses, aborting the transaction
/// undoes the writes queued behind it.
pub(super) async fn record_in_open_inspection(
    user_id: Uuid,
    change: Change,
    queue: Queue,
    photo: PhotoChange,
    forget_draft: Option<String>,
) -> Result<(), DeviceError> {
    use futures::future::{join, join3};
    let (store_name, record) = match &change {
        Change::Finding(f) => (FINDINGS, to_js(f)?),
        Change::Interview(i) => (INTERVIEWS, to_js(i)?),
        Change::Inspection(_) | Change::Assessment(..) | Change::Reply(_) => {
            return Err(DeviceError::Storage(
                "only findings and interview notes are recorded in an inspection".into(),
            ));
        }
    };
    let inspection_id = change.inspection_id().unwrap_or_default();
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
    let status = inspections.get(JsValue::from_str(&inspection_id.to_string()));
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
        let inspection = status?;
        let owner = stored_field::<Uuid>(inspection.clone(), "user_id")?;
        let status = stored_field::<InspectionStatus>(inspection, "status")?;
        let held_under = stored_field::<Uuid>(before?, "inspection_id")?;
        let held = status.zip(owner);
        super::rules::judge_own_change(user_id, change, held, held_under)
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

/// What a record queues in the outbox.
pub(super) enum Queue {
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
pub(super) enum PhotoChange {
    None,
    Add(JsValue),
    Remove(Uuid),
}
