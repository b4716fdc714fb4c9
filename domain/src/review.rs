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
    /// The submitter's replies, oldest first: one after the newest verdict puts the item back
    /// in the queue.
    #[serde(default)]
    pub replies: Vec<ReplyView>,
    /// Why readiness questions the ward's cell this evidence counts in (its KLOE's flags that
    /// warn: sources disagree, stale, thin...), so a reviewer looks where a score is doubtful
    /// first. Empty when nothing is flagged.
    #[serde(default)]
    pub flags: Vec<String>,
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
    /// A random sample of this size instead of the usual order (what waits first, evidence
    /// of flagged readiness cells first among it, then the oldest).
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
    /// The user's replies about the finding so far, oldest first.
    #[serde(default)]
    pub replies: Vec<ReplyView>,
}

/// Most comments a pull carries.
pub const MAX_COMMENTS: usize = 500;

impl QueueItem {
    /// Whether the item waits for a reviewer's look: never reviewed, or replied to since the
    /// newest verdict.
    pub fn waiting(&self) -> bool {
        self.status == Verdict::Unreviewed || self.replied()
    }

    /// Whether the submitter replied after the newest verdict.
    pub fn replied(&self) -> bool {
        let last_verdict = self.verdicts.iter().map(|v| v.at).max();
        let last_reply = self.replies.iter().map(|r| r.at).max();
        last_reply.is_some() && last_reply > last_verdict
    }
}

/// A reply to a reviewer's doubt, pushed as `evidence.reply`: its own record, linked to the
/// finding, which itself never changes. Sent once; a second thought is another reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyData {
    pub id: Uuid,
    /// The finding replied about.
    pub record_id: Uuid,
    /// The finding's inspection.
    pub inspection_id: Uuid,
    /// What the submitter answers, or what the new evidence shows.
    #[serde(default)]
    pub note: String,
    /// New photos (uploaded like any other, `PUT /api/v1/photos/{id}`).
    #[serde(default)]
    pub photo_ids: Vec<Uuid>,
    pub written_at: DateTime<Utc>,
}

/// Most photos one reply may name.
pub const MAX_PHOTOS_PER_REPLY: usize = 10;

impl ReplyData {
    /// Why the reply cannot be sent as it is, in words for the person writing it.
    pub fn problem(&self) -> Option<String> {
        if self.note.trim().is_empty() && self.photo_ids.is_empty() {
            return Some("Write a reply or add a photo".to_owned());
        }
        if self.note.chars().count() > MAX_COMMENT_CHARS {
            return Some(format!("Keep the reply to {MAX_COMMENT_CHARS} characters"));
        }
        if self.photo_ids.len() > MAX_PHOTOS_PER_REPLY {
            return Some(format!(
                "A reply may carry at most {MAX_PHOTOS_PER_REPLY} photos"
            ));
        }
        None
    }
}

/// A reply as the reviewer and the submitter read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyView {
    pub id: Uuid,
    pub note: String,
    pub photo_ids: Vec<Uuid>,
    pub by: String,
    /// When the server received it: replies and verdicts are ordered by the server's clock.
    pub at: DateTime<Utc>,
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

    fn view(minute: u32) -> (DateTime<Utc>, String) {
        let at =
            DateTime::from_timestamp(1_780_000_000 + i64::from(minute) * 60, 0).unwrap_or_default();
        (at, format!("at {minute}"))
    }

    fn challenged_item(verdict_minutes: &[u32], reply_minutes: &[u32]) -> QueueItem {
        QueueItem {
            id: Uuid::nil(),
            unit_id: None,
            unit_name: String::new(),
            source: Source::MiniInspection,
            item_code: "S1.1".into(),
            on: NaiveDate::default(),
            status: Verdict::Challenged,
            body: EvidenceBody::Finding {
                inspection_id: Uuid::nil(),
                prompt: "S1.1".into(),
                prompt_text: String::new(),
                response: Response::Met,
                note: String::new(),
                photo_ids: Vec::new(),
            },
            verdicts: verdict_minutes
                .iter()
                .map(|m| {
                    let (at, comment) = view(*m);
                    VerdictView {
                        id: Uuid::nil(),
                        status: Verdict::Challenged,
                        comment,
                        by: "Reviewer".into(),
                        at,
                    }
                })
                .collect(),
            replies: reply_minutes
                .iter()
                .map(|m| {
                    let (at, note) = view(*m);
                    ReplyView {
                        id: Uuid::nil(),
                        note,
                        photo_ids: Vec::new(),
                        by: "Inspector".into(),
                        at,
                    }
                })
                .collect(),
            flags: Vec::new(),
        }
    }

    #[test]
    fn a_reply_after_the_newest_verdict_puts_the_item_back_in_the_queue() {
        assert!(!challenged_item(&[1], &[]).waiting());
        assert!(challenged_item(&[1], &[2]).waiting());
        assert!(
            !challenged_item(&[1, 3], &[2]).waiting(),
            "answered by a later verdict"
        );
        assert!(challenged_item(&[1, 3], &[2, 4]).replied());
    }

    #[test]
    fn a_reply_needs_words_or_a_photo_within_limits() {
        let mut reply = ReplyData {
            id: Uuid::nil(),
            record_id: Uuid::nil(),
            inspection_id: Uuid::nil(),
            note: "  ".into(),
            photo_ids: Vec::new(),
            written_at: DateTime::default(),
        };
        assert!(reply.problem().is_some());
        reply.photo_ids.push(Uuid::nil());
        assert_eq!(reply.problem(), None);
        reply.note = "x".repeat(MAX_COMMENT_CHARS + 1);
        assert!(reply.problem().is_some());
        reply.note = "The new photo shows the checked trolley".into();
        reply.photo_ids = vec![Uuid::nil(); MAX_PHOTOS_PER_REPLY + 1];
        assert!(reply.problem().is_some());
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
