//! Evidence review by the buddy trust: the verdict a reviewer gives a finding or a rating, the
//! queue they work through, and the comments the submitter reads where they work.
//!
//! A verdict is its own record: the evidence itself never changes. The newest verdict of an
//! item is its status. What is reviewed today: findings of the trust's finished inspections.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::NamedRef;
use crate::inspection::Response;
use crate::readiness::Source;

/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 4000;

/// Most items a queue page lists.
pub const MAX_QUEUE: usize = 200;

/// Where an item of evidence stands with the buddy trust.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Nobody has reviewed it yet.
    #[default]
    Unreviewed,
    /// A reviewer checked it and it holds: it weighs more in readiness.
    Verified,
    /// A reviewer doubts it: left out of readiness until resolved.
    Challenged,
    /// Not enough to show what it claims: left out of readiness until resolved.
    Insufficient,
}

impl Verdict {
    /// Every status, in the order filters list them.
    pub const ALL: [Verdict; 4] = [
        Verdict::Unreviewed,
        Verdict::Verified,
        Verdict::Challenged,
        Verdict::Insufficient,
    ];

    /// The stable code stored and sent over the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Unreviewed => "unreviewed",
            Verdict::Verified => "verified",
            Verdict::Challenged => "challenged",
            Verdict::Insufficient => "insufficient",
        }
    }

    /// Parses the stable code; `None` for anything else.
    pub fn parse(code: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == code)
    }

    /// Plain English for screens.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Unreviewed => "Not reviewed",
            Verdict::Verified => "Verified",
            Verdict::Challenged => "Challenged",
            Verdict::Insufficient => "Insufficient",
        }
    }

    /// Whether readiness counts evidence with this verdict.
    pub fn counts(self) -> bool {
        matches!(self, Verdict::Unreviewed | Verdict::Verified)
    }

    /// Whether giving it needs a comment saying why.
    pub fn needs_comment(self) -> bool {
        matches!(self, Verdict::Challenged | Verdict::Insufficient)
    }
}

/// A verdict as a reviewer gives it (`POST /api/v1/evidence/{id}/verdicts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerdictRequest {
    /// `verified`, `challenged` or `insufficient`.
    pub status: Verdict,
    /// Required for `challenged` and `insufficient`.
    #[serde(default)]
    pub comment: String,
}

/// What an item of evidence is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EvidenceBody {
    /// A finding of a finished inspection.
    Finding {
        inspection_id: Uuid,
        prompt: String,
        prompt_text: String,
        response: Response,
        note: String,
        photo_ids: Vec<Uuid>,
    },
}

/// A verdict given, as listed with its item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerdictView {
    pub id: Uuid,
    pub status: Verdict,
    pub comment: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// One item of the queue, with its verdicts so far (oldest first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueItem {
    /// The finding's id.
    pub id: Uuid,
    pub unit_id: Option<Uuid>,
    pub unit_name: String,
    pub source: Source,
    /// The KLOE or quality statement it counts for.
    pub item_code: String,
    pub on: NaiveDate,
    pub status: Verdict,
    pub body: EvidenceBody,
    pub verdicts: Vec<VerdictView>,
}

/// The queue a reviewer works through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Queue {
    pub items: Vec<QueueItem>,
    /// Items matching the filters beyond those listed.
    pub more: usize,
    /// The trust under review.
    pub trust: NamedRef,
    /// Its wards, for the ward filter.
    pub wards: Vec<NamedRef>,
}

/// The queue's filters (`GET /api/v1/review/queue`), all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct QueueFilter {
    /// The trust under review; defaults to the only one the reviewer holds a grant for.
    pub trust_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    /// A KLOE or quality statement code.
    pub item_code: Option<String>,
    /// `unreviewed` lists what waits for a look.
    pub status: Option<Verdict>,
    /// `mini_inspection` (the only source reviewed today).
    pub source: Option<Source>,
    /// A random sample of this size instead of the oldest first.
    pub sample: Option<usize>,
}

/// A reviewer's doubt about a finding of the user's inspections, as `GET /api/v1/sync/pull`
/// carries it (`comments`, always whole): the newest verdict of each that is challenged or
/// insufficient, oldest first. Resolved (verified) findings drop out of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceComment {
    /// The verdict's id.
    pub id: Uuid,
    /// The finding it is about.
    pub record_id: Uuid,
    pub inspection_id: Uuid,
    /// The prompt answered.
    pub item_code: String,
    /// The ward.
    pub unit_name: String,
    /// What the submitter wrote with the finding.
    pub note: String,
    pub status: Verdict,
    pub comment: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Most comments a pull carries.
pub const MAX_COMMENTS: usize = 500;

impl QueueItem {
    /// Whether the item waits for a reviewer's look.
    pub fn waiting(&self) -> bool {
        self.status == Verdict::Unreviewed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for v in Verdict::ALL {
            assert_eq!(Verdict::parse(v.as_str()), Some(v));
            let json = serde_json::to_string(&v).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", v.as_str()));
        }
        assert_eq!(Verdict::parse("approved"), None);
    }

    #[test]
    fn only_doubt_needs_a_comment_and_only_doubt_leaves_evidence_out() {
        assert!(!Verdict::Verified.needs_comment() && Verdict::Verified.counts());
        assert!(!Verdict::Unreviewed.needs_comment() && Verdict::Unreviewed.counts());
        for v in [Verdict::Challenged, Verdict::Insufficient] {
            assert!(v.needs_comment() && !v.counts());
        }
    }
}
