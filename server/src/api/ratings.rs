//! `POST /api/v1/ratings/aggregate`: the CQC's ratings principles applied to ratings a caller
//! sends (the engine applies the same principles to its own roll-up).

use axum::Json;
use axum::extract::State;
use domain::principles::{AggregateRequest, AggregateResponse, PrinciplesError, Underlying};

use super::Authed;
use crate::error::{ApiError, ApiJson};
use crate::state::AppState;

/// `POST /api/v1/ratings/aggregate`: 422 for an empty list; a list of only `not_rated` gives
/// `not_rated`.
#[utoipa::path(post, path = "/api/v1/ratings/aggregate", request_body = AggregateRequest,
    responses((status = 200, body = AggregateResponse), (status = 400, body = domain::api::ErrorBody),
        (status = 401, body = domain::api::ErrorBody), (status = 422, body = domain::api::ErrorBody)))]
pub async fn aggregate(
    State(state): State<AppState>,
    _: Authed,
    ApiJson(request): ApiJson<AggregateRequest>,
) -> Result<Json<AggregateResponse>, ApiError> {
    let entries: Vec<Underlying> = request.ratings.into_iter().map(Into::into).collect();
    match state.principles.aggregate(&entries) {
        Ok(a) => Ok(Json(AggregateResponse {
            rating: a.rating,
            rule: a.rule,
        })),
        Err(e @ PrinciplesError::NoRatings) => Err(ApiError::Unprocessable(e.to_string())),
        Err(e) => Err(ApiError::Internal(anyhow::anyhow!(e))),
    }
}
