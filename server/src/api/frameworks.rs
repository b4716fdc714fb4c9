//! `/api/v1/frameworks`: the framework catalogue, straight from the data files.

use axum::Json;
use axum::extract::State;
use domain::framework::{Framework, FrameworkSummary};

use super::Authed;
use crate::error::{ApiError, ApiPath};
use crate::state::AppState;

/// `GET /api/v1/frameworks`.
#[utoipa::path(get, path = "/api/v1/frameworks", responses((status = 200, body = [FrameworkSummary]), (status = 401, body = domain::api::ErrorBody)))]
pub async fn list(State(state): State<AppState>, _: Authed) -> Json<Vec<FrameworkSummary>> {
    Json(
        state
            .catalogue
            .all()
            .iter()
            .map(Framework::summary)
            .collect(),
    )
}

/// `GET /api/v1/frameworks/{id}`.
#[utoipa::path(get, path = "/api/v1/frameworks/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Framework), (status = 404, body = domain::api::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    _: Authed,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Framework>, ApiError> {
    state
        .catalogue
        .get(&id)
        .cloned()
        .map(Json)
        .ok_or(ApiError::NotFound)
}
