//! The audit trail as an admin reads it: a period's entries, newest first, and whether the
//! trust's whole chain still verifies. The chain itself is kept and checked by the server.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One entry of the trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryView {
    /// Its place in the trust's chain.
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// Who made the change ("Name (email)"), `None` for the system.
    pub actor: Option<String>,
    /// What happened, as a stable code (`grant.add`).
    pub action: String,
    pub subject_id: Option<Uuid>,
    /// Before and after as JSON; `None` once redacted.
    pub content: Option<String>,
    pub hash: String,
}

/// A period of the trail and the state of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Newest first, at most [`AUDIT_PAGE_LIMIT`]; the CSV holds them all.
    pub entries: Vec<AuditEntryView>,
    /// Entries in the period, listed or not.
    pub total: usize,
    /// Whether the trust's whole chain verifies, in a sentence either way.
    pub intact: bool,
    pub verdict: String,
}

/// The most entries a page lists.
pub const AUDIT_PAGE_LIMIT: usize = 500;

/// What an action code means, in words.
pub fn action_words(action: &str) -> &str {
    match action {
        "sign_in" => "Signed in",
        "sign_in.failed" => "Sign-in refused",
        "sign_out" => "Signed out",
        "user.password_change" => "Changed their password",
        "session.end" => "Ended a session",
        "site.add" => "Added a site",
        "core_service.add" => "Added a core service",
        "ward.add" => "Added a ward",
        "user.add" => "Added a user",
        "user.update" => "Changed a user",
        "user.password_reset" => "Reset a password",
        "grant.add" => "Gave buddy access",
        "grant.end" => "Ended buddy access",
        "notice.record" => "Recorded an enforcement notice",
        "notice.lift" => "Lifted an enforcement notice",
        "published_rating.record" => "Recorded a published CQC rating",
        "template.save" => "Saved a checklist",
        "template.archive" => "Withdrew a checklist",
        "sync.push" => "Synced changes",
        other => other,
    }
}
