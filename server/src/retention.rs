//! Retention: each trust's periods for evidence, photos and the audit trail (admins see and
//! change them on "Manage trust", audited), and the nightly sweep that deletes photos past
//! theirs.

use chrono::{DateTime, Months, Utc};
use domain::caller::Caller;
use domain::retention::{Retention, RetentionView};
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{RetentionStore, Store};

/// The trust's retention as its admins see it (the defaults until one changes them).
pub async fn view(store: &Store, trust_id: Uuid) -> Result<RetentionView, ApiError> {
    Ok(match store.retention_of(trust_id).await? {
        Some(kept) => RetentionView {
            retention: kept.retention(),
            changed: Some((kept.changed_by_name, kept.changed_at)),
        },
        None => RetentionView::default(),
    })
}

/// Sets the caller's trust's periods: 403 for anyone but a trust admin, 422 for periods out of
/// bounds or out of order. Audited (`retention.set`, before and after) in the same transaction.
pub async fn set(
    store: &Store,
    caller: &Caller,
    retention: &Retention,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    crate::access::require_admin(caller)?;
    if let Some(problem) = retention.problem() {
        return Err(ApiError::Unprocessable(problem));
    }
    let trust_id = caller.user.trust_id;
    let before = view(store, trust_id).await?.retention;
    let tx = store.begin().await?;
    tx.set_retention(trust_id, retention, caller.user.id, now)
        .await?;
    crate::admin::audited(
        &tx,
        caller,
        now,
        "retention.set",
        trust_id,
        serde_json::to_value(before).map_err(anyhow::Error::from)?,
        serde_json::to_value(retention).map_err(anyhow::Error::from)?,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes the photos past their period of every trust whose admin has set retention (the
/// defaults delete nothing: nobody chose them); answers how many went. One trust's failure is
/// logged and the others are swept all the same.
pub async fn sweep(state: &AppState) -> Result<usize, ApiError> {
    let now = state.clock.now();
    let mut gone = 0;
    for trust_id in state.store.trusts_keeping_photos().await? {
        let Some(set) = state.store.retention_of(trust_id).await? else {
            continue;
        };
        let years = set.retention().photo_years;
        let Some(before) = now.checked_sub_months(Months::new(years.saturating_mul(12))) else {
            continue;
        };
        let reason = format!("Kept for {years} years: the trust's retention period ended");
        match state
            .photos
            .expire(&state.store, trust_id, before, &reason)
            .await
        {
            Ok(n) => gone += n,
            Err(e) => tracing::error!(%trust_id, error = %e, "retention sweep of a trust failed"),
        }
    }
    Ok(gone)
}

/// Sweeps when the server starts and then once a day while it runs.
pub async fn sweep_daily(state: AppState) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(24 * 60 * 60));
    loop {
        every.tick().await;
        match sweep(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(photos = n, "photos past their retention period deleted"),
            Err(e) => tracing::error!(error = %e, "retention sweep failed"),
        }
    }
}
