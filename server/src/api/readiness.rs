//! `GET /api/v1/readiness`: every ward the caller may see, cell by cell, as at a day.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use domain::readiness::ward::ReadinessReport;

use super::Authed;
use crate::error::ApiError;
use crate::state::AppState;
use domain::readiness::ward::ReadinessQuery;

/// `GET /api/v1/readiness?as_of=&unit_id=&framework=`.
#[utoipa::path(get, path = "/api/v1/readiness",
    params(("as_of" = Option<String>, Query, description = "YYYY-MM-DD: readiness as it stood at the end of that day (England)"),
        ("unit_id" = Option<uuid::Uuid>, Query, description = "one ward only"),
        ("framework" = Option<String>, Query, description = "cqc-kloe-2017 (default) or cqc-saf-2024")),
    responses((status = 200, description = "units: one entry per ward, with key_questions, items and overall"),
        (status = 401, body = domain::api::ErrorBody), (status = 404, body = domain::api::ErrorBody),
        (status = 422, body = domain::api::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Authed(caller): Authed,
    query: Result<Query<ReadinessQuery>, QueryRejection>,
) -> Result<Json<ReadinessReport>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::Unprocessable(e.body_text()))?;
    Ok(Json(
        crate::readiness::readiness(&state, &caller, &query).await?,
    ))
}
