//! `/api/v1/sync/push`, `/api/v1/sync/pull` and `/api/v1/inspections/{id}`: devices send their
//! outbox, fetch what they keep offline, read back what the server holds, and hand an open
//! inspection to the next shift (`/api/v1/inspections/{id}/hand-over`).

use axum::Json;
use axum::extract::Query;
use axum::extract::State;
use domain::hand_over::{HandOverChoices, HandOverRequest};
use domain::inspection::InspectionView;
use domain::sync::{PullResponse, PushRequest, PushResponse};
use uuid::Uuid;

use super::Authed;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::state::AppState;
use crate::sync;

/// `POST /api/v1/sync/push`: applies the mutations in order, in one durable transaction.
///
/// Kinds: `inspection.upsert`, `finding.record`, `interview.record`, `self_assessment.record`,
/// `peer_review.record` and `evidence.reply` (schema `ReplyData`: the owner of a finding
/// answers a reviewer's doubt; sent once, it puts the finding back in the review queue).
#[utoipa::path(post, path = "/api/v1/sync/push", request_body = PushRequest,
    responses((status = 200, body = PushResponse), (status = 400, body = domain::api::ErrorBody),
        (status = 401, body = domain::api::ErrorBody), (status = 403, body = domain::api::ErrorBody),
        (status = 413, body = domain::api::ErrorBody), (status = 422, body = domain::api::ErrorBody)))]
pub async fn push(
    State(state): State<AppState>,
    Authed(caller): Authed,
    ApiJson(request): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    Ok(Json(sync::push(&state, &caller, request).await?))
}

/// `GET /api/v1/inspections/{id}`: 404 for an inspection the caller may not see.
#[utoipa::path(get, path = "/api/v1/inspections/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = InspectionView), (status = 404, body = domain::api::ErrorBody)))]
pub async fn inspection(
    State(state): State<AppState>,
    Authed(caller): Authed,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<InspectionView>, ApiError> {
    Ok(Json(sync::inspection(&state, &caller, id).await?))
}

/// `POST /api/v1/inspections/{id}/reopen`: a trust admin reopens an inspection finished by
/// mistake, with a reason for the audit trail; the answer is the inspection as it now stands.
/// Its owner's devices show it open again after their next pull.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/reopen", params(("id" = Uuid, Path)),
    request_body = domain::admin::ReopenRequest,
    responses((status = 200, body = InspectionView), (status = 401, body = domain::api::ErrorBody),
        (status = 403, body = domain::api::ErrorBody), (status = 404, body = domain::api::ErrorBody),
        (status = 409, body = domain::api::ErrorBody), (status = 422, body = domain::api::ErrorBody)))]
pub async fn reopen(
    State(state): State<AppState>,
    Authed(caller): Authed,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<domain::admin::ReopenRequest>,
) -> Result<Json<InspectionView>, ApiError> {
    let now = state.clock.now();
    sync::reopen(&state.store, &caller, id, &request.reason, now).await?;
    Ok(Json(sync::inspection(&state, &caller, id).await?))
}

/// The query of a pull.
#[derive(Debug, serde::Deserialize)]
pub struct PullQuery {
    since: Option<String>,
}

/// `GET /api/v1/sync/pull?since=<cursor>`: templates, wards and comments for offline use; empty
/// lists when nothing changed since the cursor.
#[utoipa::path(get, path = "/api/v1/sync/pull", params(("since" = Option<String>, Query)),
    responses((status = 200, body = PullResponse), (status = 401, body = domain::api::ErrorBody)))]
pub async fn pull(
    State(state): State<AppState>,
    Authed(caller): Authed,
    query: Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<PullResponse>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::InvalidBody(e.body_text()))?;
    Ok(Json(
        sync::pull(&state, &caller, query.since.as_deref()).await?,
    ))
}

/// `GET /api/v1/inspections/{id}/hand-over`: the owner and whom the caller may hand it to.
#[utoipa::path(get, path = "/api/v1/inspections/{id}/hand-over", params(("id" = Uuid, Path)),
    responses((status = 200, body = HandOverChoices), (status = 401, body = domain::api::ErrorBody),
        (status = 403, body = domain::api::ErrorBody), (status = 404, body = domain::api::ErrorBody),
        (status = 409, body = domain::api::ErrorBody)))]
pub async fn hand_over_choices(
    State(state): State<AppState>,
    Authed(caller): Authed,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<HandOverChoices>, ApiError> {
    Ok(Json(sync::hand_over_choices(&state, &caller, id).await?))
}

/// `POST /api/v1/inspections/{id}/hand-over`: an open inspection passes to another inspector of
/// the trust, by its owner or a trust admin; the answer is the inspection as it now stands.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/hand-over", params(("id" = Uuid, Path)),
    request_body = HandOverRequest,
    responses((status = 200, body = InspectionView), (status = 401, body = domain::api::ErrorBody),
        (status = 403, body = domain::api::ErrorBody), (status = 404, body = domain::api::ErrorBody),
        (status = 409, body = domain::api::ErrorBody), (status = 422, body = domain::api::ErrorBody)))]
pub async fn hand_over(
    State(state): State<AppState>,
    Authed(caller): Authed,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<HandOverRequest>,
) -> Result<Json<InspectionView>, ApiError> {
    let now = state.clock.now();
    sync::hand_over(&state.store, &caller, id, request.to_user_id, now).await?;
    Ok(Json(sync::inspection(&state, &caller, id).await?))
}
