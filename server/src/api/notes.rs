//! `/api/v1/notes/{id}/redaction`: a trust admin redacts the note of a finding, an interview or
//! a reply that named a patient or said what it should not.

use axum::Json;
use axum::extract::State;
use domain::redaction::{NoteRedaction, RedactedNote};
use uuid::Uuid;

use super::Authed;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::state::AppState;

/// `POST /api/v1/notes/{id}/redaction`: blanks the note of the record with this id (a finding
/// or interview of a finished inspection, or a reply) wherever the server kept it, with a
/// reason for the audit trail; every device blanks its copy at its next pull. Asked again, it
/// answers with the first redaction.
#[utoipa::path(post, path = "/api/v1/notes/{id}/redaction", params(("id" = Uuid, Path)),
    request_body = NoteRedaction,
    responses((status = 200, body = RedactedNote), (status = 401, body = domain::api::ErrorBody),
        (status = 403, body = domain::api::ErrorBody), (status = 404, body = domain::api::ErrorBody),
        (status = 409, body = domain::api::ErrorBody), (status = 422, body = domain::api::ErrorBody)))]
pub async fn redact(
    State(state): State<AppState>,
    Authed(caller): Authed,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<NoteRedaction>,
) -> Result<Json<RedactedNote>, ApiError> {
    let now = state.clock.now();
    Ok(Json(
        crate::redaction::redact(&state.store, &caller, id, &request, now).await?,
    ))
}
