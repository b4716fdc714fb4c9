//! The API's error type and its one mapping to HTTP.
//!
//! Policy: every bad input is a 4xx with the interface's JSON body and changes nothing; only a
//! fault of the server itself (storage unreachable, a bug) is a 500, logged with its cause and
//! never shown to the caller. Extractor rejections are mapped here too, so axum's plain-text
//! errors never reach a client.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::RETRY_AFTER;
use axum::response::{IntoResponse, Response};
use domain::api::ErrorBody;
use serde::de::DeserializeOwned;

use crate::store::StoreError;

/// Everything an API call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("The request body is not valid JSON: {0}")]
    MalformedJson(String),
    #[error("The request body has the wrong shape: {0}")]
    InvalidBody(String),
    #[error("Sign in to continue")]
    Unauthenticated,
    #[error("Email or password is not right")]
    BadCredentials,
    #[error("{0}")]
    Forbidden(String),
    #[error("Not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    UnsupportedType(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("Too many attempts. Try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    #[error("Method not allowed")]
    MethodNotAllowed,
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// The status and machine code of the interface.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::MalformedJson(_) => (StatusCode::BAD_REQUEST, "malformed_json"),
            ApiError::InvalidBody(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
            ApiError::Unauthenticated | ApiError::BadCredentials => {
                (StatusCode::UNAUTHORIZED, "unauthenticated")
            }
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::UnsupportedType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type")
            }
            ApiError::Unprocessable(_) => (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
        }
    }

    /// The JSON body of the interface.
    pub fn body(&self) -> ErrorBody {
        let (_, code) = self.status_and_code();
        let message = match self {
            ApiError::Internal(_) => {
                "Something went wrong on the server. Try again later".to_owned()
            }
            other => other.to_string(),
        };
        ErrorBody {
            error: code.to_owned(),
            message,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error = ?cause, "request failed");
        }
        let (status, _) = self.status_and_code();
        let mut response = (status, Json(self.body())).into_response();
        if let ApiError::RateLimited { retry_after_secs } = self {
            response
                .headers_mut()
                .insert(RETRY_AFTER, retry_after_secs.into());
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Conflict(what) => ApiError::Conflict(what),
            StoreError::Database(e) => ApiError::Internal(e.into()),
            StoreError::Migrate(e) => ApiError::Internal(e.into()),
        }
    }
}

/// `axum::Json`, but its rejections become the interface's errors.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(match rejection {
                JsonRejection::JsonSyntaxError(e) => ApiError::MalformedJson(e.body_text()),
                JsonRejection::JsonDataError(e) => ApiError::InvalidBody(e.body_text()),
                JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedType(
                    "Send the body as JSON with Content-Type: application/json".to_owned(),
                ),
                JsonRejection::BytesRejection(_) => {
                    ApiError::TooLarge("The request body is too large".to_owned())
                }
                other => ApiError::InvalidBody(other.body_text()),
            }),
        }
    }
}

/// `axum::extract::Path`, but an unparseable id is simply not found.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e: PathRejection| {
                tracing::debug!(error = %e, "path rejected");
                ApiError::NotFound
            })
    }
}
