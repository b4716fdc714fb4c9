//! The API's error type and its one mapping to HTTP.
//!
//! Policy: every bad input is a 4xx with the interface's JSON body and changes nothing; only a
//! fault of the server itself (storage unreachable, a bug) is a 500, logged with its cause (on
//! the request's one log line, see [`crate::request_log`]) and never shown to the caller. Extractor rejections are mapped here too, so axum's plain-text
//! errors never reach a client.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::RETRY_AFTER;
use axum::response::{IntoResponse, Response};
use domain::api::{ErrorBody, ErrorCode};
use serde::de::DeserializeOwned;

use crate::request_log::ErrorCause;
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
    #[error("{}", domain::api::ONE_TIME_PASSWORD_EXPIRED)]
    OneTimePasswordExpired,
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
    #[error("The server is busy. Try again in {retry_after_secs} seconds")]
    Busy { retry_after_secs: u64 },
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// The interface's machine code.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::MalformedJson(_) => ErrorCode::MalformedJson,
            ApiError::InvalidBody(_) => ErrorCode::InvalidBody,
            ApiError::Unauthenticated
            | ApiError::BadCredentials
            | ApiError::OneTimePasswordExpired => ErrorCode::Unauthenticated,
            ApiError::Forbidden(_) => ErrorCode::Forbidden,
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::Conflict(_) => ErrorCode::Conflict,
            ApiError::TooLarge(_) => ErrorCode::TooLarge,
            ApiError::UnsupportedType(_) => ErrorCode::UnsupportedType,
            ApiError::Unprocessable(_) => ErrorCode::Unprocessable,
            ApiError::RateLimited { .. } => ErrorCode::RateLimited,
            ApiError::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            ApiError::Busy { .. } => ErrorCode::Busy,
            ApiError::Internal(_) => ErrorCode::InternalError,
        }
    }

    /// The JSON body of the interface.
    pub fn body(&self) -> ErrorBody {
        let message = match self {
            ApiError::Internal(_) => {
                "Something went wrong on the server. Try again later".to_owned()
            }
            other => other.to_string(),
        };
        ErrorBody {
            error: self.code().as_str().to_owned(),
            message,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let cause = match &self {
            ApiError::Internal(cause) => Some(ErrorCause(format!("{cause:#}"))),
            _ => None,
        };
        let status =
            StatusCode::from_u16(self.code().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self.body())).into_response();
        if let ApiError::RateLimited { retry_after_secs } | ApiError::Busy { retry_after_secs } =
            self
        {
            response
                .headers_mut()
                .insert(RETRY_AFTER, retry_after_secs.into());
        }
        if let Some(cause) = cause {
            response.extensions_mut().insert(cause);
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Conflict(what) => ApiError::Conflict(what),
            other @ (StoreError::Closed | StoreError::Raced | StoreError::Database(_)) => {
                ApiError::Internal(other.into())
            }
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
