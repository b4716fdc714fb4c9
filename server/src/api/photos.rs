//! `/api/v1/photos/{id}` and its `/thumbnail`: devices upload each photo once (retries are
//! safe), and the owning trust reads the cleaned JPEGs back.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, ETAG};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::photo::{PHOTO_SHA_HEADER, PhotoReceipt, PhotoRemoval, RemovedPhoto};
use uuid::Uuid;

use super::Authed;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::photos::{Uploaded, Variant};
use crate::state::AppState;

/// How long an upload's body may take to arrive once it has its turn (15 MB at 1 Mbit/s).
const UPLOAD_READ_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// `PUT /api/v1/photos/{id}`: 201 kept, 200 the same bytes again.
#[utoipa::path(put, path = "/api/v1/photos/{id}", params(("id" = Uuid, Path)),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = PhotoReceipt), (status = 200, body = PhotoReceipt),
        (status = 401, body = domain::api::ErrorBody), (status = 403, body = domain::api::ErrorBody),
        (status = 409, body = domain::api::ErrorBody), (status = 413, body = domain::api::ErrorBody),
        (status = 415, body = domain::api::ErrorBody), (status = 422, body = domain::api::ErrorBody),
        (status = 503, body = domain::api::ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    Authed(caller): Authed,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<PhotoReceipt>), ApiError> {
    let photos = &state.photos;
    let declared_length = header(&headers, CONTENT_LENGTH.as_str()).and_then(|v| v.parse().ok());
    if declared_length.is_some_and(|n: usize| n > photos.max_bytes) {
        return Err(photos.too_large());
    }
    let _turn = photos.upload_turn().await?;
    // A body that trickles in would hold its turn for good: after a while it is dropped, and
    // the device sends it again later.
    let read = axum::body::to_bytes(body, photos.max_bytes);
    let bytes = tokio::time::timeout(UPLOAD_READ_LIMIT, read)
        .await
        .map_err(|_| ApiError::Busy {
            retry_after_secs: 30,
        })?
        .map_err(|e| {
            if is_length_limit(&e) {
                photos.too_large()
            } else {
                ApiError::InvalidBody("The photo did not arrive whole. Send it again".to_owned())
            }
        })?;
    let uploaded = photos
        .upload(
            &state.store,
            &caller,
            id,
            header(&headers, CONTENT_TYPE.as_str()),
            header(&headers, PHOTO_SHA_HEADER),
            Vec::from(bytes),
        )
        .await?;
    Ok(match uploaded {
        Uploaded::Created(receipt) => (StatusCode::CREATED, Json(receipt)),
        Uploaded::Identical(receipt) => (StatusCode::OK, Json(receipt)),
    })
}

/// `GET /api/v1/photos/{id}`: the kept JPEG (no metadata); 404 outside the caller's scope.
#[utoipa::path(get, path = "/api/v1/photos/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>),
        (status = 404, body = domain::api::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Authed(caller): Authed,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, ApiError> {
    jpeg(&state, &caller, id, Variant::Image).await
}

/// `GET /api/v1/photos/{id}/thumbnail`: a JPEG at most 320 px on its long side.
#[utoipa::path(get, path = "/api/v1/photos/{id}/thumbnail", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>),
        (status = 404, body = domain::api::ErrorBody)))]
pub async fn thumbnail(
    State(state): State<AppState>,
    Authed(caller): Authed,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, ApiError> {
    jpeg(&state, &caller, id, Variant::Thumbnail).await
}

/// `POST /api/v1/photos/{id}/removal`: a trust admin removes a photo of the trust that caught a
/// patient or a record by mistake, with a reason. Its bytes are deleted, its id is refused
/// from now on (409), reads answer 404, and every device drops its copy at its next pull.
#[utoipa::path(post, path = "/api/v1/photos/{id}/removal", params(("id" = Uuid, Path)),
    request_body = PhotoRemoval,
    responses((status = 200, body = RemovedPhoto), (status = 401, body = domain::api::ErrorBody),
        (status = 403, body = domain::api::ErrorBody), (status = 404, body = domain::api::ErrorBody),
        (status = 422, body = domain::api::ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    Authed(caller): Authed,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<PhotoRemoval>,
) -> Result<Json<RemovedPhoto>, ApiError> {
    Ok(Json(
        state
            .photos
            .remove(&state.store, &caller, id, &request)
            .await?,
    ))
}

async fn jpeg(
    state: &AppState,
    caller: &domain::caller::Caller,
    id: Uuid,
    variant: Variant,
) -> Result<Response, ApiError> {
    let (photo, bytes) = state
        .photos
        .read(&state.store, caller, id, variant, state.clock.today())
        .await?;
    let etag = match variant {
        Variant::Image => format!("\"{}\"", photo.image_key),
        Variant::Thumbnail => format!("\"{}\"", photo.thumbnail_key),
    };
    // Photos may show patients: never kept in a browser's cache, where they would outlive
    // the session and a buddy trust's grant.
    Ok((
        [
            (CONTENT_TYPE, "image/jpeg".to_owned()),
            (CACHE_CONTROL, "no-store".to_owned()),
            (ETAG, etag),
        ],
        bytes,
    )
        .into_response())
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}
