//! Evidence review by the buddy trust: `GET /api/v1/review/queue` and
//! `POST /api/v1/evidence/{id}/verdicts`.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use domain::review::{Queue, QueueFilter, VerdictRequest};
use uuid::Uuid;

use super::Authed;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::review;
use crate::state::AppState;

/// `GET /api/v1/review/queue`: the evidence a buddy reviewer checks, what waits for a look first.
#[utoipa::path(get, path = "/api/v1/review/queue", params(QueueFilter),
    responses((status = 200, body = Queue), (status = 401, body = domain::api::ErrorBody),
        (status = 403, body = domain::api::ErrorBody), (status = 404, body = domain::api::ErrorBody),
        (status = 422, body = domain::api::ErrorBody)))]
pub async fn queue(
    State(state): State<AppState>,
    Authed(caller): Authed,
    filter: Result<Query<QueueFilter>, QueryRejection>,
) -> Result<Json<Queue>, ApiError> {
    let Query(filter) = filter.map_err(|e| ApiError::Unprocessable(e.body_text()))?;
    Ok(Json(review::queue(&state, &caller, &filter).await?))
}

/// The id of a verdict given.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct VerdictGiven {
    pub id: Uuid,
}

/// `POST /api/v1/evidence/{id}/verdicts`: a buddy reviewer verifies, challenges or marks an
/// item insufficient (a comment required for the last two).
#[utoipa::path(post, path = "/api/v1/evidence/{id}/verdicts", params(("id" = Uuid, Path)),
    request_body = VerdictRequest,
    responses((status = 201, body = VerdictGiven), (status = 401, body = domain::api::ErrorBody),
        (status = 403, body = domain::api::ErrorBody), (status = 404, body = domain::api::ErrorBody),
        (status = 422, body = domain::api::ErrorBody)))]
pub async fn give_verdict(
    State(state): State<AppState>,
    Authed(caller): Authed,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<VerdictRequest>,
) -> Result<(StatusCode, Json<VerdictGiven>), ApiError> {
    let now = state.clock.now();
    let id = review::give_verdict(&state.store, &caller, id, &request, now).await?;
    Ok((StatusCode::CREATED, Json(VerdictGiven { id })))
}
