//! The sync protocol: what devices send to `POST /api/v1/sync/push` and fetch from
//! `GET /api/v1/sync/pull`, and (in [`judge`]) the one rule for what a change may do.
//!
//! The device makes every id (UUID v7), so re-sending a mutation is harmless: the server tells a
//! repeat by its id.

pub mod judge;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One change, as queued on the device and pushed to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mutation {
    /// Identifies the change (not the record).
    pub id: Uuid,
    pub kind: String,
    /// The record as it now stands; `data.id` identifies it.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}

/// Most mutations one push may carry.
pub const MAX_PUSH_MUTATIONS: usize = 500;

/// `POST /api/v1/sync/push`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    pub device_id: Uuid,
    pub mutations: Vec<Mutation>,
}

/// What became of one pushed mutation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PushStatus {
    /// Written now.
    Applied,
    /// Seen before with the same content: nothing written again.
    Duplicate,
    /// Seen before with other content: kept for review, nothing overwritten.
    Conflict,
    /// Not written; `error` says why. The rest of the batch still applies.
    Rejected,
}

/// One result per pushed mutation, in the order sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResult {
    pub id: Uuid,
    pub status: PushStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Answer to `POST /api/v1/sync/push`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    pub results: Vec<PushResult>,
}

/// What a change is, in words ("Answer to S1.8", "Inspection finished").
pub fn describe_change(kind: &str, data: &serde_json::Value) -> String {
    let text = |k: &str| data[k].as_str().unwrap_or_default().to_owned();
    match kind {
        kind::INSPECTION_UPSERT if text("status") == "submitted" => {
            "Inspection finished".to_owned()
        }
        kind::INSPECTION_UPSERT => "Inspection started".to_owned(),
        kind::FINDING_RECORD => format!("Answer to {}", text("item_code")),
        kind::INTERVIEW_RECORD => "Interview note".to_owned(),
        kind::SELF_ASSESSMENT_RECORD => format!("Self-assessment of {}", text("item_code")),
        kind::PEER_REVIEW_RECORD => format!("Peer review of {}", text("item_code")),
        kind::EVIDENCE_REPLY => "Reply to the buddy trust".to_owned(),
        other => other.to_owned(),
    }
}

/// `GET /api/v1/sync/pull?since=<cursor>`: what a user's devices keep for offline use.
///
/// The cursor names one state of the templates and units. Asked with the current cursor,
/// those come back empty (nothing changed); otherwise they come back whole, so a device simply
/// replaces its copies and removals need no special handling. `open_inspections` is always
/// whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    pub cursor: String,
    pub templates: Vec<crate::template::ChecklistTemplate>,
    pub units: Vec<crate::api::UnitInfo>,
    /// The buddy trust's open doubts about the user's evidence (challenged or insufficient),
    /// whatever the cursor: a device shows each where the user works.
    #[serde(default)]
    pub comments: Vec<crate::review::EvidenceComment>,
    /// Photos a trust admin removed (they caught a patient or a record by mistake), newest
    /// first, whatever the cursor: a device deletes any copy it holds.
    #[serde(default)]
    pub removed_photo_ids: Vec<uuid::Uuid>,
    /// Findings, interviews and replies whose note a trust admin redacted, newest first,
    /// whatever the cursor: a device blanks the note of any copy it holds.
    #[serde(default)]
    pub redacted_note_ids: Vec<uuid::Uuid>,
    /// The user's open inspections the server holds, oldest first, whatever the cursor: a
    /// device fetches any it lacks (one handed over to them) with
    /// `GET /api/v1/inspections/{id}`, and lets go of one it holds with nothing waiting that is
    /// no longer listed and that the server holds as someone else's (handed over).
    #[serde(default)]
    pub open_inspections: Vec<uuid::Uuid>,
}

impl PullResponse {
    /// Whether this answer says nothing changed since `since`.
    pub fn unchanged_since(&self, since: Option<&str>) -> bool {
        since == Some(self.cursor.as_str())
    }
}

/// Kind names of the mutations.
pub mod kind {
    pub const INSPECTION_UPSERT: &str = "inspection.upsert";
    pub const FINDING_RECORD: &str = "finding.record";
    pub const INTERVIEW_RECORD: &str = "interview.record";
    pub const SELF_ASSESSMENT_RECORD: &str = "self_assessment.record";
    pub const PEER_REVIEW_RECORD: &str = "peer_review.record";
    /// A reply to a reviewer's doubt about a finding ([`crate::review::ReplyData`]).
    pub const EVIDENCE_REPLY: &str = "evidence.reply";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_described_in_words() {
        let finding = serde_json::json!({"item_code": "S1.8"});
        assert_eq!(
            describe_change("finding.record", &finding),
            "Answer to S1.8"
        );
        let done = serde_json::json!({"status": "submitted"});
        assert_eq!(
            describe_change("inspection.upsert", &done),
            "Inspection finished"
        );
        assert_eq!(describe_change("photo.teleport", &done), "photo.teleport");
    }
}
