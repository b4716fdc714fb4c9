//! The server-side interface the app's server functions call (compiled with `ssr` only).
//!
//! The server crate implements [`Backend`] over its storage and auth, and puts it in the Leptos
//! context together with the [`Caller`] its auth middleware resolved. Keeping this interface
//! narrow lets the REST API and the pages share one implementation of every rule.

use std::sync::Arc;

use async_trait::async_trait;
use domain::Catalogue;
use domain::admin::{AdminCommand, OneTimePassword, TrustOverview};
use domain::api::{ErrorBody, ErrorCode, UnitInfo, UserInfo};
use domain::caller::{Caller, RequestAuth};
use domain::conflict::{ConflictView, Resolution};
use domain::readiness::ward::{ReadinessQuery, ReadinessReport};
use domain::template::{ChecklistTemplate, TemplateDraft};
use leptos::prelude::*;
use uuid::Uuid;

/// A successful sign-in: who, and the `Set-Cookie` value that starts their browser session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: UserInfo,
    pub set_cookie: String,
}

/// Everything the pages need from the server.
#[async_trait]
pub trait Backend: Send + Sync + 'static {
    /// Checks a password (rate-limited) and opens a browser session.
    async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client_addr: Option<&str>,
    ) -> Result<SignedIn, ErrorBody>;
    /// Ends the session; returns the `Set-Cookie` value that clears the cookie.
    async fn sign_out(&self, caller: &Caller) -> Result<String, ErrorBody>;
    /// Replaces the caller's password after checking the current one (wrong ones count as
    /// failed sign-ins from `client_addr`).
    async fn change_password(
        &self,
        caller: &Caller,
        current: &str,
        new: &str,
        client_addr: Option<&str>,
    ) -> Result<(), ErrorBody>;
    /// Which of the offline sign-ins a device keeps may stay, and for how many days.
    async fn offline_sign_in(
        &self,
        caller: &Caller,
        held: &[domain::api::HeldAccount],
    ) -> Result<domain::api::OfflineSignIn, ErrorBody>;
    /// The units the caller may see, in tree order.
    async fn units(&self, caller: &Caller) -> Result<Vec<UnitInfo>, ErrorBody>;
    /// One unit the caller may see; `not_found` otherwise, so others' units do not leak.
    async fn unit(&self, caller: &Caller, id: Uuid) -> Result<UnitInfo, ErrorBody>;
    /// The admin's view of their trust.
    async fn trust_overview(&self, caller: &Caller) -> Result<TrustOverview, ErrorBody>;
    /// Carries out an admin's change; a new one-time password comes back when one was made.
    async fn administer(
        &self,
        caller: &Caller,
        command: AdminCommand,
    ) -> Result<Option<OneTimePassword>, ErrorBody>;
    /// The checklist templates the caller may use (newest versions).
    async fn templates(&self, caller: &Caller) -> Result<Vec<ChecklistTemplate>, ErrorBody>;
    /// Saves a template draft as a new template or the next version of one (admins only).
    async fn save_template(
        &self,
        caller: &Caller,
        draft: TemplateDraft,
    ) -> Result<ChecklistTemplate, ErrorBody>;
    /// Withdraws a template of the caller's trust (admins only).
    async fn archive_template(&self, caller: &Caller, id: Uuid) -> Result<(), ErrorBody>;
    /// Sync conflicts kept for review in the caller's trust (admins only).
    async fn conflicts(&self, caller: &Caller) -> Result<Vec<ConflictView>, ErrorBody>;
    /// Resolves one kept conflict of the caller's trust (admins only).
    async fn resolve_conflict(
        &self,
        caller: &Caller,
        seq: i64,
        resolution: Resolution,
    ) -> Result<(), ErrorBody>;
    /// Readiness of the wards the caller may see, rolled up, as at a day.
    async fn readiness(
        &self,
        caller: &Caller,
        query: &ReadinessQuery,
    ) -> Result<ReadinessReport, ErrorBody>;
    /// The findings and ratings behind one cell of a ward (`code`: a key question or
    /// `overall`) as at a day (today when `None`).
    async fn cell_evidence(
        &self,
        caller: &Caller,
        unit_id: Uuid,
        code: &str,
        as_of: Option<chrono::NaiveDate>,
        framework: Option<&str>,
    ) -> Result<domain::readiness::detail::CellEvidence, ErrorBody>;
    /// The caller's trust's audit trail for a period of days in England (admins only); the
    /// last 30 days to today when not given.
    async fn audit_log(
        &self,
        caller: &Caller,
        from: Option<chrono::NaiveDate>,
        to: Option<chrono::NaiveDate>,
    ) -> Result<domain::audit::AuditPage, ErrorBody>;
    /// A buddy reviewer's grants of access, latest ending first (empty for anyone else).
    async fn my_access(&self, caller: &Caller)
    -> Result<Vec<domain::grant::AccessView>, ErrorBody>;
    /// The caller's trust's calibration pairs and how far they agree (admins only).
    async fn calibration(
        &self,
        caller: &Caller,
    ) -> Result<domain::calibration::view::CalibrationOverview, ErrorBody>;
    /// A buddy reviewer's queue of the evidence they check.
    async fn review_queue(
        &self,
        caller: &Caller,
        filter: &domain::review::QueueFilter,
    ) -> Result<domain::review::Queue, ErrorBody>;
    /// A buddy reviewer's verdict on an item of evidence; the verdict's id.
    async fn give_verdict(
        &self,
        caller: &Caller,
        record_id: uuid::Uuid,
        request: &domain::review::VerdictRequest,
    ) -> Result<uuid::Uuid, ErrorBody>;
    /// Removes a photo of the caller's trust (trust admins), with the reason for the audit
    /// trail.
    async fn remove_photo(
        &self,
        caller: &Caller,
        photo_id: uuid::Uuid,
        request: &domain::photo::PhotoRemoval,
    ) -> Result<domain::photo::RemovedPhoto, ErrorBody>;
    /// Redacts the note of a finding, interview or reply of the caller's trust (trust admins),
    /// with the reason for the audit trail.
    async fn redact_note(
        &self,
        caller: &Caller,
        record_id: uuid::Uuid,
        request: &domain::redaction::NoteRedaction,
    ) -> Result<domain::redaction::RedactedNote, ErrorBody>;
    /// The framework catalogue loaded at start-up.
    fn catalogue(&self) -> &Catalogue;
}

/// The backend the server put in context.
pub fn backend() -> Result<Arc<dyn Backend>, ServerFnError> {
    use_context::<Arc<dyn Backend>>()
        .ok_or_else(|| ServerFnError::new("the server did not provide a backend"))
}

/// What the auth middleware resolved for this request.
pub fn request_auth() -> RequestAuth {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestAuth>().cloned())
        .unwrap_or_default()
}

/// The signed-in caller, whether or not they still hold a one-time password; 401 otherwise.
pub fn require_signed_in() -> Result<Caller, ServerFnError> {
    request_auth().caller.ok_or_else(|| {
        to_server_error(ErrorBody {
            error: ErrorCode::Unauthenticated.as_str().to_owned(),
            message: "Sign in to continue".to_owned(),
        })
    })
}

/// The signed-in caller who has chosen their own password: 401 when nobody is signed in, 403
/// while a one-time password is still in use.
pub fn require_caller() -> Result<Caller, ServerFnError> {
    let caller = require_signed_in()?;
    if caller.user.must_change_password {
        return Err(to_server_error(ErrorBody {
            error: ErrorCode::Forbidden.as_str().to_owned(),
            message: "Choose your own password first".to_owned(),
        }));
    }
    Ok(caller)
}

/// The signed-in caller if a trust admin: 401 signed out, 403 for any other role, before a
/// single field is read (a refusal never depends on what the form said).
pub fn require_admin() -> Result<Caller, ServerFnError> {
    let caller = require_caller()?;
    if !caller.user.role.can_administer() {
        return Err(to_server_error(ErrorBody {
            error: ErrorCode::Forbidden.as_str().to_owned(),
            message: "Only trust administrators can do this".to_owned(),
        }));
    }
    Ok(caller)
}

/// Turns an interface error into a server function error carrying its sentence, and gives the
/// response the status that goes with its code (a refused request is never a 500).
pub fn to_server_error(e: ErrorBody) -> ServerFnError {
    let status = ErrorCode::parse(&e.error).status();
    if let (Some(res), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        res.set_status(status);
    }
    ServerFnError::new(e.message)
}

/// Sets a response header from a server function.
pub fn set_header(name: http::HeaderName, value: &str) {
    if let (Some(res), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        res.append_header(name, value);
    }
}
