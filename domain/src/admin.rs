//! What a trust admin sees and changes on the "Manage trust" pages.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::UnitInfo;
use crate::role::Role;

/// A site of the admin's trust.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteView {
    pub id: Uuid,
    pub name: String,
}

/// A core service and the site it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoreServiceView {
    pub id: Uuid,
    pub site_id: Uuid,
    pub site_name: String,
    pub name: String,
}

/// A user of the admin's trust (never their password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserView {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// Still on a one-time password.
    pub must_change_password: bool,
}

/// Access the admin's trust gave a reviewer of another trust.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrantView {
    pub id: Uuid,
    pub reviewer_name: String,
    pub reviewer_email: String,
    pub reviewer_trust: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// True when today falls within the grant.
    pub current: bool,
}

/// A session someone of the trust holds: a browser (a tablet or a computer) or a device
/// signed in through the API, with when it was last used, so an admin can end one (a lost
/// tablet) without ending the person's other sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    /// The session's stored id (a hash of its token, never the token).
    pub id: String,
    pub user_name: String,
    pub user_email: String,
    /// A browser session (cookie) rather than a device or script's token.
    pub browser: bool,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
}

/// An inspection of the trust still open, so an admin can hand it to the next shift when its
/// owner cannot (off sick, left the ward).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenInspectionView {
    pub id: Uuid,
    pub unit_name: String,
    pub owner_id: Uuid,
    pub owner_name: String,
    pub started_at: chrono::DateTime<chrono::Utc>,
}

/// An inspection finished lately, as an admin sees it to reopen one finished by mistake.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinishedInspectionView {
    pub id: Uuid,
    pub unit_name: String,
    pub owner_name: String,
    pub finished_at: chrono::DateTime<chrono::Utc>,
}

/// How far back the admin's list of finished inspections goes, and how many it shows.
pub const FINISHED_LISTED_DAYS: i64 = 30;
/// See [`FINISHED_LISTED_DAYS`].
pub const FINISHED_LISTED_MAX: i64 = 50;

/// `POST /api/v1/inspections/{id}/reopen`: a trust admin reopens an inspection finished by
/// mistake; its owner's devices show it open again after their next pull.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReopenRequest {
    /// Why, for the audit trail.
    pub reason: String,
}

/// An enforcement notice recorded against a core service's key question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoticeView {
    pub id: Uuid,
    pub core_service_name: String,
    pub site_name: String,
    pub key_question: String,
    pub enforcement: crate::principles::Enforcement,
    pub recorded_on: NaiveDate,
    pub lifted_on: Option<NaiveDate>,
}

/// A published CQC rating of a core service's key question (or overall).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedView {
    pub core_service_name: String,
    pub site_name: String,
    pub key_question: String,
    pub rating: crate::rating::Rating,
    pub report_date: NaiveDate,
}

/// Everything on the "Manage trust" page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrustOverview {
    pub trust_name: String,
    pub sites: Vec<SiteView>,
    pub core_services: Vec<CoreServiceView>,
    pub units: Vec<UnitInfo>,
    pub users: Vec<UserView>,
    pub grants: Vec<GrantView>,
    /// Who is signed in where, most recently used first.
    pub sessions: Vec<SessionView>,
    /// Open inspections, oldest first.
    pub open_inspections: Vec<OpenInspectionView>,
    /// Inspections the trust's own staff finished lately, newest first: one finished by
    /// mistake can be reopened.
    #[serde(default)]
    pub finished_inspections: Vec<FinishedInspectionView>,
    /// The key questions notices and published ratings are recorded against, in order:
    /// (code, title), from the framework.
    #[serde(default)]
    pub key_questions: Vec<(String, String)>,
    /// Enforcement notices, lifted ones too, oldest first.
    #[serde(default)]
    pub notices: Vec<NoticeView>,
    /// Published CQC ratings, newest report first.
    #[serde(default)]
    pub published: Vec<PublishedView>,
    /// How long the trust keeps evidence, photos and the audit trail.
    #[serde(default)]
    pub retention: crate::retention::RetentionView,
}

/// The result of creating a user or resetting a password: shown once to the admin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneTimePassword {
    pub email: String,
    pub password: String,
}

/// A change a trust admin asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AdminCommand {
    AddSite {
        name: String,
    },
    AddCoreService {
        site_id: Uuid,
        name: String,
    },
    AddUnit {
        core_service_id: Uuid,
        name: String,
        ward_type: String,
    },
    AddUser {
        email: String,
        name: String,
        role: Role,
    },
    ResetPassword {
        user_id: Uuid,
    },
    UpdateUser {
        user_id: Uuid,
        role: Role,
        active: bool,
    },
    AddGrant {
        reviewer_email: String,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
    },
    EndGrant {
        grant_id: Uuid,
    },
    /// Moves a grant's last day (to extend it).
    ExtendGrant {
        grant_id: Uuid,
        ends_on: NaiveDate,
    },
    /// Ends one session of someone of the trust (a lost tablet): its token dies at once.
    EndSession {
        session_id: String,
    },
    /// Hands an open inspection to another inspector of the trust.
    HandOver {
        inspection_id: Uuid,
        to_user_id: Uuid,
    },
    /// Reopens an inspection finished by mistake.
    Reopen {
        inspection_id: Uuid,
        reason: String,
    },
    /// Records an enforcement notice against a core service's key question.
    RecordNotice {
        core_service_id: Uuid,
        key_question: String,
        enforcement: crate::principles::Enforcement,
    },
    /// Lifts a notice from today.
    LiftNotice {
        notice_id: Uuid,
    },
    /// Records the CQC's published rating of a core service's key question (or `overall`).
    RecordPublished {
        core_service_id: Uuid,
        key_question: String,
        rating: crate::rating::Rating,
        report_date: NaiveDate,
    },
    /// Pairs two inspectors to inspect one ward with one checklist, for calibration.
    PairInspectors(crate::calibration::view::PairRequest),
    /// Sets how long the trust keeps evidence, photos and the audit trail.
    SetRetention(crate::retention::Retention),
}
