//! Server functions of the "Manage trust" page. Form fields arrive as text and are parsed here
//! so a blank or mangled field gets a sentence, not a decoding error.

use domain::admin::{OneTimePassword, TrustOverview};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use domain::admin::AdminCommand;
#[cfg(feature = "ssr")]
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::backend::{backend, require_caller, to_server_error};

#[cfg(feature = "ssr")]
pub(crate) async fn run(command: AdminCommand) -> Result<Option<OneTimePassword>, ServerFnError> {
    let caller = require_caller()?;
    backend()?
        .administer(&caller, command)
        .await
        .map_err(to_server_error)
}

/// A 422 with a sentence for the form.
#[cfg(feature = "ssr")]
pub(crate) fn unprocessable(message: String) -> ServerFnError {
    to_server_error(domain::api::ErrorBody {
        error: domain::api::ErrorCode::Unprocessable.as_str().to_owned(),
        message,
    })
}

#[cfg(feature = "ssr")]
pub(crate) fn parse_id(value: &str, what: &str) -> Result<Uuid, ServerFnError> {
    Uuid::parse_str(value.trim()).map_err(|_| unprocessable(format!("Choose a {what}")))
}

#[cfg(feature = "ssr")]
fn parse_role(value: &str) -> Result<domain::Role, ServerFnError> {
    domain::Role::parse(value).ok_or_else(|| unprocessable("Choose a role".to_owned()))
}

#[cfg(feature = "ssr")]
pub(crate) fn parse_date(value: &str, what: &str) -> Result<chrono::NaiveDate, ServerFnError> {
    chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| unprocessable(format!("Enter the {what} as a real date")))
}

/// The admin's view of their trust.
#[server(prefix = "/fn", endpoint = "trust_overview")]
pub async fn get_trust_overview() -> Result<TrustOverview, ServerFnError> {
    let caller = require_caller()?;
    backend()?
        .trust_overview(&caller)
        .await
        .map_err(to_server_error)
}

/// Adds a site.
#[server(prefix = "/fn", endpoint = "admin_add_site")]
pub async fn admin_add_site(name: String) -> Result<(), ServerFnError> {
    crate::backend::require_admin()?;
    run(AdminCommand::AddSite { name }).await.map(|_| ())
}

/// Adds a core service to a site.
#[server(prefix = "/fn", endpoint = "admin_add_core_service")]
pub async fn admin_add_core_service(site_id: String, name: String) -> Result<(), ServerFnError> {
    crate::backend::require_admin()?;
    let site_id = parse_id(&site_id, "site")?;
    run(AdminCommand::AddCoreService { site_id, name })
        .await
        .map(|_| ())
}

/// Adds a ward to a core service.
#[server(prefix = "/fn", endpoint = "admin_add_unit")]
pub async fn admin_add_unit(
    core_service_id: String,
    name: String,
    ward_type: String,
) -> Result<(), ServerFnError> {
    crate::backend::require_admin()?;
    let core_service_id = parse_id(&core_service_id, "core service")?;
    run(AdminCommand::AddUnit {
        core_service_id,
        name,
        ward_type,
    })
    .await
    .map(|_| ())
}

/// Creates a user; their one-time password comes back once.
#[server(prefix = "/fn", endpoint = "admin_add_user")]
pub async fn admin_add_user(
    name: String,
    email: String,
    role: String,
) -> Result<Option<OneTimePassword>, ServerFnError> {
    crate::backend::require_admin()?;
    let role = parse_role(&role)?;
    run(AdminCommand::AddUser { email, name, role }).await
}

/// Gives a user a new one-time password.
#[server(prefix = "/fn", endpoint = "admin_reset_password")]
pub async fn admin_reset_password(
    user_id: String,
) -> Result<Option<OneTimePassword>, ServerFnError> {
    crate::backend::require_admin()?;
    let user_id = parse_id(&user_id, "user")?;
    run(AdminCommand::ResetPassword { user_id }).await
}

/// Changes a user's role, or whether they may sign in (`active` is a checkbox: absent = off).
#[server(prefix = "/fn", endpoint = "admin_update_user")]
pub async fn admin_update_user(
    user_id: String,
    role: String,
    active: Option<String>,
) -> Result<(), ServerFnError> {
    crate::backend::require_admin()?;
    let user_id = parse_id(&user_id, "user")?;
    let role = parse_role(&role)?;
    run(AdminCommand::UpdateUser {
        user_id,
        role,
        active: active.is_some(),
    })
    .await
    .map(|_| ())
}

/// Gives a buddy reviewer of another trust access between two dates.
#[server(prefix = "/fn", endpoint = "admin_add_grant")]
pub async fn admin_add_grant(
    reviewer_email: String,
    starts_on: String,
    ends_on: String,
) -> Result<(), ServerFnError> {
    crate::backend::require_admin()?;
    let starts_on = parse_date(&starts_on, "start date")?;
    let ends_on = parse_date(&ends_on, "end date")?;
    run(AdminCommand::AddGrant {
        reviewer_email,
        starts_on,
        ends_on,
    })
    .await
    .map(|_| ())
}

/// Moves a buddy grant's last day.
#[server(prefix = "/fn", endpoint = "admin_extend_grant")]
pub async fn admin_extend_grant(grant_id: String, ends_on: String) -> Result<(), ServerFnError> {
    crate::backend::require_admin()?;
    let grant_id = parse_id(&grant_id, "grant")?;
    let ends_on = parse_date(&ends_on, "new end date")?;
    run(AdminCommand::ExtendGrant { grant_id, ends_on })
        .await
        .map(|_| ())
}

/// The caller's own grants of access to other trusts (buddy reviewers).
#[server(prefix = "/fn", endpoint = "my_access")]
pub async fn my_access() -> Result<Vec<domain::grant::AccessView>, ServerFnError> {
    let caller = require_caller()?;
    backend()?.my_access(&caller).await.map_err(to_server_error)
}

/// Ends one session of someone of the trust (a lost tablet).
#[server(prefix = "/fn", endpoint = "admin_end_session")]
pub async fn admin_end_session(session_id: String) -> Result<(), ServerFnError> {
    crate::backend::require_admin()?;
    run(AdminCommand::EndSession { session_id })
        .await
        .map(|_| ())
}

/// Hands an open inspection of the trust to another of its inspectors.
#[server(prefix = "/fn", endpoint = "admin_hand_over")]
pub async fn admin_hand_over(
    inspection_id: String,
    to_user_id: String,
) -> Result<(), ServerFnError> {
    crate::backend::require_admin()?;
    let inspection_id = parse_id(&inspection_id, "listed inspection")?;
    let to_user_id = parse_id(&to_user_id, "person to hand it to")?;
    run(AdminCommand::HandOver {
        inspection_id,
        to_user_id,
    })
    .await
    .map(|_| ())
}

/// Reopens an inspection finished by mistake, with the reason.
#[server(prefix = "/fn", endpoint = "admin_reopen")]
pub async fn admin_reopen(inspection_id: String, reason: String) -> Result<(), ServerFnError> {
    crate::backend::require_admin()?;
    let inspection_id = parse_id(&inspection_id, "listed inspection")?;
    run(AdminCommand::Reopen {
        inspection_id,
        reason,
    })
    .await
    .map(|_| ())
}

/// Ends a buddy grant now.
#[server(prefix = "/fn", endpoint = "admin_end_grant")]
pub async fn admin_end_grant(grant_id: String) -> Result<(), ServerFnError> {
    crate::backend::require_admin()?;
    let grant_id = parse_id(&grant_id, "grant")?;
    run(AdminCommand::EndGrant { grant_id }).await.map(|_| ())
}

/// Records an enforcement notice against a core service's key question.
#[server(prefix = "/fn", endpoint = "admin_record_notice")]
pub async fn admin_record_notice(
    core_service_id: String,
    key_question: String,
    enforcement: String,
) -> Result<(), ServerFnError> {
    crate::backend::require_admin()?;
    let core_service_id = parse_id(&core_service_id, "core service")?;
    let enforcement = domain::principles::Enforcement::from_code(&enforcement)
        .ok_or_else(|| unprocessable("Choose the kind of notice".to_owned()))?;
    run(AdminCommand::RecordNotice {
        core_service_id,
        key_question,
        enforcement,
    })
    .await
    .map(|_| ())
}

/// Lifts an enforcement notice from today.
#[server(prefix = "/fn", endpoint = "admin_lift_notice")]
pub async fn admin_lift_notice(notice_id: String) -> Result<(), ServerFnError> {
    crate::backend::require_admin()?;
    let notice_id = parse_id(&notice_id, "notice")?;
    run(AdminCommand::LiftNotice { notice_id })
        .await
        .map(|_| ())
}

/// Records the CQC's published rating of a core service's key question (or overall).
#[server(prefix = "/fn", endpoint = "admin_record_published")]
pub async fn admin_record_published(
    core_service_id: String,
    key_question: String,
    rating: String,
    report_date: String,
) -> Result<(), ServerFnError> {
    crate::backend::require_admin()?;
    let core_service_id = parse_id(&core_service_id, "core service")?;
    let rating = domain::rating::Rating::from_code(&rating)
        .filter(|r| *r != domain::rating::Rating::NotRated)
        .ok_or_else(|| unprocessable("Choose the published rating".to_owned()))?;
    let report_date = chrono::NaiveDate::parse_from_str(report_date.trim(), "%Y-%m-%d")
        .map_err(|_| unprocessable("Enter the date of the CQC's report".to_owned()))?;
    run(AdminCommand::RecordPublished {
        core_service_id,
        key_question,
        rating,
        report_date,
    })
    .await
    .map(|_| ())
}

/// Sets how long the trust keeps evidence, photos and the audit trail, in years.
#[server(prefix = "/fn", endpoint = "admin_set_retention")]
pub async fn admin_set_retention(
    evidence_years: String,
    photo_years: String,
    log_years: String,
) -> Result<(), ServerFnError> {
    crate::backend::require_admin()?;
    let years = |value: &str, what: &str| {
        value
            .trim()
            .parse::<u32>()
            .map_err(|_| unprocessable(format!("{what}: enter a whole number of years")))
    };
    run(AdminCommand::SetRetention(domain::retention::Retention {
        evidence_years: years(&evidence_years, "Evidence")?,
        photo_years: years(&photo_years, "Photos")?,
        log_years: years(&log_years, "The audit trail")?,
    }))
    .await
    .map(|_| ())
}
