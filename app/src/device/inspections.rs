//! Inspections on the device: started, listed per user, finished; each save queues the
//! inspection's `inspection.upsert` in the same transaction.

use domain::inspection::InspectionStatus;
use domain::sync::kind;
use rexie::TransactionMode;
use uuid::Uuid;

use super::idb::{INSPECTIONS, OUTBOX, from_js, get_one, open, records_under, to_js};
use super::interviews::forget_interview_draft;
use super::write::{mutation, outbox_entry};
use super::{DeviceError, LocalInspection};

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

/// One of the user's inspections on this device, if it is there. Another user's is not: on a
/// shared tablet each user sees only their own work.
pub async fn inspection(user_id: Uuid, id: Uuid) -> Result<Option<LocalInspection>, DeviceError> {
    let found: Option<LocalInspection> = get_one(INSPECTIONS, &id.to_string())
        .await?
        .map(from_js)
        .transpose()?;
    Ok(found.filter(|i| i.user_id == user_id))
}

/// The user's inspections on this device, newest first.
pub async fn inspections_of(user_id: Uuid) -> Result<Vec<LocalInspection>, DeviceError> {
    let mut list: Vec<LocalInspection> = records_under(INSPECTIONS, "user_id", user_id).await?;
    list.sort_by_key(|i| std::cmp::Reverse(i.started_at));
    Ok(list)
}

/// Marks the user's inspection finished (read-only from now on) and queues the change.
pub async fn finish_inspection(user_id: Uuid, id: Uuid) -> Result<LocalInspection, DeviceError> {
    let mut inspection = inspection(user_id, id).await?.ok_or(DeviceError::Missing)?;
    if inspection.status == InspectionStatus::Submitted {
        return Err(DeviceError::Finished);
    }
    inspection.status = InspectionStatus::Submitted;
    save_inspection(&inspection).await?;
    // A finished inspection takes no more notes: an unsaved one would only linger.
    forget_interview_draft(inspection.user_id, id).await?;
    Ok(inspection)
}
