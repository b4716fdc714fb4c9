//! What a trust admin records beside the evidence: enforcement notices against a core
//! service's key question (recorded and later lifted, both dated, so readiness as at a past
//! day sees what stood then), and the CQC's last published ratings. Admins of the trust only;
//! another trust's core service or notice is `NotFound` like one that does not exist. Each
//! change is written to the audit trail with it.

use chrono::{DateTime, NaiveDate, Utc};
use domain::admin::{NoticeView, PublishedView};
use domain::caller::Caller;
use domain::framework::KEY_QUESTION_CODES;
use domain::principles::Enforcement;
use domain::rating::Rating;
use domain::readiness::london::london_date;
use uuid::Uuid;

use crate::access::require_admin;
use crate::admin::audited;
use crate::error::ApiError;
use crate::store::prelude::*;
use crate::store::{NoticeRecord, PublishedRecord, Store};

/// The core service's site name when it is the caller's trust's; `NotFound` otherwise.
async fn own_service(store: &Store, caller: &Caller, id: Uuid) -> Result<(), ApiError> {
    let services = store.core_services_of_trust(caller.user.trust_id).await?;
    if services.iter().any(|s| s.id == id) {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

fn check_key_question(code: &str, overall_too: bool) -> Result<(), ApiError> {
    if KEY_QUESTION_CODES.contains(&code) || (overall_too && code == "overall") {
        Ok(())
    } else {
        Err(ApiError::Unprocessable("Choose a key question".to_owned()))
    }
}

/// Records a notice from today.
pub async fn record_notice(
    store: &Store,
    caller: &Caller,
    core_service_id: Uuid,
    key_question: &str,
    enforcement: Enforcement,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let today = london_date(now);
    require_admin(caller)?;
    check_key_question(key_question, false)?;
    own_service(store, caller, core_service_id).await?;
    let id = Uuid::now_v7();
    let notice = NoticeRecord {
        id,
        trust_id: caller.user.trust_id,
        core_service_id,
        key_question: key_question.to_owned(),
        enforcement: enforcement.as_str().to_owned(),
        recorded_on: today,
        lifted_on: None,
    };
    let tx = store.begin().await?;
    tx.record_notice(&notice, caller.user.id).await?;
    let after = serde_json::json!({
        "core_service_id": core_service_id, "key_question": key_question,
        "enforcement": enforcement.as_str(), "recorded_on": today
    });
    audited(
        &tx,
        caller,
        now,
        "notice.record",
        id,
        serde_json::Value::Null,
        after,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = %caller.user.id, trust_id = %caller.user.trust_id, notice_id = %id,
        %core_service_id, key_question, enforcement = enforcement.as_str(),
        "admin recorded an enforcement notice");
    Ok(id)
}

/// Lifts a notice of the caller's trust from today.
pub async fn lift_notice(
    store: &Store,
    caller: &Caller,
    notice_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    require_admin(caller)?;
    let today = london_date(now);
    let tx = store.begin().await?;
    tx.lift_notice(caller.user.trust_id, notice_id, today)
        .await?;
    let after = serde_json::json!({ "lifted_on": today });
    audited(
        &tx,
        caller,
        now,
        "notice.lift",
        notice_id,
        serde_json::Value::Null,
        after,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = %caller.user.id, trust_id = %caller.user.trust_id, %notice_id,
        "admin lifted an enforcement notice");
    Ok(())
}

/// Records a published rating; its report date may not be after today.
pub async fn record_published(
    store: &Store,
    caller: &Caller,
    core_service_id: Uuid,
    key_question: &str,
    rating: Rating,
    report_date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let today = london_date(now);
    require_admin(caller)?;
    check_key_question(key_question, true)?;
    if rating == Rating::NotRated {
        return Err(ApiError::Unprocessable(
            "Choose the published rating".to_owned(),
        ));
    }
    if report_date > today {
        return Err(ApiError::Unprocessable(
            "The report date must be today or in the past".to_owned(),
        ));
    }
    own_service(store, caller, core_service_id).await?;
    let record = PublishedRecord {
        id: Uuid::now_v7(),
        trust_id: caller.user.trust_id,
        core_service_id,
        key_question: key_question.to_owned(),
        rating: rating.as_str().to_owned(),
        report_date,
    };
    let tx = store.begin().await?;
    tx.record_published(&record, caller.user.id).await?;
    let after = serde_json::json!({
        "core_service_id": core_service_id, "key_question": key_question,
        "rating": rating.as_str(), "report_date": report_date
    });
    audited(
        &tx,
        caller,
        now,
        "published_rating.record",
        record.id,
        serde_json::Value::Null,
        after,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = %caller.user.id, trust_id = %caller.user.trust_id,
        %core_service_id, key_question, rating = rating.as_str(), %report_date,
        "admin recorded a published CQC rating");
    Ok(())
}

/// The trust's notices and published ratings for the "Manage trust" page.
pub async fn views(
    store: &Store,
    trust_id: Uuid,
) -> Result<(Vec<NoticeView>, Vec<PublishedView>), ApiError> {
    let services = store.core_services_of_trust(trust_id).await?;
    let sites = store.sites_of_trust(trust_id).await?;
    let names = |id: Uuid| {
        let service = services.iter().find(|s| s.id == id);
        let site = service
            .and_then(|s| sites.iter().find(|x| x.id == s.site_id))
            .map(|x| x.name.clone())
            .unwrap_or_default();
        (service.map(|s| s.name.clone()).unwrap_or_default(), site)
    };
    let notices = store
        .notices_of_trust(trust_id)
        .await?
        .into_iter()
        .filter_map(|n| {
            let (core_service_name, site_name) = names(n.core_service_id);
            Some(NoticeView {
                id: n.id,
                core_service_name,
                site_name,
                enforcement: Enforcement::from_code(&n.enforcement)?,
                key_question: n.key_question,
                recorded_on: n.recorded_on,
                lifted_on: n.lifted_on,
            })
        })
        .collect();
    let published = store
        .published_of_trust(trust_id)
        .await?
        .into_iter()
        .filter_map(|p| {
            let (core_service_name, site_name) = names(p.core_service_id);
            Some(PublishedView {
                core_service_name,
                site_name,
                rating: Rating::from_code(&p.rating)?,
                key_question: p.key_question,
                report_date: p.report_date,
            })
        })
        .collect();
    Ok((notices, published))
}
