//! Findings on the device: the answer and note for one prompt of an inspection, queued as a
//! `finding.record` once answered (typed notes replace their waiting change, see `write`).

use domain::inspection::FindingData;
use domain::sync::judge::Change;
use domain::sync::kind;
use uuid::Uuid;

use super::DeviceError;
use super::idb::{FINDINGS, records_under, to_js};
use super::write::{PhotoChange, Queue, mutation, outbox_entry, record_in_open_inspection};

/// Every finding of an inspection.
pub async fn findings_of(inspection_id: Uuid) -> Result<Vec<FindingData>, DeviceError> {
    records_under(FINDINGS, "inspection_id", inspection_id).await
}

/// A finding is queued once it has an answer; a note alone stays on the device.
pub(super) fn queued_finding(user_id: Uuid, finding: &FindingData) -> Result<Queue, DeviceError> {
    match finding.response {
        Some(_) => Ok(Queue::Add(to_js(&outbox_entry(
            user_id,
            mutation(kind::FINDING_RECORD, finding)?,
        ))?)),
        None => Ok(Queue::Nothing),
    }
}

/// Stores a finding and, once it has an answer, queues its `finding.record`. Refused once the
/// inspection is finished.
pub async fn record_finding(user_id: Uuid, finding: &FindingData) -> Result<(), DeviceError> {
    let queued = queued_finding(user_id, finding)?;
    record_in_open_inspection(
        user_id,
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
        user_id,
        Change::Finding(finding.clone()),
        queue,
        PhotoChange::None,
        None,
    )
    .await
}
