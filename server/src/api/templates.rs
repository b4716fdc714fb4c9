//! `/api/v1/templates`: the checklists the caller's devices may use, and any earlier version
//! an inspection was started on (a device that takes on a handed-over inspection asks for it).

use axum::Json;
use axum::extract::State;
use domain::template::ChecklistTemplate;
use uuid::Uuid;

use super::Authed;
use crate::error::{ApiError, ApiPath};
use crate::state::AppState;
use crate::templates;

/// `GET /api/v1/templates`: newest version of each, built-in walk-round first.
#[utoipa::path(get, path = "/api/v1/templates", responses((status = 200, body = [ChecklistTemplate]), (status = 401, body = domain::api::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Authed(caller): Authed,
) -> Result<Json<Vec<ChecklistTemplate>>, ApiError> {
    Ok(Json(
        templates::for_caller(&state.store, &caller, state.clock.today()).await?,
    ))
}

/// `GET /api/v1/templates/{id}/versions/{version}`: one version of a checklist the caller may
/// use (built-in, their trust's own or a reviewed trust's, archived or not); 404 for any other.
#[utoipa::path(get, path = "/api/v1/templates/{id}/versions/{version}",
    params(("id" = Uuid, Path), ("version" = i32, Path)),
    responses((status = 200, body = ChecklistTemplate), (status = 401, body = domain::api::ErrorBody),
        (status = 404, body = domain::api::ErrorBody)))]
pub async fn version(
    State(state): State<AppState>,
    Authed(caller): Authed,
    ApiPath((id, version)): ApiPath<(Uuid, i32)>,
) -> Result<Json<ChecklistTemplate>, ApiError> {
    Ok(Json(
        templates::version_for_caller(&state.store, &caller, id, version, state.clock.today())
            .await?,
    ))
}
