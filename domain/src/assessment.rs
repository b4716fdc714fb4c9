//! Self-assessment and peer review: a rating of a ward (or of the trust, for a Well-led KLOE or
//! quality statement) on the CQC's four-point scale, with its justification and the date of the
//! evidence relied on. Devices push them like findings (`self_assessment.record`,
//! `peer_review.record`); the newest of a ward and item counts, earlier ones stay in history.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ItemCode;
use crate::rating::Rating;

/// Who gives the rating: the trust itself, or a buddy reviewer under a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AssessmentSource {
    SelfAssessment,
    PeerReview,
}

impl AssessmentSource {
    /// The stable code, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AssessmentSource::SelfAssessment => "self_assessment",
            AssessmentSource::PeerReview => "peer_review",
        }
    }

    /// Parses the stable code.
    pub fn from_code(code: &str) -> Option<AssessmentSource> {
        [
            AssessmentSource::SelfAssessment,
            AssessmentSource::PeerReview,
        ]
        .into_iter()
        .find(|s| s.as_str() == code)
    }

    /// The source a rating by someone of `role` counts as: their own trust's (`own_trust`)
    /// self-assessment by its inspectors and admins, another trust's peer review by a buddy
    /// reviewer; `None` for anyone else. The judge holds every push to this (a peer review
    /// also needs a grant covering the day); pages offer rating only where it gives a source.
    pub fn of_rater(role: crate::Role, own_trust: bool) -> Option<AssessmentSource> {
        match role {
            crate::Role::BuddyReviewer if !own_trust => Some(AssessmentSource::PeerReview),
            r if r.can_inspect() && own_trust => Some(AssessmentSource::SelfAssessment),
            _ => None,
        }
    }

    /// The push kind that carries it.
    pub fn kind(self) -> &'static str {
        match self {
            AssessmentSource::SelfAssessment => crate::sync::kind::SELF_ASSESSMENT_RECORD,
            AssessmentSource::PeerReview => crate::sync::kind::PEER_REVIEW_RECORD,
        }
    }
}

/// `self_assessment.record` / `peer_review.record`: one rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessmentData {
    pub id: Uuid,
    /// The ward rated; `None` for a trust-level rating of a Well-led item.
    pub unit_id: Option<Uuid>,
    /// Required when `unit_id` is `None`: the trust rated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_id: Option<Uuid>,
    /// A KLOE (`S1`) or quality statement (`QS-S1`).
    pub item_code: ItemCode,
    pub rating: Rating,
    pub justification: String,
    /// The date of the evidence relied on.
    pub evidence_date: NaiveDate,
}

/// Longest justification accepted, in characters.
pub const MAX_JUSTIFICATION_CHARS: usize = 20_000;
