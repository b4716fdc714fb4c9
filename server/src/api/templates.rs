//! `/api/v1/templates`: the checklists the caller's devices may use.

use axum::Json;
use axum::extract::State;
use domain::template::ChecklistTemplate;

use super::Authed;
use crate::error::ApiError;
use crate::state::AppState;
use crate::templates;

/// `GET /api/v1/templates`: newest version of each, built-in walk-round first.
#[utoipa::path(get, path = "/api/v1/templates", responses((status = 200, body = [ChecklistTemplate]), (status = 401, body = domain::api::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Authed(caller): Authed,
) -> Result<Json<Vec<ChecklistTemplate>>, ApiError> {
    Ok(Json(templates::for_caller(&state.store, &caller).await?))
}
