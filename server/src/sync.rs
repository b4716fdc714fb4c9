//! Sync: a push checked and judged, who may read an inspection, and pull.
//!
//! What a change may do is decided once, in `domain::sync::judge`, which the device's own
//! write path uses too; the store reads what a batch needs, applies the verdicts and keeps
//! conflicts in one durable transaction.

use domain::caller::Caller;
use domain::inspection::InspectionView;
use domain::sync::judge::{PushItem, Pusher};
use domain::sync::{MAX_PUSH_MUTATIONS, PullResponse, PushRequest, PushResponse};
use uuid::Uuid;

use crate::access;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::prelude::*;

/// Applies a push for the caller: 403 for a role that does not record inspections, 413 over
/// the mutation limit, otherwise one result per mutation.
pub async fn push(
    state: &AppState,
    caller: &Caller,
    request: PushRequest,
) -> Result<PushResponse, ApiError> {
    if !caller.user.role.can_inspect() {
        return Err(ApiError::Forbidden(
            "Your role does not record inspections".to_owned(),
        ));
    }
    if request.mutations.len() > MAX_PUSH_MUTATIONS {
        return Err(ApiError::TooLarge(format!(
            "A push may carry at most {MAX_PUSH_MUTATIONS} mutations"
        )));
    }
    let items: Vec<PushItem> = request
        .mutations
        .into_iter()
        .map(|m| PushItem::checked(&state.catalogue, m))
        .collect();
    let pusher = Pusher {
        user_id: caller.user.id,
        trust_id: caller.user.trust_id,
        device_id: request.device_id,
    };
    let results = state.store.push(&pusher, &items, state.clock.now()).await?;
    Ok(PushResponse { results })
}

/// An inspection with everything the server holds of it; 404 unless the caller's trust owns it
/// or they hold a current review grant for that trust.
pub async fn inspection(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
) -> Result<InspectionView, ApiError> {
    let (trust, view) = state
        .store
        .inspection_view(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !access::visible_trusts(&state.store, caller, state.clock.today())
        .await?
        .contains(&trust)
    {
        return Err(ApiError::NotFound);
    }
    Ok(view)
}

/// What the caller's devices keep for offline use, or nothing when `since` is still current.
pub async fn pull(
    state: &AppState,
    caller: &Caller,
    since: Option<&str>,
) -> Result<PullResponse, ApiError> {
    let templates = crate::templates::for_caller(&state.store, caller).await?;
    let units = access::units(&state.store, caller, state.clock.today()).await?;
    let snapshot = serde_json::to_vec(&(&templates, &units)).map_err(anyhow::Error::from)?;
    let cursor = crate::photos::blobs::sha256_hex(&snapshot)[..32].to_owned();
    if since == Some(cursor.as_str()) {
        return Ok(PullResponse {
            cursor,
            templates: Vec::new(),
            units: Vec::new(),
            comments: Vec::new(),
        });
    }
    Ok(PullResponse {
        cursor,
        templates,
        units,
        comments: Vec::new(),
    })
}
