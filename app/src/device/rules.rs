//! The device's own writes, judged by the rule the server applies to a push
//! (`domain::sync::judge`), so the tablet never shows as saved what the server would refuse.

use domain::inspection::InspectionStatus;
use domain::sync::Mutation;
use domain::sync::judge::{
    Change, Held, HeldInspection, PushItem, Pusher, Refusal, Verdict, judge,
};
use uuid::Uuid;

use super::DeviceError;

/// Judges a change `user_id` makes on this device, given what the device holds: the status
/// and owner of its inspection (absent if the inspection is not on the device) and, for a
/// record already kept, the inspection it is kept under. On a shared tablet another user's
/// inspection is refused here just as the server would refuse its push.
pub(super) fn judge_own_change(
    user_id: Uuid,
    change: Change,
    inspection: Option<(InspectionStatus, Uuid)>,
    held_under: Option<Uuid>,
) -> Result<(), DeviceError> {
    // A device keeps only its users' own trust's inspections: one trust stands for them all.
    let pusher = Pusher {
        user_id,
        trust_id: Uuid::nil(),
        device_id: Uuid::nil(),
        // Only inspectors keep inspections on a device; ratings are judged by the server.
        role: domain::Role::WardInspector,
        today: chrono::Utc::now().date_naive(),
    };
    let mut held = Held::default();
    if let Some((status, owner)) = inspection {
        let inspection = HeldInspection {
            trust_id: pusher.trust_id,
            user_id: owner,
            status,
        };
        if let Some(id) = change.inspection_id() {
            held.inspections.insert(id, inspection);
        }
    }
    if let Some(inspection_id) = held_under {
        held.records.insert(change.record_id(), inspection_id);
    }
    // A new change id: nothing earlier to repeat or clash with.
    let item = PushItem {
        mutation: Mutation {
            id: Uuid::now_v7(),
            kind: String::new(),
            data: serde_json::Value::Null,
        },
        change: Ok(change),
    };
    match judge(&mut held, &pusher, &item) {
        Verdict::Apply | Verdict::Duplicate | Verdict::Conflict => Ok(()),
        Verdict::Reject(Refusal::Finished) => Err(DeviceError::Finished),
        Verdict::Reject(Refusal::UnknownInspection | Refusal::NotYours) => {
            Err(DeviceError::Missing)
        }
        Verdict::Reject(other) => Err(DeviceError::Refused(other.to_string())),
    }
}
