//! `/api/v1/units`: the wards and units the caller may see.

use axum::Json;
use axum::extract::State;
use domain::api::UnitInfo;
use uuid::Uuid;

use super::Authed;
use crate::access;
use crate::error::{ApiError, ApiPath};
use crate::state::AppState;

/// `GET /api/v1/units`: own trust's units, plus granted trusts' for a buddy reviewer.
#[utoipa::path(get, path = "/api/v1/units", responses((status = 200, body = [UnitInfo]), (status = 401, body = domain::api::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Authed(caller): Authed,
) -> Result<Json<Vec<UnitInfo>>, ApiError> {
    Ok(Json(
        access::units(&state.store, &caller, state.clock.today()).await?,
    ))
}

/// `GET /api/v1/units/{id}`: 404 for a unit the caller may not see.
#[utoipa::path(get, path = "/api/v1/units/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = UnitInfo), (status = 404, body = domain::api::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Authed(caller): Authed,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<UnitInfo>, ApiError> {
    Ok(Json(
        access::unit(&state.store, &caller, id, state.clock.today()).await?,
    ))
}
