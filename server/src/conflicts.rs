//! Conflict review: a trust admin sees each kept conflict beside what its mutation id applied
//! first, and resolves it by keeping that or by applying the version sent again.
//!
//! Applying goes through the same checks and the same store path as a push, as a new change by
//! the original author and device, so the history shows both versions and a finished
//! inspection still cannot change.

use domain::caller::Caller;
use domain::conflict::{ConflictView, Resolution};
use domain::sync::judge::{PushItem, Pusher};
use domain::sync::{Mutation, PushStatus};
use uuid::Uuid;

use crate::access;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::prelude::*;
use crate::store::{ConflictRecord, StoreError, Tx};

/// The caller's trust's conflicts still to resolve (trust admins only).
pub async fn open(state: &AppState, caller: &Caller) -> Result<Vec<ConflictView>, ApiError> {
    access::require_admin(caller)?;
    let rows = state.store.open_conflicts(caller.user.trust_id).await?;
    Ok(rows.into_iter().map(view).collect())
}

/// Resolves one conflict of the caller's trust; 404 for another trust's or an unknown one, 409
/// when it was resolved already, 422 when the version sent again can no longer be applied.
///
/// Marking it resolved and applying the kept version commit together, durably: of two admins
/// resolving the same conflict at once, one wins and the other gets 409, and nothing is applied
/// twice. A push racing the same record makes it start again, like a push.
pub async fn resolve(
    state: &AppState,
    caller: &Caller,
    seq: i64,
    resolution: Resolution,
) -> Result<(), ApiError> {
    access::require_admin(caller)?;
    let mut attempts = 0;
    loop {
        match resolve_once(state, caller, seq, resolution).await {
            Err(ApiError::Internal(e))
                if attempts < 3 && matches!(e.downcast_ref(), Some(StoreError::Raced)) =>
            {
                attempts += 1;
            }
            done => return done,
        }
    }
}

async fn resolve_once(
    state: &AppState,
    caller: &Caller,
    seq: i64,
    resolution: Resolution,
) -> Result<(), ApiError> {
    let already = || ApiError::Conflict("This conflict has been resolved already".to_owned());
    let now = state.clock.now();
    let tx = state.store.begin_durable().await?;
    let conflict = tx
        .conflict(seq)
        .await?
        .filter(|c| c.trust_id == caller.user.trust_id)
        .ok_or(ApiError::NotFound)?;
    match tx
        .resolve_conflict(seq, caller.user.id, resolution.as_str(), now)
        .await
    {
        Err(StoreError::NotFound) => return Err(already()),
        other => other?,
    }
    if resolution == Resolution::ApplyKept {
        apply_kept(state, &tx, &conflict).await?;
    }
    tx.commit().await?;
    tracing::info!(
        user_id = %caller.user.id,
        trust_id = %caller.user.trust_id,
        conflict = seq,
        resolution = resolution.as_str(),
        "admin resolved a sync conflict"
    );
    Ok(())
}

/// Applies the version sent again as a new change by its author and device, through the same
/// judge as a push, inside the resolving transaction.
async fn apply_kept(state: &AppState, tx: &Tx, conflict: &ConflictRecord) -> Result<(), ApiError> {
    let mutation = Mutation {
        id: Uuid::now_v7(),
        kind: conflict.kind.clone(),
        data: serde_json::from_str(&conflict.data).map_err(anyhow::Error::from)?,
    };
    let item = PushItem::checked(&state.catalogue, mutation);
    // Judged as its author's change, with the role they hold now.
    let role = tx
        .user_by_id(conflict.user_id)
        .await?
        .and_then(|u| domain::Role::parse(&u.role))
        .ok_or_else(|| anyhow::anyhow!("the conflict's author is not known"))?;
    let pusher = Pusher {
        user_id: conflict.user_id,
        trust_id: conflict.trust_id,
        device_id: conflict.device_id,
        role,
        today: state.clock.today(),
    };
    let results =
        crate::store::sync::apply_push(tx, &pusher, std::slice::from_ref(&item), state.clock.now())
            .await?;
    match results.first() {
        Some(r) if r.status == PushStatus::Applied => Ok(()),
        Some(r) => Err(ApiError::Unprocessable(format!(
            "The version sent again cannot be applied: {}",
            r.error.as_deref().unwrap_or("the server refused it")
        ))),
        None => Err(ApiError::Internal(anyhow::anyhow!(
            "no result for the applied conflict"
        ))),
    }
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned()))
}

fn view(c: ConflictRecord) -> ConflictView {
    ConflictView {
        seq: c.seq,
        mutation_id: c.mutation_id,
        applied: c.applied_data.as_deref().map(json),
        applied_by: c.applied_by,
        applied_at: c.applied_at,
        kept: json(&c.data),
        kind: c.kind,
        kept_by: c.user_name,
        kept_at: c.received_at,
    }
}
