//! Replies to the buddy trust's doubts, written on the tablet, offline too: the reply's change
//! and its new photos go to IndexedDB in one transaction, then leave like any other change (the
//! photos through the photo pipeline). Until the server has it, the reply is read back from
//! the outbox; after that, from the comments the pull brings.

use domain::review::ReplyData;
use domain::sync::kind;
use rexie::TransactionMode;
use uuid::Uuid;

use super::idb::{OUTBOX, PHOTOS, open, to_js};
use super::outbox::queued_of;
use super::photo_store::photo_row;
use super::write::{mutation, outbox_entry};
use super::{DeviceError, StoredPhoto, WaitingReply};

/// Queues `user_id`'s reply with its photos (taken for the prompt `item_code`), in one
/// transaction; refused as the server would refuse it when it says nothing.
pub async fn send_reply(
    user_id: Uuid,
    reply: &ReplyData,
    item_code: &str,
    photos: &[StoredPhoto],
) -> Result<(), DeviceError> {
    if let Some(problem) = reply.problem() {
        return Err(DeviceError::Refused(problem));
    }
    let entry = to_js(&outbox_entry(
        user_id,
        mutation(kind::EVIDENCE_REPLY, reply)?,
    ))?;
    let rows = photos
        .iter()
        .map(|p| photo_row(Some(user_id), reply.inspection_id, item_code, p))
        .collect::<Result<Vec<_>, _>>()?;
    let db = open().await?;
    let tx = db.transaction(&[OUTBOX, PHOTOS], TransactionMode::ReadWrite)?;
    let (outbox, store) = (tx.store(OUTBOX)?, tx.store(PHOTOS)?);
    for row in &rows {
        store.put(row, None).await?;
    }
    outbox.add(&entry, None).await?;
    tx.commit().await?;
    Ok(())
}

/// The user's replies still waiting to sync, oldest first.
pub async fn waiting_replies(user_id: Uuid) -> Result<Vec<WaitingReply>, DeviceError> {
    Ok(queued_of(user_id)
        .await?
        .into_iter()
        .filter(|q| q.entry.mutation.kind == kind::EVIDENCE_REPLY)
        .filter_map(|q| {
            Some(WaitingReply {
                reply: serde_json::from_value(q.entry.mutation.data).ok()?,
                refused: q.entry.refused,
            })
        })
        .collect())
}
