//! Trust administration: sites, core services, wards, users and buddy grants.
//!
//! Every function checks the caller is a trust admin and touches only their own trust: ids
//! from another trust are `NotFound`, exactly like ids that do not exist. Every change is logged
//! at info with the acting admin (`user_id`) and their `trust_id`, and written to the audit
//! trail on the change's own transaction (before and after; never a password).

use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::Role;
use domain::admin::{
    CoreServiceView, FinishedInspectionView, GrantView, OneTimePassword, OpenInspectionView,
    SessionView, SiteView, TrustOverview, UserView,
};
use domain::caller::Caller;
use domain::org::WardType;
use uuid::Uuid;

use crate::access::require_admin;
use crate::audit;
use crate::auth::password;
use crate::auth::service::normalise_email;
use crate::error::ApiError;
use crate::store::prelude::*;
use crate::store::{CoreServiceRecord, GrantRecord, NewUnit, NewUser, SiteRecord, Store};

/// Writes the audit entry of an admin's change of the caller's trust on its transaction.
pub(crate) async fn audited(
    tx: &crate::store::Tx,
    caller: &Caller,
    now: DateTime<Utc>,
    action: &str,
    subject: Uuid,
    before: serde_json::Value,
    after: serde_json::Value,
) -> Result<(), ApiError> {
    audit::record(
        tx,
        caller.user.trust_id,
        now,
        Some(caller.user.id),
        action,
        Some(subject),
        before,
        after,
    )
    .await?;
    Ok(())
}

/// A trimmed, non-empty, reasonably short name, or a sentence saying what is wrong.
fn clean_name(what: &str, name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::Unprocessable(format!("Enter a {what} name")));
    }
    if name.chars().count() > 120 {
        return Err(ApiError::Unprocessable(format!(
            "Enter a {what} name of at most 120 characters"
        )));
    }
    Ok(name.to_owned())
}

fn clean_email(email: &str) -> Result<String, ApiError> {
    let email = normalise_email(email);
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.contains('@')
        });
    if valid {
        Ok(email)
    } else {
        Err(ApiError::Unprocessable(
            "Enter an email address in the correct format, like name@nhs.net".to_owned(),
        ))
    }
}

/// Everything the "Manage trust" page shows.
pub async fn overview(
    store: &Store,
    caller: &Caller,
    today: NaiveDate,
) -> Result<TrustOverview, ApiError> {
    require_admin(caller)?;
    let trust_id = caller.user.trust_id;
    let sites = store.sites_of_trust(trust_id).await?;
    let core_services = store
        .core_services_of_trust(trust_id)
        .await?
        .into_iter()
        .map(|cs| CoreServiceView {
            site_name: sites
                .iter()
                .find(|s| s.id == cs.site_id)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            id: cs.id,
            site_id: cs.site_id,
            name: cs.name,
        })
        .collect();
    let people = store.users_of_trust(trust_id).await?;
    let sessions = store
        .sessions_of_trust(trust_id)
        .await?
        .into_iter()
        .filter_map(|s| {
            let person = people.iter().find(|u| u.id == s.user_id)?;
            Some(SessionView {
                id: s.id,
                user_name: person.name.clone(),
                user_email: person.email.clone(),
                browser: s.kind != crate::auth::session::SessionKind::Device.as_str(),
                started_at: s.created_at,
                last_seen_at: s.last_seen_at,
            })
        })
        .collect();
    let units = store.units_of_trust(trust_id).await?;
    // Ward and person names for the inspection lists (a missing one shows blank).
    let unit_name = |id: Uuid| {
        let unit = units.iter().find(|u| u.id == id);
        unit.map(|u| u.name.clone()).unwrap_or_default()
    };
    let person_name = |id: Uuid| {
        let person = people.iter().find(|u| u.id == id);
        person.map(|u| u.name.clone()).unwrap_or_default()
    };
    let open_inspections = store
        .open_inspections_of_trust(trust_id)
        .await?
        .into_iter()
        .map(|(id, unit_id, owner_id, started_at)| OpenInspectionView {
            id,
            unit_name: unit_name(unit_id),
            owner_id,
            owner_name: person_name(owner_id),
            started_at,
        })
        .collect();
    let since = today.and_time(chrono::NaiveTime::MIN).and_utc()
        - chrono::Duration::days(domain::admin::FINISHED_LISTED_DAYS);
    let finished_inspections = store
        .finished_inspections_of_trust(trust_id, since, domain::admin::FINISHED_LISTED_MAX)
        .await?
        .into_iter()
        .map(
            |(id, unit_id, owner_id, finished_at)| FinishedInspectionView {
                id,
                unit_name: unit_name(unit_id),
                owner_name: person_name(owner_id),
                finished_at,
            },
        )
        .collect();
    let users = people
        .into_iter()
        .filter_map(|u| {
            Some(UserView {
                role: Role::parse(&u.role)?,
                id: u.id,
                email: u.email,
                name: u.name,
                active: u.active,
                must_change_password: u.must_change_password,
            })
        })
        .collect();
    let mut grants = Vec::new();
    for g in store.grants_of_trust(trust_id).await? {
        if let Some(reviewer) = store.user_by_id(g.reviewer_id).await? {
            grants.push(GrantView {
                id: g.id,
                reviewer_name: reviewer.name,
                reviewer_email: reviewer.email,
                reviewer_trust: reviewer.trust_name,
                starts_on: g.starts_on,
                ends_on: g.ends_on,
                current: g.starts_on <= today && today <= g.ends_on,
            });
        }
    }
    let (notices, published) = crate::enforcement::views(store, trust_id).await?;
    let retention = crate::retention::view(store, trust_id).await?;
    Ok(TrustOverview {
        key_questions: Vec::new(),
        notices,
        published,
        trust_name: caller.user.trust_name.clone(),
        sites: sites
            .into_iter()
            .map(|s| SiteView {
                id: s.id,
                name: s.name,
            })
            .collect(),
        core_services,
        units,
        users,
        grants,
        sessions,
        open_inspections,
        finished_inspections,
        retention,
    })
}

/// Ends one session of someone of the caller's trust; any other session is not found.
pub async fn end_session(
    store: &Store,
    caller: &Caller,
    session_id: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    require_admin(caller)?;
    let session = store.session(session_id).await?.ok_or(ApiError::NotFound)?;
    let owner = store
        .user_by_id(session.user_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if owner.trust_id != caller.user.trust_id {
        return Err(ApiError::NotFound);
    }
    let tx = store.begin().await?;
    tx.delete_session(session_id).await?;
    audited(
        &tx,
        caller,
        now,
        "session.end",
        owner.id,
        serde_json::json!({ "kind": session.kind, "created_at": session.created_at }),
        serde_json::Value::Null,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        user_id = %caller.user.id, trust_id = %caller.user.trust_id, ended_for = %owner.id,
        "admin ended a session"
    );
    Ok(())
}

/// Adds a site to the caller's trust.
pub async fn add_site(
    store: &Store,
    caller: &Caller,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    require_admin(caller)?;
    let id = Uuid::now_v7();
    let name = clean_name("site", name)?;
    let tx = store.begin().await?;
    tx.create_site(&SiteRecord {
        id,
        trust_id: caller.user.trust_id,
        name: name.clone(),
    })
    .await?;
    let after = serde_json::json!({ "name": name });
    audited(
        &tx,
        caller,
        now,
        "site.add",
        id,
        serde_json::Value::Null,
        after,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = %caller.user.id, trust_id = %caller.user.trust_id, site_id = %id, "admin added a site");
    Ok(id)
}

/// Adds a core service to one of the caller's sites.
pub async fn add_core_service(
    store: &Store,
    caller: &Caller,
    site_id: Uuid,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    require_admin(caller)?;
    let trust_id = caller.user.trust_id;
    let name = clean_name("core service", name)?;
    if !store
        .sites_of_trust(trust_id)
        .await?
        .iter()
        .any(|s| s.id == site_id)
    {
        return Err(ApiError::NotFound);
    }
    let id = Uuid::now_v7();
    let tx = store.begin().await?;
    tx.create_core_service(&CoreServiceRecord {
        id,
        trust_id,
        site_id,
        name: name.clone(),
    })
    .await?;
    let after = serde_json::json!({ "site_id": site_id, "name": name });
    audited(
        &tx,
        caller,
        now,
        "core_service.add",
        id,
        serde_json::Value::Null,
        after,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = %caller.user.id, trust_id = %trust_id, core_service_id = %id, "admin added a core service");
    Ok(id)
}

/// Adds a ward to one of the caller's core services.
pub async fn add_unit(
    store: &Store,
    caller: &Caller,
    core_service_id: Uuid,
    name: &str,
    ward_type: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    require_admin(caller)?;
    let trust_id = caller.user.trust_id;
    let name = clean_name("ward", name)?;
    let ward_type = WardType::parse(ward_type)
        .ok_or_else(|| ApiError::Unprocessable("Choose a ward type".to_owned()))?;
    let services = store.core_services_of_trust(trust_id).await?;
    if !services.iter().any(|s| s.id == core_service_id) {
        return Err(ApiError::NotFound);
    }
    let id = Uuid::now_v7();
    let tx = store.begin().await?;
    tx.create_unit(&NewUnit {
        id,
        trust_id,
        core_service_id,
        name: name.clone(),
        ward_type: ward_type.as_str().to_owned(),
    })
    .await?;
    let after = serde_json::json!({
        "core_service_id": core_service_id, "name": name, "ward_type": ward_type.as_str()
    });
    audited(
        &tx,
        caller,
        now,
        "ward.add",
        id,
        serde_json::Value::Null,
        after,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = %caller.user.id, trust_id = %trust_id, unit_id = %id, "admin added a ward");
    Ok(id)
}

/// Creates a user of the caller's trust with a one-time password they must change.
pub async fn add_user(
    store: &Store,
    caller: &Caller,
    email: &str,
    name: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<OneTimePassword, ApiError> {
    require_admin(caller)?;
    let email = clean_email(email)?;
    let name = clean_name("person's", name)?;
    let one_time = password::one_time_password();
    let id = Uuid::now_v7();
    let password_hash = password::hash_blocking(one_time.clone()).await?;
    let tx = store.begin().await?;
    tx.create_user(
        &NewUser {
            id,
            trust_id: caller.user.trust_id,
            email: email.clone(),
            name: name.clone(),
            role: role.as_str().to_owned(),
            password_hash,
            must_change_password: true,
        },
        now,
    )
    .await?;
    let after = serde_json::json!({ "email": email, "name": name, "role": role.as_str() });
    audited(
        &tx,
        caller,
        now,
        "user.add",
        id,
        serde_json::Value::Null,
        after,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        user_id = %caller.user.id, trust_id = %caller.user.trust_id, target_user_id = %id,
        role = role.as_str(), "admin added a user with a one-time password"
    );
    Ok(OneTimePassword {
        email,
        password: one_time,
    })
}

/// A user of the caller's trust, or `NotFound`.
async fn own_user(
    store: &Store,
    caller: &Caller,
    user_id: Uuid,
) -> Result<crate::store::UserRecord, ApiError> {
    store
        .user_by_id(user_id)
        .await?
        .filter(|u| u.trust_id == caller.user.trust_id)
        .ok_or(ApiError::NotFound)
}

/// Gives a user a new one-time password and ends their sessions.
pub async fn reset_password(
    store: &Store,
    caller: &Caller,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<OneTimePassword, ApiError> {
    require_admin(caller)?;
    let user = own_user(store, caller, user_id).await?;
    let one_time = password::one_time_password();
    let hash = password::hash_blocking(one_time.clone()).await?;
    let tx = store.begin().await?;
    tx.set_password(user.id, &hash, true, now).await?;
    tx.delete_sessions_of_user(user.id, None).await?;
    let after = serde_json::json!({ "one_time_password": true, "sessions_ended": true });
    audited(
        &tx,
        caller,
        now,
        "user.password_reset",
        user.id,
        serde_json::Value::Null,
        after,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        user_id = %caller.user.id, trust_id = %caller.user.trust_id, target_user_id = %user.id,
        "admin reset a password; the user's sessions ended"
    );
    Ok(OneTimePassword {
        email: user.email,
        password: one_time,
    })
}

/// Changes a user's role and whether they may sign in. Admins cannot lock themselves out.
pub async fn update_user(
    store: &Store,
    caller: &Caller,
    user_id: Uuid,
    role: Role,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    require_admin(caller)?;
    let user = own_user(store, caller, user_id).await?;
    if user.id == caller.user.id && (!active || role != Role::TrustAdmin) {
        return Err(ApiError::Unprocessable(
            "You cannot remove your own admin access. Ask another admin to do it".to_owned(),
        ));
    }
    let tx = store.begin().await?;
    tx.update_user(user.id, role.as_str(), active).await?;
    if !active {
        tx.delete_sessions_of_user(user.id, None).await?;
    }
    let before = serde_json::json!({ "role": user.role, "active": user.active });
    let after = serde_json::json!({ "role": role.as_str(), "active": active });
    audited(&tx, caller, now, "user.update", user.id, before, after).await?;
    tx.commit().await?;
    tracing::info!(
        user_id = %caller.user.id, trust_id = %caller.user.trust_id, target_user_id = %user.id,
        role = role.as_str(), active, "admin changed a user"
    );
    Ok(())
}

/// Gives a buddy reviewer of another trust access to the caller's trust between two dates.
pub async fn add_grant(
    store: &Store,
    caller: &Caller,
    reviewer_email: &str,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    require_admin(caller)?;
    if ends_on < starts_on {
        return Err(ApiError::Unprocessable(
            "The end date must be on or after the start date".to_owned(),
        ));
    }
    if ends_on.signed_duration_since(starts_on).num_days() > 366 {
        return Err(ApiError::Unprocessable(
            "Give access for at most a year at a time".to_owned(),
        ));
    }
    let reviewer = store
        .user_by_email(&normalise_email(reviewer_email))
        .await?
        .filter(|u| u.role == Role::BuddyReviewer.as_str() && u.trust_id != caller.user.trust_id)
        .ok_or_else(|| {
            ApiError::Unprocessable(
                "There is no buddy reviewer of another trust with this email".to_owned(),
            )
        })?;
    let id = Uuid::now_v7();
    let tx = store.begin().await?;
    tx.create_grant(
        &GrantRecord {
            id,
            trust_id: caller.user.trust_id,
            reviewer_id: reviewer.id,
            starts_on,
            ends_on,
        },
        now,
    )
    .await?;
    let after = serde_json::json!({
        "reviewer_id": reviewer.id, "reviewer_email": reviewer.email,
        "starts_on": starts_on, "ends_on": ends_on
    });
    audited(
        &tx,
        caller,
        now,
        "grant.add",
        id,
        serde_json::Value::Null,
        after,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        user_id = %caller.user.id, trust_id = %caller.user.trust_id, grant_id = %id,
        reviewer_id = %reviewer.id, %starts_on, %ends_on, "admin gave a buddy reviewer access"
    );
    Ok(id)
}

/// A grant the caller's trust gave; `NotFound` for any other.
async fn own_grant(
    store: &Store,
    caller: &Caller,
    grant_id: Uuid,
) -> Result<GrantRecord, ApiError> {
    store
        .grants_of_trust(caller.user.trust_id)
        .await?
        .into_iter()
        .find(|g| g.id == grant_id)
        .ok_or(ApiError::NotFound)
}

/// Sets a grant's last day and writes the change to the audit trail as `action`.
async fn set_grant_end(
    store: &Store,
    caller: &Caller,
    grant: &GrantRecord,
    ends_on: NaiveDate,
    action: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let tx = store.begin().await?;
    tx.end_grant(grant.id, ends_on).await?;
    let before = serde_json::json!({ "starts_on": grant.starts_on, "ends_on": grant.ends_on });
    let after = serde_json::json!({ "starts_on": grant.starts_on, "ends_on": ends_on });
    audited(&tx, caller, now, action, grant.id, before, after).await?;
    tx.commit().await?;
    tracing::info!(
        user_id = %caller.user.id, trust_id = %caller.user.trust_id, grant_id = %grant.id,
        %ends_on, action, "admin changed the end of a buddy reviewer's access"
    );
    Ok(())
}

/// Moves the last day of a grant of the caller's trust (to extend it, or to shorten it to a
/// day not yet past).
pub async fn extend_grant(
    store: &Store,
    caller: &Caller,
    grant_id: Uuid,
    ends_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let today = domain::readiness::london::london_date(now);
    require_admin(caller)?;
    let grant = own_grant(store, caller, grant_id).await?;
    if ends_on < today || ends_on < grant.starts_on {
        return Err(ApiError::Unprocessable(
            "The new end date must be today or later, and not before the start date".to_owned(),
        ));
    }
    // A year at a time, as when granted: counted from today, or from the start if later.
    if ends_on
        .signed_duration_since(today.max(grant.starts_on))
        .num_days()
        > 366
    {
        return Err(ApiError::Unprocessable(
            "Give access for at most a year at a time".to_owned(),
        ));
    }
    set_grant_end(store, caller, &grant, ends_on, "grant.extend", now).await
}

/// Ends a grant of the caller's trust yesterday, so access stops now and the record stays.
pub async fn end_grant(
    store: &Store,
    caller: &Caller,
    grant_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let today = domain::readiness::london::london_date(now);
    require_admin(caller)?;
    let grant = own_grant(store, caller, grant_id).await?;
    let ends_on = (today - Days::new(1)).min(grant.ends_on);
    set_grant_end(store, caller, &grant, ends_on, "grant.end", now).await
}
