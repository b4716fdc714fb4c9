//! What devices send to `POST /api/v1/sync/push`: mutations, each naming the record it changes.
//!
//! The device makes every id (UUID v7), so re-sending a mutation is harmless: the server tells a
//! repeat by its id.

use chrono::{DateTime, Utc};
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

/// A finding as the server holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingView {
    pub id: Uuid,
    pub item_code: String,
    pub response: Option<Response>,
    pub note: String,
    pub photo_ids: Vec<Uuid>,
    pub observed_at: DateTime<Utc>,
}

/// A photo a finding names, and whether the server holds it yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoHeld {
    pub id: Uuid,
    pub held: bool,
}

/// A change kept for review: the same mutation id arrived again with other content. Nothing
/// was overwritten; a trust admin compares the two and decides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictView {
    /// Identifies the conflict for resolving it.
    pub seq: i64,
    pub mutation_id: Uuid,
    pub kind: String,
    /// What the mutation id applied first (absent if that record is gone).
    pub applied: Option<serde_json::Value>,
    pub applied_by: Option<String>,
    pub applied_at: Option<DateTime<Utc>>,
    /// What arrived again under the same id, kept but not applied.
    pub kept: serde_json::Value,
    pub kept_by: String,
    pub kept_at: DateTime<Utc>,
}

/// How a trust admin resolves a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Keep what was applied first; the kept version is set aside.
    KeepApplied,
    /// Apply the version sent again, as a new change (the first stays in the history).
    ApplyKept,
}

impl Resolution {
    /// The stable code, as stored and as forms send it.
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::KeepApplied => "keep_applied",
            Resolution::ApplyKept => "apply_kept",
        }
    }

    /// Reads a code back.
    pub fn parse(code: &str) -> Option<Resolution> {
        [Resolution::KeepApplied, Resolution::ApplyKept]
            .into_iter()
            .find(|r| r.as_str() == code)
    }
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
        other => other.to_owned(),
    }
}

/// `PUT /api/v1/photos/{id}` answers 201 (new) or 200 (the same bytes again) with this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoReceipt {
    pub id: Uuid,
    /// Lower-case hex SHA-256 of the bytes received: a device deletes its copy only when this
    /// matches the hash of what it sent.
    pub sha256: String,
    /// Of the picture as the server keeps it (orientation applied, long side at most 2048 px).
    pub width: u32,
    pub height: u32,
}

/// `GET /api/v1/sync/pull?since=<cursor>`: what a user's devices keep for offline use.
///
/// The cursor names one state of these lists. Asked with the current cursor, the lists come
/// back empty (nothing changed); otherwise they come back whole, so a device simply replaces
/// its copies and removals need no special handling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    pub cursor: String,
    pub templates: Vec<crate::template::ChecklistTemplate>,
    pub units: Vec<crate::api::UnitInfo>,
    /// Reviewer comments on evidence (empty until evidence review exists).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub comments: Vec<serde_json::Value>,
}

impl PullResponse {
    /// Whether this answer says nothing changed since `since`.
    pub fn unchanged_since(&self, since: Option<&str>) -> bool {
        since == Some(self.cursor.as_str())
    }
}

/// The request header that carries the SHA-256 of a photo's bytes.
pub const PHOTO_SHA_HEADER: &str = "x-content-sha256";

/// `GET /api/v1/inspections/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionView {
    pub id: Uuid,
    pub unit_id: Uuid,
    /// Who ran it.
    pub user_id: Uuid,
    pub framework_id: String,
    pub template_id: Option<Uuid>,
    pub template_version: Option<i32>,
    pub started_at: DateTime<Utc>,
    pub status: InspectionStatus,
    pub findings: Vec<FindingView>,
    pub interviews: Vec<InterviewData>,
    /// Every photo the findings name, and whether the server holds it yet.
    pub photos: Vec<PhotoHeld>,
}

/// Whether an inspection can still change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InspectionStatus {
    InProgress,
    Submitted,
}

/// `inspection.upsert`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionData {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub framework_id: String,
    pub template_id: Option<Uuid>,
    pub template_version: Option<i32>,
    pub started_at: DateTime<Utc>,
    pub status: InspectionStatus,
}

/// An inspector's answer to a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Response {
    Met,
    PartiallyMet,
    NotMet,
    NotApplicable,
}

impl Response {
    /// Every answer, in the order the form offers them.
    pub const ALL: [Response; 4] = [
        Response::Met,
        Response::PartiallyMet,
        Response::NotMet,
        Response::NotApplicable,
    ];

    /// The words on the radio button.
    pub fn label(self) -> &'static str {
        match self {
            Response::Met => "Met",
            Response::PartiallyMet => "Partially met",
            Response::NotMet => "Not met",
            Response::NotApplicable => "Not applicable",
        }
    }

    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Response::Met => "met",
            Response::PartiallyMet => "partially_met",
            Response::NotMet => "not_met",
            Response::NotApplicable => "not_applicable",
        }
    }
}

/// `finding.record`: the current answer and note for one prompt of an inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingData {
    pub id: Uuid,
    pub inspection_id: Uuid,
    pub item_code: String,
    pub response: Option<Response>,
    pub note: String,
    pub photo_ids: Vec<Uuid>,
    pub observed_at: DateTime<Utc>,
}

/// Who an interview was with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Interviewee {
    Staff,
    Patient,
    Relative,
}

impl Interviewee {
    /// Every kind of interviewee, in the order the form offers them.
    pub const ALL: [Interviewee; 3] = [
        Interviewee::Staff,
        Interviewee::Patient,
        Interviewee::Relative,
    ];

    /// The words on the radio button.
    pub fn label(self) -> &'static str {
        match self {
            Interviewee::Staff => "Staff member",
            Interviewee::Patient => "Patient",
            Interviewee::Relative => "Relative or carer",
        }
    }

    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Interviewee::Staff => "staff",
            Interviewee::Patient => "patient",
            Interviewee::Relative => "relative",
        }
    }
}

/// `interview.record`: notes of a conversation, tagged to the KLOEs it informs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InterviewData {
    pub id: Uuid,
    pub inspection_id: Uuid,
    pub interviewee: Interviewee,
    pub item_codes: Vec<String>,
    pub note: String,
    pub observed_at: DateTime<Utc>,
}

/// Kind names of the mutations.
pub mod kind {
    pub const INSPECTION_UPSERT: &str = "inspection.upsert";
    pub const FINDING_RECORD: &str = "finding.record";
    pub const INTERVIEW_RECORD: &str = "interview.record";
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

    #[test]
    fn resolutions_read_back_their_codes() {
        for r in [Resolution::KeepApplied, Resolution::ApplyKept] {
            assert_eq!(Resolution::parse(r.as_str()), Some(r));
        }
        assert_eq!(Resolution::parse("both"), None);
    }

    #[test]
    fn responses_serialise_as_the_interface_codes() {
        for r in Response::ALL {
            let json = serde_json::to_string(&r).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
        }
        let status = serde_json::to_string(&InspectionStatus::InProgress).unwrap_or_default();
        assert_eq!(status, "\"in_progress\"");
    }
}
