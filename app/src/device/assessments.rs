//! Ratings recorded on the device (a self-assessment, or a buddy reviewer's peer review): each
//! is queued as its own change in the outbox, which is all the device keeps of it, so it syncs
//! with everything else and nothing leaves the device until the server acknowledged it.

use domain::assessment::{AssessmentData, AssessmentSource};
use rexie::TransactionMode;
use uuid::Uuid;

use super::DeviceError;
use super::idb::{OUTBOX, open, to_js};
use super::write::{mutation, outbox_entry};

/// Queues a rating by `user_id` as a change of its own.
pub async fn record_assessment(
    user_id: Uuid,
    source: AssessmentSource,
    data: &AssessmentData,
) -> Result<(), DeviceError> {
    let entry = outbox_entry(user_id, mutation(source.kind(), data)?);
    let db = open().await?;
    let tx = db.transaction(&[OUTBOX], TransactionMode::ReadWrite)?;
    tx.store(OUTBOX)?.add(&to_js(&entry)?, None).await?;
    tx.commit().await?;
    Ok(())
}
