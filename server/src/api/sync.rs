//! `/api/v1/sync/push` and `/api/v1/inspections/{id}`: devices send their outbox, and read
//! back what the server holds.

use axum::Json;
use axum::extract::State;
use domain::sync::{InspectionView, PushRequest, PushResponse};
use uuid::Uuid;

use super::Authed;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::state::AppState;
use crate::sync;

/// `POST /api/v1/sync/push`: applies the mutations in order, in one durable transaction.
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
